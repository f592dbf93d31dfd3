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

import functools
import re
import sys
import unicodedata

# Fields that may hold several lines (a description, the verification notes).
LONG_TEXT = {"summary", "verification_notes", "disposition"}

# Format characters (Unicode category Cf: soft hyphen, direction marks and overrides, zero-width
# space, invisible operators, tags …) are invisible: all go, except the zero-width joiner and
# non-joiner inside text, which join emoji and some scripts.
def _ranges(codes: list[int]) -> str:
    """Code points as a regex class body of ranges (a run of single characters is much slower)."""
    runs, start = [], None
    for previous, code in zip([None, *codes], codes):
        if previous is None or code != previous + 1:
            if start is not None:
                runs.append((start, previous))
            start = code
    runs.append((start, codes[-1]))
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs)


_FORMAT = [c for c in range(sys.maxunicode + 1)
           if unicodedata.category(chr(c)) == "Cf" and c not in (0x200C, 0x200D)]
# Two classes: one of the basic plane alone is matched by a bitmap (about as fast as the old list of
# bidi characters); the other, tags and the like beyond it, is tried only on text that has any.
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{_ranges([c for c in _FORMAT if c <= 0xFFFF])}]")
_CONTROL_BEYOND = re.compile(f"[{_ranges([c for c in _FORMAT if c > 0xFFFF])}]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_EDGES = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$")
_INVISIBLE_EDGE = re.compile(r"^\s*[\u200b\u200c\u200d\u2060\ufeff]|[\u200b\u200c\u200d\u2060\ufeff]\s*$")


def clean_text(text: str, long_text: bool = False) -> tuple[str, bool]:
    """`text` without invisible characters, and whether any were removed (tabs and line breaks
    in a one-line field become a space, which is not counted as a removal).

    Short text is cached: an export repeats its media, places, demands and forms on every row
    (and each cell is cleaned as the original and as a field); long text, which rarely repeats,
    is not, so the cache stays small whatever a file holds."""
    return _clean_short(text, long_text) if len(text) <= CACHED_CHARS else _clean(text, long_text)


CACHED_CHARS = 40


def _clean(text: str, long_text: bool) -> tuple[str, bool]:
    beyond = bool(text) and max(text) > "\uffff" and bool(_CONTROL_BEYOND.search(text))
    dirty = beyond or _CONTROL.search(text) is not None
    cleaned = _CONTROL.sub("", _CONTROL_BEYOND.sub("", text) if beyond else text) if dirty else text
    if long_text:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    else:
        cleaned = _LINE_BREAKS.sub(" ", cleaned)
    removed = dirty or bool(_INVISIBLE_EDGE.search(cleaned))
    return _EDGES.sub("", cleaned), removed


_clean_short = functools.lru_cache(maxsize=4096)(_clean)
