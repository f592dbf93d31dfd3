"""A page loads only what it draws: the statistics stack (scipy, esda, libpysal), matplotlib and
python-docx are for screening hazards and writing documents, and cost a new server process up to
a second of imports. The pages read the week's saved screen and build documents only when a
button is clicked, so a first visit to any of them loads none of these.

Each page runs in a fresh interpreter (an import made by one page would hide another's)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ledger.config import REPO_ROOT
from ledger.hazards.saved import week_flags
from ledger.store import current_snapshot, now_shanghai

HEAVY = ("scipy", "esda", "libpysal", "sklearn", "matplotlib", "docx")
PAGES = ("overview", "map", "verification", "trends", "explorer", "hazards", "events", "wall")

PROBE = """
import json, logging, sys
logging.getLogger("streamlit").setLevel(logging.ERROR)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
page = sys.argv[2]
if page == "wall":
    at.query_params["mode"] = "wall"
else:
    at.switch_page(f"app_pages/{page}.py")
at.run()
print(json.dumps({"exception": [str(e.value) for e in at.exception],
                  "loaded": sorted(m for m in sys.argv[3].split(",") if m in sys.modules)}))
"""


@pytest.fixture(scope="module")
def screened(demo_settings):
    """The week's screen saved, as a server's background warm-up leaves it."""
    week_flags(current_snapshot(demo_settings), now_shanghai().date())
    return demo_settings


@pytest.mark.parametrize("page", PAGES)
def test_a_page_loads_no_statistics_or_document_stack(page, screened):
    env = {**os.environ, "SENTINEL_DATA_DIR": str(screened.data_dir), "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run([sys.executable, "-c", PROBE, str(REPO_ROOT / "app.py"), page, ",".join(HEAVY)],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["exception"], result["exception"]
    assert result["loaded"] == [], f"{page} loaded {result['loaded']}"
