"""`python -m ledger`: the subcommands work end to end, say what they do in --help, and fail
with one line and a non-zero exit on bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ledger.cli import SUBCOMMANDS, build_parser
from ledger.config import REPO_ROOT
from ledger.geo import unit_by_code


def ledger(*args, env_dir=None):
    env_args = ["--data-dir", str(env_dir)] if env_dir else []
    return subprocess.run([sys.executable, "-m", "ledger", *env_args, *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_demo_then_info_json(tmp_path):
    built = ledger("demo", "--items", "800", "--seed", "5", env_dir=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "800 items" in built.stdout
    info = ledger("info", "--json", env_dir=tmp_path)
    assert info.returncode == 0
    data = json.loads(info.stdout)
    assert data["items"] == 800
    assert 0 < data["collective"] < 800
    assert data["units"] == len(unit_by_code())  # the demo covers the whole province
    assert {"snapshot_id", "created_at"} <= data.keys()
    # Building the demo again would mix two demos: refused unless asked to replace.
    again = ledger("demo", "--items", "300", env_dir=tmp_path)
    assert again.returncode == 1 and "--replace" in again.stderr
    assert ledger("demo", "--if-missing", env_dir=tmp_path).returncode == 0
    assert json.loads(ledger("info", "--json", env_dir=tmp_path).stdout)["snapshot_id"] == data["snapshot_id"]
    replaced = ledger("demo", "--items", "300", "--replace", env_dir=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(ledger("info", "--json", env_dir=tmp_path).stdout)["items"] == 300


def test_make_run_rebuilds_a_snapshot_an_older_sentinel_built(tmp_path):
    assert ledger("demo", "--items", "300", env_dir=tmp_path).returncode == 0
    current = tmp_path / "snapshots" / (tmp_path / "snapshots" / "CURRENT").read_text().strip()
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    (current / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 1}), encoding="utf-8")
    upgraded = ledger("demo", "--if-missing", env_dir=tmp_path)  # what `make run` does
    assert upgraded.returncode == 0 and "older Sentinel" in upgraded.stdout
    assert json.loads(ledger("info", "--json", env_dir=tmp_path).stdout)["snapshot_id"] != manifest["snapshot_id"]


def test_snapshot_rebuilds_from_the_journal(tmp_path):
    assert ledger("demo", "--items", "300", env_dir=tmp_path).returncode == 0
    first = json.loads(ledger("info", "--json", env_dir=tmp_path).stdout)
    rebuilt = ledger("snapshot", env_dir=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    second = json.loads(ledger("info", "--json", env_dir=tmp_path).stdout)
    assert second["snapshot_id"] != first["snapshot_id"] and second["items"] == first["items"]


def test_data_dir_from_environment(tmp_path):
    env_dir = tmp_path / "elsewhere"
    result = subprocess.run([sys.executable, "-m", "ledger", "demo", "--items", "200"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "SENTINEL_DATA_DIR": str(env_dir)})
    assert result.returncode == 0, result.stderr
    assert (env_dir / "snapshots" / "CURRENT").exists()


@pytest.mark.parametrize("args, code, words", [
    (["demo", "--items", "many"], 2, "not a whole number"),
    (["demo", "--items", "0"], 2, "at least 1"),
    (["demo", "--end", "2026-13-40"], 2, "not a date"),
    (["frobnicate"], 2, "invalid choice"),
    (["info"], 1, "no snapshot"),
    (["snapshot"], 1, "demo"),
])
def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path, args, code, words):
    result = ledger(*args, env_dir=tmp_path)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_help_names_every_subcommand(capsys):
    text = build_parser().format_help()
    for name, command in SUBCOMMANDS.items():
        assert name in text and command.help
    # Each subcommand's own help, from the parser `python -m ledger` runs (in this process: a
    # process per subcommand took 40 s of the suite; test_demo_then_info_json runs the real CLI).
    for name in SUBCOMMANDS:
        with pytest.raises(SystemExit) as leaving:
            build_parser().parse_args([name, "--help"])
        assert leaving.value.code == 0 and f"usage: python -m ledger {name}" in capsys.readouterr().out


def test_readme_documents_every_subcommand():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name in SUBCOMMANDS:
        assert f"python -m ledger {name}" in readme, name
