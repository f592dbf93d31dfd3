"""One input row, understood: the ledger values it states, what could not be read (a reason a
person can act on), and what was assumed or left unmapped (notes), with its original cells.

A row only states what its cells say (`Row.fields`); defaults for a new item (status pending,
assigned to its unit, a centroid for its position …) are added later by `new_item`, because a
row that turns out to be a verification update for an existing item must change only what it
states. Formats differ in little: our own export (`ledger`) carries codes and every column, so
it is taken as written; China Labour Bulletin rows (`clb`) must be in Guangdong and name their
place in the title or description; other exports (`generic`) use whatever columns they have.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .. import geo, reference
from ..deadlines import configured_rules
from ..export import FORMULA_START
from ..grade_review import initial_review
from ..schema import COLUMNS, ITEMS_SCHEMA, validate_row
from .dates import DateError, has_year, parse_datetime, year_from_title
from .enums import ENUMS, clean, is_unknown, map_industry, map_values, parse_bool
from .headers import Table
from .participants import parse_participants
from .places import gazetteer

TEXT_FIELDS = ("item_id", "title", "summary", "url", "enterprise", "verified_by", "verification_notes",
               "duplicate_of", "disposition")
TIME_FIELDS = ("captured_at", "assigned_at", "verify_due_at", "verified_at", "closed_at", "updated_at")
BOOL_FIELDS = ("is_collective", "union_present", "proactive")
CODE_FIELDS = ("unit_code", "county_code", "assigned_unit", "sub_industry")
FUTURE_TOLERANCE = timedelta(days=1)
TOTAL_ROW = re.compile(r"^(合计|总计|小计|共计|总数|total|sum)\b", re.IGNORECASE)
CLB_SOURCE = "China Labour Bulletin"
GUANGDONG = {"guangdong", "广东", "广东省", "gd"}


Reason = tuple[str, str]  # (zh, en)
ITEMS_LABELS = {c.name: c.zh for c in COLUMNS}


@dataclass
class Row:
    file: str
    sheet: str | None
    row: int
    original: dict[str, str]
    fields: dict = field(default_factory=dict)
    problems: list[Reason] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    row_key: str = ""
    # Why no place was found; it matters only if the row becomes a new item (an update names
    # its item by id or URL and need not say where it is).
    place_problem: Reason | None = None

    def problem(self, zh: str, en: str) -> None:
        self.problems.append((zh, en))


@dataclass(frozen=True)
class Context:
    """What a row needs from outside itself."""

    file: str
    fmt: str  # ledger | clb | generic
    source: str | None  # the --source given, for rows without a source column
    year_hint: int | None
    now: datetime


def unguard(text: str) -> str:
    """Undo the export's formula guard: "'=SUM" was written for "=SUM"."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START else text


def cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = unguard(text.strip())
    return text or None


def is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def skip_reason(table: Table, cells: list) -> str | None:
    """Why a line below the header is not a data row (blank, a total, the header again), or None."""
    if is_blank(cells):
        return "空行"
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    if isinstance(first, str) and TOTAL_ROW.match(first.strip()):
        return "合计行"
    if [str(c).strip() if c is not None else "" for c in cells[:len(table.headers)]] == table.headers:
        return "重复的表头行"
    return None


def year_hint(table: Table, now: datetime) -> int:
    """The year for dates written without one: the title's, else the most common in the table."""
    if year := year_from_title(table.title_text):
        return year
    years: dict[int, int] = {}
    date_columns = [i for i, f in table.fields.items() if f in ("captured_at", "occurred_on", "verified_at")]
    for row in table.sheet.rows[table.header_index + 1:]:
        for i in date_columns:
            value = row[i] if i < len(row) else None
            if has_year(value):
                try:
                    moment = parse_datetime(value)
                except DateError:
                    continue
                if moment:
                    years[moment.year] = years.get(moment.year, 0) + 1
    return max(years, key=years.get) if years else now.year


def row_key(fields: dict, source_text: str) -> str:
    """The stable id the row's item has: its own id if it states one, else a hash of what it is."""
    if fields.get("item_id"):
        return fields["item_id"]
    basis = "|".join([source_text.lower(), (fields.get("url") or "").strip(), (fields.get("title") or "").strip()])
    return "H" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


# ---- reading one row ------------------------------------------------------------------------

def read_row(table: Table, index: int, ctx: Context) -> Row:
    cells = table.sheet.rows[index]
    number = table.sheet.row_numbers[index]
    original = {(table.headers[i] or f"列{i + 1}"): cell_text(v) for i, v in enumerate(cells)
                if i < len(table.headers) and cell_text(v) is not None}
    row = Row(ctx.file, table.sheet.name, number, original)
    if number in table.sheet.broken:
        row.problem(table.sheet.broken[number], "the line could not be read")
        row.row_key = f"{ctx.file}#{number}"
        return row
    raw = {f: cells[i] for i, f in table.fields.items() if i < len(cells) and cell_text(cells[i]) is not None}
    _read_texts(row, raw)
    _read_times(row, raw, ctx)
    _read_counts(row, raw)
    _read_enums(row, raw, ctx)
    _read_flags_and_codes(row, raw)
    _read_place(row, raw)
    row.row_key = row_key(row.fields, _source_text(raw, ctx))
    return row


