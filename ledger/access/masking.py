"""Personal data in ledger text, masked for roles that do not need it.

Monitored posts and verification notes sometimes carry a worker's mobile number, an ID number or
a name ("联系人陈先生 13812345678"). Leaders, analysts and the wall screen see them masked, in
tables and in downloads alike, because the query door applies this to every result for those
roles. The patterns are the formats Chinese text really uses:
- mobile numbers: 11 digits starting 13–19, optionally written +86 / 86 and with spaces or dashes;
- resident ID numbers: 18 characters, 17 digits and a digit or X (and the old 15-digit form);
- names: the one to three characters before 先生/女士/师傅/同志, and the surname after 姓.
"""
from __future__ import annotations

import re

_MOBILE = re.compile(r"(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_TITLE = re.compile(r"[\u4e00-\u9fa5]{1,3}(?=(?:先生|女士|师傅|同志))")
_SURNAME = re.compile(r"(?<=姓)[\u4e00-\u9fa5]")


def _id(match: re.Match) -> str:
    number = match.group(1)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask(text: str | None) -> str | None:
    """`text` with mobiles as 138****5678, ID numbers as 440***********1234, names as *先生."""
    if not text:
        return text
    text = _ID.sub(_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _TITLE.sub(lambda m: "*" * len(m.group(0)), text)
    return _SURNAME.sub("*", text)


# the columns of query results that can carry personal data, masked for roles that may not see it
# (before/after/note/recorded_by are the change history's copies of ledger text; facts to
# reported_by are staged event reports', ledger/workflow/events.py)
PERSONAL_TEXT_COLUMNS = ("title", "summary", "verification_notes", "disposition", "verified_by", "participants_text",
                         "before", "after", "note", "recorded_by",
                         "facts", "causes", "handling", "lessons", "reported_by")
