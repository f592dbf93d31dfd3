# Sentinel: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test demo install install-dev clean-venv wall soak bench hazards-eval

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
	FORWARDED_ALLOW_IPS= $(BIN)/python -m streamlit run app.py --server.port $(PORT)  # X-Forwarded-For: docs/operations.md

## The command room's wall screen: starts the app if needed, opens ?mode=wall full screen, sized to the screen (SCALE=2 zooms the browser)
SCALE ?= 1
wall: demo
	$(BIN)/python tools/wall.py --port $(PORT) --scale $(SCALE)

## 30 minutes of wall-screen rotations and 30 snapshot swaps on a ledger of a million items; writes bench/soak.json (not part of `make test`)
soak: install-dev
	$(BIN)/python tools/soak_wall.py --minutes 30 --swaps 30 --items 1000000

## Demo ledgers of 10 thousand, 1 million and 10 million items, every panel timed against pandas; writes bench/results.json (not part of `make test`; about 25 minutes)
bench: install-dev
	$(BIN)/python -m bench.run

## The hazard screen's accuracy on every baseline (demos, China Labour Bulletin); rewrites docs/hazards.md's tables (not part of `make test`; about ten minutes)
hazards-eval: install-dev
	$(BIN)/python -m tools.hazards_eval

## Run the whole test suite (browser tests too when Chromium is installed; required when CI=true).
test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup

clean-venv:
	rm -rf $(VENV)