def _source_text(raw: dict, ctx: Context) -> str:
    if raw.get("source") is not None:
        return clean(raw["source"])
    return ctx.source or (CLB_SOURCE if ctx.fmt == "clb" else "")


def _read_texts(row: Row, raw: dict) -> None:
    for name in TEXT_FIELDS:
        if name in raw:
            text = cell_text(raw[name])
            row.fields[name] = unicodedata.normalize("NFC", text) if text else None


def _read_times(row: Row, raw: dict, ctx: Context) -> None:
    for name in (*TIME_FIELDS, "occurred_on"):
        if name not in raw:
            continue
        try:
            moment = parse_datetime(raw[name], ctx.year_hint)
        except DateError as e:
            label = ITEMS_LABELS[name]
            row.problem(f"{label}“{e}”不是可识别的日期时间", f"{name} {e!s:.40} is not a date")
            continue
        row.fields[name] = moment.date() if name == "occurred_on" and moment else moment
    captured = row.fields.get("captured_at")
    if captured and captured > ctx.now + FUTURE_TOLERANCE:
        row.problem(f"发布时间 {captured:%Y-%m-%d %H:%M} 晚于当前时间，请检查年份",
                    "the capture time is in the future; check the year")


def _read_counts(row: Row, raw: dict) -> None:
    for name in ("participants_low", "participants_high"):
        if name in raw:
            count = parse_participants(raw[name])
            if count and count.understood:
                row.fields[name] = count.low
    if "participants_text" in raw:
        row.fields["participants_text"] = cell_text(raw["participants_text"])
    if "participants" in raw:
        count = parse_participants(raw["participants"])
        row.fields["participants_text"] = count.text
        if count.understood:
            row.fields["participants_low"], row.fields["participants_high"] = count.low, count.high
        else:
            row.notes.append(f"人数“{count.text}”无法换算成数字，已保留原文")
            row.unmapped.setdefault("participants", []).append(count.text)
    for name in ("lon", "lat"):
        if name in raw:
            try:
                row.fields[name] = float(clean(raw[name]))
            except ValueError:
                row.problem(f"{ITEMS_LABELS[name]}“{raw[name]}”不是数字", f"{name} is not a number")


def _read_enums(row: Row, raw: dict, ctx: Context) -> None:
    source_text = _source_text(raw, ctx)
    if source_text:
        raw = {**raw, "source": source_text}
    for name in ENUMS:
        if name not in raw:
            continue
        mapped = map_values(name, raw[name])
        if mapped.unmapped:
            row.unmapped.setdefault(name, []).extend(mapped.unmapped)
        if name in ("demands", "action_forms"):
            if mapped.codes:
                row.fields[name] = mapped.codes
        elif mapped.codes:
            row.fields[name] = mapped.codes[0]
        elif name in ("status", "verification_result") and not is_unknown(raw[name]):
            allowed = "、".join(zh for zh, _ in ENUMS[name].labels.values())
            row.problem(f"{ITEMS_LABELS[name]}“{clean(raw[name])}”无法识别，可填：{allowed}",
                        f"{name} {clean(raw[name])!r} is not one of {ENUMS[name].codes}")
    if "verification_result" not in row.fields and row.fields.get("verification_notes"):
        # 核实情况 often holds the result itself ("属实", "经核实，情况不属实").
        found = map_values("verification_result", row.fields["verification_notes"])
        if found.codes and not found.unmapped:
            row.fields["verification_result"] = found.codes[0]
    if "grade" in raw:
        code = parse_grade(raw["grade"])
        if code:
            row.fields["grade"] = code
        elif not is_unknown(raw["grade"]):
            row.problem(f"等级“{clean(raw['grade'])}”无法识别，可填：I、II、III、IV 级",
                        "the grade should be I, II, III or IV")
    for name in ("industry_text", "industry"):
        if name in raw and "industry" not in row.fields:
            section, division, unmapped = map_industry(raw[name])
            if unmapped:
                row.unmapped.setdefault("industry", []).append(unmapped)
            if section:
                row.fields["industry"] = section
                if division:
                    row.fields["sub_industry"] = division


_GRADE_WORDS = {"一": "I", "二": "II", "三": "III", "四": "IV"}


def parse_grade(value) -> str | None:
    """I–IV from "IV", "IV级（一般）", "Grade II (serious)", "三级"; None if none of these."""
    text = clean(value).upper().replace("GRADE", "").strip()
    if match := re.match(r"^(IV|I{1,3})(?![A-Z])", text):
        return match.group(1)
    if match := re.match(r"^([一二三四])级", text):
        return _GRADE_WORDS[match.group(1)]
    return None


