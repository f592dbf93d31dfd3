"""The trends page's written summary, on hand-made counts with known answers."""
from ledger.summaries import biggest_changes, industry_summary, sentence


def row(name, n, n_prev, units=("东莞市", "深圳市")):
    return {"industry_name_zh": name, "industry_name_en": name, "n": n, "n_prev": n_prev,
            "top_units_zh": list(units), "top_units_en": ["Dongguan", "Shenzhen"]}


def test_the_biggest_absolute_changes_come_first_and_small_counts_are_ignored():
    rows = [row("制造业", 50, 45), row("建筑业", 48, 30), row("教育", 3, 1), row("住宿和餐饮业", 6, 12)]
    names = [c.name_zh for c in biggest_changes(rows)]
    assert names == ["建筑业", "住宿和餐饮业", "制造业"]  # +18, -6, +5; 教育 is too small to mean anything


def test_a_sentence_gives_count_change_and_places():
    text = sentence(biggest_changes([row("建筑业", 48, 30)])[0])
    assert text == "建筑业近30天 48 起，较前30天 +60%，主要集中在东莞、深圳。"
    english = sentence(biggest_changes([row("Construction", 48, 30)])[0], "en")
    assert english.startswith("Construction: 48 in the last 30 days, +60%")


def test_from_nothing_is_said_plainly_and_the_headline_adds_up():
    lines = industry_summary([row("建筑业", 6, 0), row("制造业", 10, 10)])
    assert lines[0] == "近30天共发生群体性劳资纠纷 16 起，较前30天 +60%。"
    assert lines[1].startswith("建筑业近30天 6 起，前30天为 0 起")
    assert len(lines) == 2  # 制造业 did not change


def test_no_disputes_gives_only_the_headline():
    assert industry_summary([]) == ["近30天共发生群体性劳资纠纷 0 起，前30天为 0 起。"]
