# Sentinel: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test demo install install-dev clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Build the demo ledger and its snapshot unless a snapshot already exists.
demo: install
	$(BIN)/python -m ledger demo --if-missing

## Start the dashboard on http://localhost:$(PORT)
run: demo
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

## Run the whole test suite (browser tests too when Chromium is installed; required when CI=true).
test: install-dev
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
