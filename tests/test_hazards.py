"""The hazard screen: each method on hand-made series with known answers, no peeking at later
data, the CLI's JSON, the evaluation harness, the brief, and the page."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl
import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from ledger.config import CLB_EXPORTS, REPO_ROOT, load_settings
from ledger.hazards import methods
from ledger.hazards.flags import screen_week
from ledger.hazards import saved
from ledger.hazards.screen import screen
from ledger.hazards.brief import brief_docx, brief_html
from ledger.hazards import evaluate as evaluation
from ledger.hazards.evaluate import evaluate, table
from ledger.reference import spring_festivals
from ledger.store import Snapshot, current_snapshot, now_shanghai
from tests.helpers import add_dispute


WEEKS = [date(2023, 1, 2) + timedelta(weeks=i) for i in range(160)]
BINS = methods.festival_bins(WEEKS, sorted(spring_festivals().values()))


def poisson_series(rate: float, cells: int = 40, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).poisson(rate, size=(cells, len(WEEKS))).astype(float)


@pytest.mark.parametrize("level", [0.0, 1.0, 3.0])
def test_a_flat_series_flags_nothing(level):
    Y = np.full((5, len(WEEKS)), level)
    assert not methods.seasonal(Y, BINS, first=20).flag.any()
    assert not methods.ears(Y).flag.any() and not methods.naive(Y).flag.any()


@pytest.mark.parametrize("rate", [0.3, 2.0])
def test_random_noise_around_a_flat_rate_rarely_flags(rate):
    Y = poisson_series(rate)
    seasonal = methods.seasonal(Y, BINS, first=60).flag[:, 60:]
    ears = methods.ears(Y).flag[:, 60:]
    # the seasonal model keeps to its design rate; EARS pays for its short baseline in sparse cells
    assert seasonal.mean() < 0.01 and ears.mean() < 0.035


def test_a_step_up_is_flagged_within_a_week():
    Y = poisson_series(1.0)
    Y[:, 120:126] += 5  # five extra disputes a week from week 120, in every cell
    seasonal = methods.seasonal(Y, BINS, first=110, last=125).flag
    ears = methods.ears(Y).flag
    assert (seasonal[:, 120:122].any(axis=1)).mean() > 0.9
    assert (ears[:, 120:122].any(axis=1)).mean() >= 0.85  # a short, noisy baseline misses a few
    assert seasonal[:, 110:120].mean() < 0.02  # and nothing before it


def test_a_spring_festival_peak_that_recurs_every_year_is_not_new():
    rng = np.random.default_rng(5)
    rate = np.where((BINS == 2) | (BINS == 3), 4.0, 0.8)  # four times as many in the 8 weeks before
    Y = rng.poisson(rate, size=(40, len(WEEKS))).astype(float)
    festival_weeks = [t for t in range(110, 160) if BINS[t] in (2, 3)]
    assert festival_weeks
    seasonal = methods.seasonal(Y, BINS, first=110).flag[:, festival_weeks]
    naive = methods.naive(Y).flag[:, festival_weeks]
    assert seasonal.mean() < 0.03
    assert naive.mean() > 3 * seasonal.mean()  # the naive rule is fooled by the season


def test_gi_star_finds_a_planted_cluster_of_neighbouring_counties():
    rng = np.random.default_rng(8)
    coordinates = np.array([[113 + (i % 10) * 0.1, 22 + (i // 10) * 0.1] for i in range(60)])
    Y = rng.poisson(0.3, size=(60, 40)).astype(float)
    cluster = [0, 1, 10, 11]  # four neighbours in a corner
    Y[cluster, 30:34] += 3
    result = methods.gi_star(Y, coordinates, first=28, last=35)
    hot = np.nonzero(result.flag[:, 33])[0]
    assert set(cluster) & set(hot) and len(set(hot) - set(cluster) - {2, 12, 20, 21, 22}) <= 2
    categories = methods.emerging_categories(result, 33)
    assert set(categories.values()) <= {"new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic"}


@pytest.fixture(scope="module")
def snapshot(demo_settings):
    return current_snapshot(demo_settings)


def test_the_cli_prints_flags_as_json_with_chinese_names(demo_settings):
    result = subprocess.run([sys.executable, "-m", "ledger", "--data-dir", str(demo_settings.data_dir), "hazards",
                             "--as-of", "2026-02-01", "--json"], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    flags = json.loads(result.stdout)
    assert flags
    for flag in flags:
        assert set(flag) == {"unit", "unit_code", "county", "industry", "industry_code", "week", "method", "observed",
                             "expected", "weeks", "weighted", "score", "category", "item_ids"}
        assert flag["unit"].endswith(("市", "区")) and flag["week"] == "2026-W05"
    assert any(f["industry"] and f["industry"].endswith("业") for f in flags)
    scores = [f["score"] for f in flags]
    assert scores == sorted(scores, reverse=True)


def test_no_peeking_later_items_do_not_change_a_past_screen(demo_settings, tmp_path):
    shutil.copytree(demo_settings.data_dir, tmp_path / "data")
    settings = load_settings(tmp_path / "data")
    day = date(2026, 1, 25)
    before = [f.to_json() for f in screen(current_snapshot(settings), day)]
    for i in range(4):  # a burst after the screened week
        add_dispute(settings, title=f"后来的纠纷{i}", captured_at=now_shanghai().replace(year=2026, month=2, day=3))
    after = [f.to_json() for f in screen(current_snapshot(settings), day)]
    assert before == after


def test_repeat_trouble_at_one_enterprise_is_flagged(demo_settings, tmp_path):
    shutil.copytree(demo_settings.data_dir, tmp_path / "data")
    settings = load_settings(tmp_path / "data")
    today = now_shanghai().date()
    wednesday = datetime.combine(screen_week(today) + timedelta(days=2), time(10))  # in the week the screen judges
    add_dispute(settings, title="某厂再次停工", captured_at=wednesday - timedelta(days=7), unit_code="442000")
    add_dispute(settings, title="某厂第三次停工", captured_at=wednesday, unit_code="442000")
    flags = [f for f in screen(current_snapshot(settings), today) if f.method == "enterprise_repeat"]
    assert any(f.unit_code == "442000" and f.observed >= 2 for f in flags)
    assert all(f.sentence().count("起群体性纠纷") == 1 for f in flags)


def copied_snapshot(snapshot, folder):
    """The demo snapshot in a folder of its own, so that a test may damage what it saves."""
    shutil.copytree(snapshot.path, folder, ignore=shutil.ignore_patterns(saved.DERIVED))
    return Snapshot(f"copy-{snapshot.snapshot_id}", folder, snapshot.manifest)


def test_a_weeks_screen_is_saved_beside_its_snapshot_and_read_back_not_rerun(snapshot, tmp_path):
    copy = copied_snapshot(snapshot, tmp_path / "snapshot")
    sunday = date(2026, 2, 1)
    flags = saved.week_flags(copy, sunday)
    assert [f.to_json() for f in flags] == [f.to_json() for f in screen(copy, sunday)] and flags
    path = saved.saved_path(copy, sunday)
    assert path.parent == copy.path / saved.DERIVED and "2026-W05" in path.name
    assert saved.saved_path(copy, date(2026, 2, 4)) == path  # any day until the next Sunday judges that week
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept[0]["observed"] = 999  # were the screen run again, this would not come back
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    assert saved.week_flags(copy, date(2026, 2, 3))[0].observed == 999


def test_a_damaged_saved_screen_is_screened_again(snapshot, tmp_path):
    copy = copied_snapshot(snapshot, tmp_path / "snapshot")
    sunday = date(2026, 2, 1)
    path = saved.saved_path(copy, sunday)
    path.parent.mkdir()
    path.write_text('[{"unit": "半个文件', encoding="utf-8")
    assert [f.to_json() for f in saved.week_flags(copy, sunday)] == [f.to_json() for f in screen(copy, sunday)]
    assert json.loads(path.read_text(encoding="utf-8"))  # written whole this time


def test_a_new_snapshots_screen_is_warmed_in_the_background_once(snapshot, tmp_path):
    copy = copied_snapshot(snapshot, tmp_path / "snapshot")
    sunday = date(2026, 2, 1)
    thread = saved.warm_soon(copy, sunday)
    assert thread is not None
    thread.join(timeout=120)
    assert saved.saved_path(copy, sunday).exists()
    assert saved.warm_soon(copy, sunday) is None  # saved: nothing more to do
    assert [p.name for p in (copy.path / saved.DERIVED).iterdir()] == [saved.saved_path(copy, sunday).name]


def test_evaluation_reports_every_method_side_by_side(snapshot):
    report = evaluate(snapshot, date(2026, 11, 22), runs=12, seeds=(2,))
    assert set(report["methods"]) == {"seasonal", "ears", "naive", "gi_star"}
    for row in report["methods"].values():
        assert 0 <= row["false_alarms_per_100_all_cells"] <= 100 and row["province_false_flags_per_week"] >= 0
        for size in ("2", "3", "5", "8"):
            s = row["by_size"][size]
            assert s["outbreaks"] == 12 and 0 <= s["probability_of_detection"] <= 1
            low, high = s["pod_95"]
            assert low <= s["probability_of_detection"] <= high
        assert sum(level["by_size"]["3"]["outbreaks"] for level in row["by_level"].values()) == 12
    assert "| seasonal |" in table(report) and "baseline level" in table(report)


def test_an_outbreak_is_a_total_spread_over_its_weeks():
    """Noufaily et al.: the size is a total (Poisson, mean k × the baseline SD), spread by a
    lognormal profile that peaks early, or by a ramp that rises."""
    rng = np.random.default_rng(0)
    for ramp in (False, True):
        for total, weeks in ((1, 1), (7, 3), (40, 6)):
            cases = evaluation.spread(rng, total, weeks, ramp)
            assert cases.sum() == total and len(cases) == weeks and (cases >= 0).all()
    early = np.mean([evaluation.spread(rng, 60, 6, False)[:3].sum() for _ in range(200)])
    late = np.mean([evaluation.spread(rng, 60, 6, True)[3:].sum() for _ in range(200)])
    assert early > 40 and late > 40  # lognormal front-loaded; ramp back-loaded (15/21 of it in weeks 4–6)
    Y = np.zeros((3, 120))
    Y[1] = rng.poisson(2.0, 120)  # the only cell with history
    sizes = []
    (level, cells), = evaluation.strata(Y, 68).items()
    for _ in range(400):
        outbreak = evaluation.draw(rng, Y, 68, 3, np.zeros(120, dtype=bool), int(rng.choice(cells)), level)
        assert outbreak.cells == (1,) and 1 <= outbreak.weeks <= 6 and 68 <= outbreak.start <= 120 - outbreak.weeks
        sizes.append(outbreak.cases.sum())
    assert abs(np.mean(sizes) - 3 * Y[1, 16:68].std()) < 0.6  # mean k × SD (SD of roughly the 52 weeks before)


def test_false_alarms_are_counted_in_the_cells_the_outbreaks_went_into():
    """One busy, noisy cell among 49 empty ones: every outbreak goes into it, so its false alarms
    are the ones weighed against the detections, not the province's average diluted by the
    empty cells."""
    rng = np.random.default_rng(3)
    Y = np.zeros((50, 130))
    Y[0] = rng.poisson(rng.choice([1.0, 6.0], 130))  # bursts the naive rule flags
    weeks = [date(2023, 1, 2) + timedelta(weeks=i) for i in range(130)]
    row = evaluation.evaluate_method("naive", Y, weeks, None, runs=5, seeds=(1,))
    own = 100 * methods.naive(Y).flag[0, -evaluation.TEST_WEEKS:].mean()
    assert row["cells_with_history"] == 1 and own > 5
    assert row["by_size"]["3"]["false_alarms_per_100_same_cells"] == pytest.approx(own, abs=0.01)
    assert row["false_alarms_per_100_all_cells"] == pytest.approx(own / 50, abs=0.01)


@pytest.mark.skipif(not CLB_EXPORTS.exists(), reason=f"China Labour Bulletin exports not found at {CLB_EXPORTS}")
def test_the_real_clb_baseline_is_evaluated_by_the_same_protocol(tmp_path):
    snapshot = evaluation.clb_baseline(CLB_EXPORTS, tmp_path / "clb")
    as_of = evaluation.last_day(snapshot)
    assert as_of.year == 2014
    report = evaluate(snapshot, as_of, runs=5, seeds=(4,), baseline="clb", method_names=("seasonal", "naive"))
    for row in report["methods"].values():
        assert 0 < row["cells_with_history"] < row["cells"]  # most unit × industry cells never saw a dispute
        assert set(row["by_level"]) <= {"< 0.25", "0.25–1", "1–4", "> 4"}


def test_the_brief_is_a_real_word_document_and_escaped_html(snapshot):
    flags = screen(snapshot, date(2026, 1, 25))[:3]
    week = screen_week(date(2026, 1, 25))
    docx = brief_docx(flags, week, snapshot.snapshot_id, date(2026, 1, 26))
    assert brief_docx(flags, week, snapshot.snapshot_id, date(2026, 1, 26)) == docx  # the same flags, the same bytes
    document = Document(io.BytesIO(docx))
    assert document.core_properties.created.isoformat().startswith("2026-01-25T16:00")  # the issue day, in UTC
    text = [p.text for p in document.paragraphs]
    assert text[0] == "劳资纠纷隐患预警信息"
    assert "一、预警事项" in text and "二、建议措施" in text
    assert any(line.startswith("1. ") and flags[0].place() in line for line in text)
    assert any(snapshot.snapshot_id in line for line in text)
    flags[0].enterprise = "<script>alert(1)</script>"
    flags[0].method = "enterprise_repeat"
    page = brief_html(flags, week, snapshot.snapshot_id, date(2026, 1, 26))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_page_shows_flags_sparklines_and_brief_downloads(sentinel_env):
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.query_params["asof"] = "2026-01-25"
    at.switch_page("app_pages/hazards.py")
    at.run()
    assert not at.exception and not at.error
    assert at.subheader[0].value.startswith("共 ")
    leading = next(h.value for h in at.subheader if h.value.startswith("重点预警"))
    assert int(leading.split()[1]) <= 5  # a handful first; the rest folded as weaker signals
    assert any(c.value.startswith("在评估中，这类预警约有") for c in at.caption)  # how often such a flag was right
    assert len(at.get("download_button")) == 2 and at.get("deck_gl_json_chart")
    assert len(at.get("plotly_chart")) >= 3
    # What the cells leave out is said, counted on the same ledger as the screen counts.
    items = pl.read_parquet(current_snapshot(sentinel_env).table("items")).filter(
        pl.col("is_collective") & pl.col("captured_at").is_between(datetime(2026, 1, 19), datetime(2026, 1, 26), closed="left"))
    said = next(c.value for c in at.caption if c.value.startswith("本周共"))
    assert said.startswith(f"本周共 {items.height} 起群体性纠纷：其中 {items['county_code'].null_count()} 起没有区县")
    assert f"{items.filter(pl.col('unit_code').is_null()).height} 起属地待定" in said


def test_the_readme_and_docs_tables_are_the_results_file():
    """The accuracy tables are generated (make hazards-eval), never edited by hand: each is what
    docs/hazards-results.json gives."""
    results = json.loads((REPO_ROOT / "docs" / "hazards-results.json").read_text(encoding="utf-8"))
    assert {r["baseline"].split(" (")[0] for r in results} >= {"demo seed 7", "demo seed 99"}
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- hazards-eval:start -->", 1)[1].split("<!-- hazards-eval:end -->", 1)[0]
    assert block.strip() == evaluation.summary_table(results)
    docs = (REPO_ROOT / "docs" / "hazards.md").read_text(encoding="utf-8")
    assert all(table(report) in docs for report in results)


def test_no_dispute_with_a_unit_is_left_out_of_either_method(demo_settings, tmp_path):
    """Disputes without a county count at their city in the county method; those without an
    industry count in their unit's own "industry unknown" cell: both series hold every
    collective dispute that has a unit (only 属地待定 waits for triage, and the page says so)."""
    from ledger.hazards.flags import UNKNOWN_INDUSTRY
    from ledger.hazards.screen import place_cells, unit_industry_cells
    from ledger.hazards.series import weekly_series

    shutil.copytree(demo_settings.data_dir, tmp_path / "data")
    settings = load_settings(tmp_path / "data")
    add_dispute(settings, title="某厂工人聚集", captured_at=datetime(2026, 11, 18, 10), blank=("industry", "county_code"))
    snapshot = current_snapshot(settings)
    monday = screen_week(date(2026, 11, 22))
    items = pl.read_parquet(snapshot.table("items")).filter(
        pl.col("is_collective") & pl.col("unit_code").is_not_null()
        & (pl.col("captured_at") < datetime.combine(monday + timedelta(days=7), time())))
    assert items["county_code"].null_count() > 0 and items["industry"].null_count() > 0  # the case is real
    cells = weekly_series(snapshot, "unit_industry", monday, cells=unit_industry_cells(), evidence_weeks=0)
    places = weekly_series(snapshot, "county", monday, cells=place_cells(), evidence_weeks=0)
    assert cells.Y.sum() == places.Y.sum() == items.height
    unknown = [i for i, c in enumerate(cells.cells) if c.endswith(f"|{UNKNOWN_INDUSTRY}")]
    assert cells.Y[unknown].sum() == items["industry"].null_count()


def test_a_leader_sees_a_handful_of_the_strongest_kinds_first_with_their_track_record(tmp_path):
    from ledger.hazards.leading import LEADING, split, track_record
    from ledger.hazards.flags import Flag

    def flag(method: str, score: float, category: str = "new") -> Flag:
        return Flag(unit="深圳市", unit_code="440300", county=None, industry="制造业", industry_code="C",
                    week="2026-W47", method=method, observed=3, expected=0.5, score=score, category=category,
                    item_ids=[])

    flags = [flag("ears", 9), flag("gi_star", 8), *(flag("seasonal", 7 - n) for n in range(6)),
             flag("ears+gi_star", 1), flag("enterprise_repeat", 5, "escalating"), flag("enterprise_repeat", 4, "repeat")]
    first, rest = split(sorted(flags, key=lambda f: -f.score))
    assert len(first) == LEADING and all("seasonal" in f.method or f.category == "escalating" for f in first)
    assert len(first) + len(rest) == len(flags) and not set(map(id, first)) & set(map(id, rest))
    results = [{"baseline": "demo seed 42 (thresholds set on it)", "methods": {"seasonal": {"ppv_during_outbreaks": 0.9}}},
               {"baseline": "demo seed 7", "methods": {"seasonal": {"ppv_during_outbreaks": 0.18}}},
               {"baseline": "China Labour Bulletin", "methods": {"seasonal": {"ppv_during_outbreaks": 0.17}}}]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    assert track_record(flag("seasonal+ears", 1), path) == (0.17, 0.18)  # the tuning ledger left out
    assert track_record(flag("enterprise_repeat", 1), path) is None
    assert track_record(flag("seasonal", 1))  # the repository's own results have it