def _read_flags_and_codes(row: Row, raw: dict) -> None:
    for name in BOOL_FIELDS:
        if name in raw:
            flag = parse_bool(raw[name])
            if flag is None and not is_unknown(raw[name]):
                row.problem(f"{ITEMS_LABELS[name]}“{clean(raw[name])}”应填“是”或“否”", f"{name} should be yes or no")
            elif flag is not None:
                row.fields[name] = flag
    for name in CODE_FIELDS:
        if name in raw:
            row.fields[name] = cell_text(raw[name])
    if "assigned_unit" not in row.fields and "assigned_unit_text" in raw:
        found = gazetteer().resolve([cell_text(raw["assigned_unit_text"])], whole_cell=True)
        if found.unit_code:
            row.fields["assigned_unit"] = found.unit_code
        else:
            row.problem(f"责任单位“{cell_text(raw['assigned_unit_text'])}”不是珠三角十个报送单位之一",
                        "the assigned unit is not one of the ten reporting units")


def _read_place(row: Row, raw: dict) -> None:
    if "province" in raw and clean(raw["province"]).lower().replace(" province", "") not in GUANGDONG:
        row.problem(f"不在广东省（省份：{clean(raw['province'])}），不属于珠三角报送范围",
                    f"outside Guangdong (province {clean(raw['province'])})")
        return
    if row.fields.get("unit_code"):  # our own export: codes win over names
        return
    # A place column wins; a row without one (or with it blank) is placed by what its text names.
    cells = [cell_text(raw[n]) for n in ("city", "county") if n in raw]
    place = gazetteer().resolve(cells, whole_cell=True) if cells else gazetteer().resolve(_texts(row))
    if place.note:
        row.notes.append(place.note)
    if place.problem:
        row.place_problem = (f"无法确定属地：{place.problem[0]}", f"no place: {place.problem[1]}")
        return
    row.fields["unit_code"] = place.unit_code
    if place.county_code and not row.fields.get("county_code"):
        row.fields["county_code"] = place.county_code


def _texts(row: Row) -> list[str]:
    return [t for t in (row.fields.get("title"), row.fields.get("summary")) if t]




# ---- a new item from a row ------------------------------------------------------------------

def derive_status(fields: dict, current: str | None) -> str | None:
    """The status a row implies when it states none: a result means verified, a note verifying."""
    if fields.get("status"):
        return fields["status"]
    if fields.get("closed_at"):
        return "closed"
    if fields.get("verification_result") and current in (None, "pending", "verifying"):
        return "verified"
    if fields.get("verification_notes") and current in (None, "pending"):
        return "verifying"
    return None


def verify_due_at(assigned_at: datetime | None, grade: str | None, source: str | None) -> datetime | None:
    """A new item's verification deadline, by grade, source and the working-day calendar (ledger/deadlines.py)."""
    return configured_rules().due_at(assigned_at, grade, source) if assigned_at else None


def new_item(row: Row, fmt: str, now: datetime) -> dict:
    """The full ledger item a row becomes when it is not in the ledger yet.

    Our own export is taken as written (only required columns are filled in); other formats get
    the workflow's starting values: pending, assigned to the item's unit when captured.
    """
    item = dict.fromkeys(ITEMS_SCHEMA.names)
    item.update(row.fields)
    item["item_id"] = row.row_key
    item["source"] = item["source"] or "other"
    low = item["participants_low"]
    if item["is_collective"] is None:
        item["is_collective"] = fmt == "clb" or (low is not None and low >= min(g.min_participants for g in reference.grades())) \
            or bool(item["action_forms"])
    if item["proactive"] is None:
        item["proactive"] = item["source"] == "proactive"
    if fmt != "ledger":
        item["status"] = derive_status(item, None) or "pending"
        item["grade"] = item["grade"] or (reference.grade_for(low) if item["is_collective"] else None)
        item["grade_review"] = initial_review(item["grade"])
        item["assigned_unit"] = item["assigned_unit"] or item["unit_code"]
        item["assigned_at"] = item["assigned_at"] or item["captured_at"]
        item["verify_due_at"] = item["verify_due_at"] or verify_due_at(item["assigned_at"], item["grade"], item["source"])
    item["place_precision"] = item["place_precision"] or place_precision(item)
    if fmt != "ledger" and item["lon"] is None and item["unit_code"]:
        place = geo.county_by_code().get(item["county_code"] or "") or geo.unit_by_code().get(item["unit_code"])
        if place:  # a centroid, drawn by place_precision as the county's or the city's marker
            item["lon"], item["lat"] = place.lon, place.lat
    item["status"] = item["status"] or "pending"
    item["updated_at"] = item["updated_at"] or max([now, *(t for t in (item[n] for n in TIME_FIELDS[:-1]) if t)])
    return item


def place_precision(item: dict) -> str:
    """How precisely a new item's place is known, from what the row stated."""
    if not item["unit_code"]:
        return "unknown"
    if item["county_code"]:
        return "town" if len(item["county_code"]) == 9 else "county"
    return "point" if item["lon"] is not None else "city"


def item_problems(item: dict) -> list[Reason]:
    """validate_row's reasons for an item, in (zh, en) form."""
    return [(p.text("zh"), p.text("en")) for p in validate_row(item, _units(), geo.county_units(), _industries())]


def _units() -> set[str]:
    return set(geo.unit_by_code())


def _industries() -> set[str]:
    return set(reference.industry_by_code())
