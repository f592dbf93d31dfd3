"""The label table is complete: every key used in the code (t, pair, Both.of, a Refusal) exists, in Chinese and English."""
from __future__ import annotations

import re

from ledger.config import REPO_ROOT
from ledger.i18n import TEXT

SOURCES = [p for folder in ("ledger", "ui", "app_pages") for p in (REPO_ROOT / folder).rglob("*.py")] + [REPO_ROOT / "app.py"]


def test_every_used_key_exists():
    # t, pair, Both.of, and every Refusal (SomethingError("msg.…", …), ChartFontMissing, Refusal)
    called = re.compile(r'\b(?:t|pair|Both\.of|[A-Z]\w*(?:Error|Missing|Refusal))\(\s*"([a-z0-9_.]+)"')
    used = {key for path in SOURCES for key in called.findall(path.read_text(encoding="utf-8"))}
    assert used, "expected t(...) calls"
    assert used - TEXT.keys() == set()


def test_every_entry_has_both_languages():
    """The same placeholders in both, except that the Chinese may leave out `error`: a parser's own
    message, which is English (the Chinese sentence then says where, not the parser's words)."""
    placeholders = re.compile(r"{(\w+)(?:[:!][^{}]*)?}")
    for key, (zh, en) in TEXT.items():
        assert zh.strip() and en.strip(), key
        zh_names, en_names = set(placeholders.findall(zh)), set(placeholders.findall(en))
        assert zh_names - {"error"} == en_names - {"error"} and zh_names <= en_names, key


def test_keys_built_from_codes_exist():
    """Keys the code builds from a code (t(f"hazards.method.{m}")) escape the search above."""
    from ledger.workflow.group_robots import TOPICS
    from ledger.hazards.flags import CATEGORIES, METHODS

    built = {f"hazards.method.{m}" for m in METHODS} | {f"hazards.about.{m}" for m in METHODS} | \
        {f"hazards.category.{c}" for c in CATEGORIES} | {f"admin.topic.{topic}" for topic in TOPICS}
    assert built - TEXT.keys() == set()
