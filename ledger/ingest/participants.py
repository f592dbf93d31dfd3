"""How many people took part, from the way reports say it, to a low and a high number.

`200` and `约200人` are 200 to 200; `200余人`/`200多人` are 200 to 299 (the next digit is
unknown); `超过300人`/`300人以上` have no upper bound; `数百人`/`几百人` are 200 to 999, `上百人`
and `百余人` 100 to 199, `上千人` 1000 to 1999; `100-1000`, `100至1000` and the China Labour
Bulletin's `1-100 Persons` are ranges; `10000+ Persons` has no upper bound; `1.5万` is 15000.
Chinese numerals (二百余人) are read too. The original text is always kept beside the numbers,
and a text we cannot read keeps its words and no numbers (never a guess). Numbers are returned as
written, never clamped: a negative or impossibly large count is for the row to set aside
(ledger.ingest.rows), with the original text kept.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMBER = r"(\d+(?:\.\d+)?)\s*(万)?"
_RANGE = re.compile(rf"^{_NUMBER}\s*(?:-|~|～|—|–|至|到)\s*{_NUMBER}$")
_PLUS = re.compile(rf"^{_NUMBER}\s*\+$")
_MORE = re.compile(rf"^{_NUMBER}\s*(余|多)$")
_AT_LEAST = re.compile(rf"^(?:超过|超|逾|至少|不少于)?\s*{_NUMBER}\s*(以上|之上|开外)?$")
_VAGUE = {  # 数百: several hundred (2..9 hundreds); 上百: reaching a hundred; 百余: a hundred and more
    "数": (2, 10), "几": (2, 10), "上": (1, 2), "近": (None, None),
}
_NOISE = re.compile(r"(persons?|people|workers?|employees?|人次|名|人|员工|工人|职工|左右|上下|大约|约|约有|估计|共|计)",
                    re.IGNORECASE)


@dataclass(frozen=True)
class Participants:
    low: int | None
    high: int | None
    text: str

    @property
    def understood(self) -> bool:
        return self.low is not None


def chinese_number(text: str) -> int | None:
    """二百 → 200, 一千五百 → 1500, 十五 → 15, 两万 → 20000; None if `text` is not one."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + section + (digit or 0)


def _number(digits: str, wan: str | None) -> int:
    return round(float(digits) * (10_000 if wan else 1))


def _to_digits(text: str) -> str:
    """Chinese numerals inside `text` replaced by digits (二百余人 → 200余人)."""
    return re.sub(r"[零〇一二两三四五六七八九十百千万]+",
                  lambda m: str(chinese_number(m.group())) if chinese_number(m.group()) and
                  not re.fullmatch(r"[十百千万]", m.group()) else m.group(), text)


def _vague(text: str) -> tuple[int, int | None] | None:
    """数百, 几十, 上千, 近千, 百余, 千余, 十几 …"""
    if match := re.fullmatch(r"([数几上近])\s*([十百千万])", text):
        unit = _UNITS[match[2]]
        low, high = _VAGUE[match[1]]
        if low is None:  # 近千: nearly a thousand
            return unit, unit
        return low * unit, high * unit - 1
    if match := re.fullmatch(r"([十百千万])\s*(余|多|几)", text):
        unit = _UNITS[match[1]]
        return unit, 2 * unit - 1
    return None


def parse_participants(value) -> Participants | None:
    """Low and high numbers for a participant count as written; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return Participants(None, None, str(value))
    if isinstance(value, float) and not math.isfinite(value):
        return Participants(None, None, str(value))
    if isinstance(value, (int, float)):
        n = round(value)
        text = str(int(value)) if float(value).is_integer() else str(value)
        return Participants(n, n, text)
    original = str(value).strip()
    text = unicodedata.normalize("NFKC", original).lstrip("'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = _NOISE.sub("", text).strip()
    text = re.sub(r"^(近|将近|接近)\s*(?=\d)", "", text)
    if re.fullmatch(r"-\s*\d+", text):  # a negative count as written: for the row to set aside
        n = int(text.replace(" ", ""))
        return Participants(n, n, original)
    if vague := _vague(text):
        return Participants(vague[0], vague[1], original)
    text = _to_digits(text).replace(" ", "")
    if match := _RANGE.match(text):
        low, high = _number(match[1], match[2]), _number(match[3], match[4])
        return Participants(min(low, high), max(low, high), original)
    if match := _PLUS.match(text):
        return Participants(_number(match[1], match[2]), None, original)
    if match := _MORE.match(text):
        low = _number(match[1], match[2])
        zeros = len(str(low)) - len(str(low).rstrip("0"))
        return Participants(low, low + 10**zeros - 1 if zeros else None, original)
    if match := _AT_LEAST.match(text):
        n = _number(match[1], match[2])
        bounded = not (match[3] or re.match(r"^(超过|超|逾|至少|不少于)", text))
        return Participants(n, n if bounded else None, original)
    return Participants(None, None, original)
