"""Invisible characters taken out of text before it is stored.

Why: a NUL byte is written into an xlsx export as `_x0000_`, a right-to-left override (U+202E)
makes a title read backwards on every page and in every export, control characters break
terminals and CSV readers, and a title made only of zero-width spaces or soft hyphens looks empty
to a person while counting as filled for the ledger. So stored text loses C0 and C1 control
characters (tab and line breaks stay in long text, become spaces in one-line fields) and every
format character (bidi overrides and marks, zero-width space, soft hyphen …) anywhere, but for
the zero-width joiner and non-joiner, which stay inside text (they belong to an emoji or a
script) and go at either end. The row is told (a warning) whenever something was removed.
"""
from __future__ import annotations

import re
import sys
import unicodedata

# Fields that may hold several lines (a description, the verification notes).
LONG_TEXT = {"summary", "verification_notes", "disposition"}

# Format characters (Unicode category Cf: soft hyphen, direction marks and overrides, zero-width
# space, invisible operators, tags …) are invisible: all go, except the zero-width joiner and
# non-joiner inside text, which join emoji and some scripts.
_FORMAT = "".join(chr(c) for c in range(sys.maxunicode + 1)
                  if unicodedata.category(chr(c)) == "Cf" and c not in (0x200C, 0x200D))
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{re.escape(_FORMAT)}]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_EDGES = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$")
_INVISIBLE_EDGE = re.compile(r"^\s*[\u200b\u200c\u200d\u2060\ufeff]|[\u200b\u200c\u200d\u2060\ufeff]\s*$")
REMOVED_ZH = "已删除不可见控制字符"
REMOVED_EN = "invisible control characters were removed"


def clean_text(text: str, long_text: bool = False) -> tuple[str, bool]:
    """`text` without invisible characters, and whether any were removed (tabs and line breaks
    in a one-line field become a space, which is not counted as a removal)."""
    cleaned = _CONTROL.sub("", text)
    if long_text:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    else:
        cleaned = _LINE_BREAKS.sub(" ", cleaned)
    removed = bool(_CONTROL.search(text) or _INVISIBLE_EDGE.search(cleaned))
    return _EDGES.sub("", cleaned), removed
