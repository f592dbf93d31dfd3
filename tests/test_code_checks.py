"""The code as a reader and a run would find it: no name used that is not defined, no import left
over (pyflakes). A name left behind by a refactor once broke 月度对账's sign-off on the page only,
where no test happened to draw it; this catches its kind everywhere at once."""
from __future__ import annotations

import subprocess
import sys

from ledger.config import REPO_ROOT

CHECKED = ("ledger", "app_pages", "ui", "queries", "tools", "bench", "app.py")


def test_no_undefined_name_and_no_unused_import():
    run = subprocess.run([sys.executable, "-m", "pyflakes", *CHECKED], cwd=REPO_ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "", run.stdout + run.stderr
