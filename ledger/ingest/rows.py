"""One input row, understood: the ledger values it states, what makes it unusable as a dispute
record (problems: quarantine), the details set aside (warnings: the row is accepted without
them), whether it lies outside Guangdong (非本省), and what was assumed or left unmapped (notes),
with its original cells.

Why set aside rather than quarantine: an item that lacks one detail is still a dispute someone
must follow up, so only a row that cannot be a record at all (no title, no usable capture time,
an unreadable line, a title that is empty once invisible characters are removed) is
quarantined. Any other bad cell (an unknown industry, an impossible count, a wrong code, a
non-capture date that cannot be read …) is dropped from the row's values with a Chinese reason;
its original text stays in `Row.original`, which becomes the item's origin. A row whose place
cannot be read is accepted as 属地待定 (place unknown) and waits for the province to assign it.

A row only states what its cells say (`Row.fields`); defaults for a new item (status pending,
assigned to its unit, a centroid for its position …) are added later by `new_item`, because a
row that turns out to be a verification update for an existing item must change only what it
states. Formats differ in little: our own export (`ledger`) carries codes and every column, so
it is taken as written; China Labour Bulletin rows (`clb`) name their province in a column and
their place in the title or description; other exports (`generic`) use whatever columns they have.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ledger import geo, reference
from ledger.config import Settings
from ledger.workflow.deadlines import configured_rules
from ledger.documents.export import FORMULA_START
from ledger.workflow.grade_review import REVIEW_COLUMNS, initial_review
from ledger.schema import COLUMNS, ITEMS_SCHEMA, PLACE_PRECISION, in_guangdong, validate_row
from ledger.ingest.cleaning import LONG_TEXT, clean_text
from ledger.ingest.dates import DateError, has_year, parse_datetime, year_from_title
from ledger.ingest.enums import ENUMS, clean, is_unknown, map_industry, map_values, parse_bool
from ledger.ingest.headers import Table
from ledger.ingest.participants import parse_participants
from ledger.ingest.places import gazetteer
from ledger.i18n import Both, pair

TEXT_FIELDS = ("item_id", "title", "summary", "url", "enterprise", "verified_by", "verification_notes",
               "duplicate_of", "disposition", "place_reason")
TIME_FIELDS = ("captured_at", "assigned_at", "verify_due_at", "verified_at", "closed_at", "updated_at")
BOOL_FIELDS = ("is_collective", "union_present", "proactive")
CODE_FIELDS = ("unit_code", "county_code", "assigned_unit", "sub_industry")
# The times a ledger can hold: nothing before 2000 (the union's monitoring began well after), nothing
# more than a day ahead (a wrong year), except a deadline, which may lie up to a year ahead.
EARLIEST = datetime(2000, 1, 1)
FUTURE_TOLERANCE = timedelta(days=1)
DEADLINE_HORIZON = timedelta(days=366)
MAX_PARTICIPANTS = 1_000_000  # more is a typing error (the largest strikes counted tens of thousands)
TOTAL_WORD = re.compile(r"^(合计|总计|小计|共计|总数|total|sum)", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[\d\s,.%+\-人条起件次个]*$")
CLB_SOURCE = "China Labour Bulletin"
GUANGDONG = {"guangdong", "广东", "广东省", "gd", "粤"}
# The input field a ledger column comes from, to name the column a warning is about.
_INPUT_OF = {"participants_low": "participants", "participants_high": "participants", "industry": "industry_text",
             "sub_industry": "industry_text", "unit_code": "city", "assigned_unit": "assigned_unit_text"}
_WARNING_LABELS = {"unit_code": "所属地市（按标题和描述）"}


Reason = tuple[str, str]  # (zh, en)
ITEMS_LABELS = {c.name: c.zh for c in COLUMNS}


@dataclass(frozen=True)
class RowWarning:
    """A detail of an accepted row that was set aside or changed, and why (Chinese first)."""

    field: str
    zh: str
    en: str


@dataclass
class Row:
    file: str
    sheet: str | None
    row: int
    original: dict[str, str]
    fields: dict = field(default_factory=dict)
    problems: list[Reason] = field(default_factory=list)  # fatal: the row is quarantined
    warnings: list[RowWarning] = field(default_factory=list)  # details set aside; the row is accepted
    notes: list[Reason] = field(default_factory=list)  # what was assumed, (zh, en)
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    row_key: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # input field -> header as written
    # Why no place was found (the new item's place_reason: 属地待定); an update names its item
    # by id or URL and need not say where it is.
    place_problem: Reason | None = None
    outside: Reason | None = None  # outside Guangdong (非本省): counted and listed, never corrected

    def problem(self, zh: str, en: str) -> None:
        self.problems.append((zh, en))

    def warn(self, name: str, zh: str, en: str) -> None:
        if not any(w.zh == zh for w in self.warnings):
            self.warnings.append(RowWarning(name, zh, en))

    def set_aside(self, name: str, zh: str, en: str) -> None:
        """Accept the row without `name` (its cell stays in `original`), with the reason as a warning."""
        self.fields.pop(name, None)
        self.warn(name, zh, en)

    def header_of(self, name: str) -> str:
        """The column a warning about `name` refers to, as the file wrote it."""
        return (self.columns.get(name) or self.columns.get(_INPUT_OF.get(name, ""))
                or _WARNING_LABELS.get(name) or ITEMS_LABELS.get(name, name))

    def original_of(self, name: str) -> str | None:
        return self.original.get(self.header_of(name))


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


def _is_total(table: Table, cells: list) -> bool:
    """A total line by its shape: it starts with 合计/总计/小计/共计/Total/Sum, everything else in
    it is a number or empty, and it has no usable capture time. A real row titled "Total wage
    arrears …" has a time (and words), so it stays a data row."""
    filled = [c for c in cells if c is not None and str(c).strip()]
    if not filled or not isinstance(filled[0], str) or not TOTAL_WORD.match(filled[0].strip()):
        return False
    if not all(isinstance(c, (int, float)) or _NUMBERISH.match(str(c)) for c in filled[1:]):
        return False
    for i, name in table.fields.items():
        if name == "captured_at" and i < len(cells) and cell_text(cells[i]) is not None:
            try:
                if parse_datetime(cells[i]) is not None:
                    return False
            except DateError:
                continue
    return True


def skip_reason(table: Table, cells: list) -> Reason | None:
    """Why a line below the header is not a data row (blank, a total, the header again), or None."""
    if is_blank(cells):
        return pair("msg.rows.skip.blank")
    if _is_total(table, cells):
        return pair("msg.rows.skip.total")
    if [str(c).strip() if c is not None else "" for c in cells[:len(table.headers)]] == table.headers:
        return pair("msg.rows.skip.header")
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
                if moment and EARLIEST <= moment <= now + FUTURE_TOLERANCE:
                    years[moment.year] = years.get(moment.year, 0) + 1
    return max(years, key=years.get) if years else now.year


def row_key(fields: dict, source_text: str) -> str:
    """The stable id the row's item has: its own id if it states one, else a hash of what it is."""
    if fields.get("item_id"):
        return fields["item_id"]
    basis = "|".join([source_text.lower(), (fields.get("url") or "").strip(), (fields.get("title") or "").strip()])
    return "H" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


# ---- reading one row ------------------------------------------------------------------------

def _cleaned(value, long_text: bool) -> tuple[object, bool]:
    """A cell with invisible characters removed (text only), and whether any were."""
    if not isinstance(value, str):
        return value, False
    text, removed = clean_text(value, long_text)
    return (text or None), removed


def read_row(table: Table, index: int, ctx: Context) -> Row:
    cells = table.sheet.rows[index]
    number = table.sheet.row_numbers[index]
    original, removed = {}, None  # removed: the first field that held invisible characters
    for i, value in enumerate(cells[:len(table.keys)]):
        text, dirty = _cleaned(cell_text(value), long_text=True)
        if dirty and removed is None:
            removed = table.fields.get(i, table.keys[i])
        if text is not None:
            original[table.keys[i]] = text
    row = Row(ctx.file, table.sheet.name, number, original,
              columns=table.headers_by_field)
    if number in table.sheet.broken:
        row.problem(*table.sheet.broken[number])
        row.row_key = f"{ctx.file}#{number}"
        return row
    raw = {}
    for i, name in table.fields.items():
        if i < len(cells) and cell_text(cells[i]) is not None:
            value, _ = _cleaned(cells[i], long_text=name in LONG_TEXT)
            if value is not None and (not isinstance(value, str) or cell_text(value) is not None):
                raw[name] = value
            elif name in ("title", "summary"):
                raw[name] = ""  # it held only invisible characters
    if removed is not None:
        row.warn(removed, *pair("msg.rows.control_removed"))
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


TITLE_FROM_SUMMARY = 60  # characters of the description that stand in for a missing title


def _read_texts(row: Row, raw: dict) -> None:
    for name in TEXT_FIELDS:
        if name in raw:
            text = cell_text(raw[name])
            row.fields[name] = unicodedata.normalize("NFC", text) if text else None
    if "title" in raw and not row.fields.get("title") and not row.fields.get("summary"):
        row.problem(*pair("msg.rows.title_empty_only_invisible"))
    elif not row.fields.get("title") and row.fields.get("summary"):
        first_line = row.fields["summary"].splitlines()[0].strip()
        row.fields["title"] = first_line[:TITLE_FROM_SUMMARY]
        row.notes.append(pair("msg.rows.title_from_summary"))


def _latest(name: str, now: datetime) -> datetime:
    return now + (DEADLINE_HORIZON if name == "verify_due_at" else FUTURE_TOLERANCE)


def _read_times(row: Row, raw: dict, ctx: Context) -> None:
    """Times in the range a ledger can hold. An unusable capture time makes the row unusable (no
    deadline, no day to count it on); any other unusable time is set aside."""
    for name in (*TIME_FIELDS, "occurred_on"):
        if name not in raw:
            continue
        label = ITEMS_LABELS[name]
        try:
            moment = parse_datetime(raw[name], ctx.year_hint)
        except DateError as e:
            what = {"column": Both(label, name), "text": str(e)[:40]}
            if name == "captured_at":
                row.problem(*pair("msg.rows.not_a_date", **what))
            else:
                row.set_aside(name, *pair("msg.rows.not_a_date_set_aside", **what))
            continue
        if moment is None:
            continue
        if not EARLIEST <= moment <= _latest(name, ctx.now):
            when = moment.isoformat(sep=" ", timespec="minutes")
            if name == "captured_at":
                row.problem(*pair("msg.rows.capture_time_outside_usable", when=when))
            else:
                row.set_aside(name, *pair("msg.rows.time_out_of_range", column=Both(label, name), when=when))
            continue
        row.fields[name] = moment.date() if name == "occurred_on" else moment


def _count_problem(low: int | None, high: int | None) -> str | None:
    """Why a participant count cannot be true, or None. Never clamped: a wrong number is set aside."""
    numbers = [n for n in (low, high) if n is not None]
    if any(n < 0 for n in numbers):
        return "人数不能为负"
    if low is not None and high is not None and low > high:
        return f"人数下限 {low} 大于上限 {high}"
    if any(n > MAX_PARTICIPANTS for n in numbers):
        return f"人数超过 {MAX_PARTICIPANTS:,}，不可信"
    return None


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
            row.notes.append(pair("msg.rows.participants_kept", text=count.text))
            row.unmapped.setdefault("participants", []).append(count.text)
    if why := _count_problem(row.fields.get("participants_low"), row.fields.get("participants_high")):
        shown = row.fields.get("participants_text") or raw.get("participants_low")
        row.set_aside("participants_low", *pair("msg.rows.impossible_count", shown=str(shown)[:30], why=why))
        row.fields.pop("participants_high", None)
    coordinates = {}
    for name in ("lon", "lat"):
        if name in raw:
            try:
                coordinates[name] = float(clean(raw[name]))
            except ValueError:
                row.warn(name, *pair("msg.rows.not_a_number", column=Both(ITEMS_LABELS[name], name), text=raw[name]))
    if len(coordinates) == 2:
        if in_guangdong(coordinates["lon"], coordinates["lat"]):
            row.fields.update(coordinates)
        else:
            row.warn("lon", *pair("msg.rows.coordinates_outside", lon=coordinates["lon"], lat=coordinates["lat"]))


def _read_enums(row: Row, raw: dict, ctx: Context) -> None:
    source_cell = "source" in raw  # a source the file states (not the --source or CLB default)
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
            if name == "source" and mapped.unmapped and source_cell:
                row.warn("source", *pair("msg.rows.source_not_known_source", clean_raw_name=clean(raw[name])))
        elif name in ("status", "verification_result") and not is_unknown(raw[name]):
            allowed = Both.listed((zh, code) for code, (zh, _) in ENUMS[name].labels.items())  # labels / codes
            row.warn(name, *pair("msg.rows.not_one_of", column=Both(ITEMS_LABELS[name], name), text=clean(raw[name]),
                                 allowed=allowed))
    if "verification_result" not in row.fields and row.fields.get("verification_notes"):
        # 核实情况 often holds the result itself ("属实", "经核实，情况不属实").
        found = map_values("verification_result", row.fields["verification_notes"])
        if found.codes and not found.unmapped:
            row.fields["verification_result"] = found.codes[0]
    if row.fields.get("verification_result") and "verified_at" not in row.fields:
        row.notes.append(pair("msg.rows.time_unknown"))
    if "place_precision" in raw:  # our own export's column
        code = PLACE_PRECISION.code_for_label(clean(raw["place_precision"]))
        if code:
            row.fields["place_precision"] = code
        elif not is_unknown(raw["place_precision"]):
            row.warn("place_precision", *pair("msg.rows.unknown_place_precision", text=clean(raw["place_precision"])))
    if "grade" in raw:
        code = parse_grade(raw["grade"])
        if code:
            row.fields["grade"] = code
        elif not is_unknown(raw["grade"]):
            row.warn("grade", *pair("msg.rows.unknown_grade", text=clean(raw["grade"])))
    for name in ("industry_text", "industry"):
        if name in raw and "industry" not in row.fields:
            section, division, unmapped = map_industry(raw[name])
            if unmapped:
                row.unmapped.setdefault("industry", []).append(unmapped)
                row.warn("industry", *pair("msg.rows.industry_matches_no_gb", unmapped=unmapped))
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


def _known_code(name: str, code: str) -> bool:
    if name in ("unit_code", "assigned_unit"):
        return code in geo.unit_by_code()
    if name == "county_code":
        return code in geo.county_by_code()
    return code in reference.industry_by_code()


def _read_flags_and_codes(row: Row, raw: dict) -> None:
    for name in BOOL_FIELDS:
        if name in raw:
            flag = parse_bool(raw[name])
            if flag is None and not is_unknown(raw[name]):
                row.warn(name, *pair("msg.rows.not_yes_or_no", column=Both(ITEMS_LABELS[name], name), text=clean(raw[name])))
            elif flag is not None:
                row.fields[name] = flag
    for name in CODE_FIELDS:
        if name in raw and (code := cell_text(raw[name])):
            if _known_code(name, code):
                row.fields[name] = code
            else:
                row.warn(name, *pair("msg.rows.unknown_code", column=Both(ITEMS_LABELS[name], name), code=code))
    unit, county = row.fields.get("unit_code"), row.fields.get("county_code")
    if unit and county and geo.county_units()[county] != unit:
        row.set_aside("county_code", *pair("msg.rows.county_not_in_unit", county=county,
                                           unit=Both(geo.unit_name(unit), geo.unit_name(unit, "en"))))
    if "assigned_unit" not in row.fields and "assigned_unit_text" in raw:
        text = cell_text(raw["assigned_unit_text"])
        found = gazetteer().resolve([text], whole_cell=True)
        if found.unit_code:
            row.fields["assigned_unit"] = found.unit_code
        else:
            row.warn("assigned_unit", *pair("msg.rows.unknown_assigned_unit", text=text))


def _read_place(row: Row, raw: dict) -> None:
    """The row's unit (and county): codes win, then a place column, then what the text names. A
    row whose province is not Guangdong, or that names only places in other provinces, is
    非本省; one whose place cannot be read keeps the reason (属地待定)."""
    province = clean(raw["province"]) if "province" in raw else None
    if province and not is_unknown(province) and province.lower().replace(" province", "").strip() not in GUANGDONG:
        row.outside = pair("msg.rows.outside_guangdong_province", province=province)
        return
    if row.fields.get("unit_code"):  # our own export: codes win over names
        return
    # A place column wins; a row without one (or with it blank) is placed by what its text names.
    cells = [cell_text(raw[n]) for n in ("city", "county") if n in raw]
    place = gazetteer().resolve(cells, whole_cell=True) if cells else gazetteer().resolve(_texts(row))
    if place.note:
        row.notes.append(place.note)
    if place.outside and not province:
        row.outside = pair("msg.rows.outside_guangdong", place_outside=place.outside)
        return
    if place.outside:  # the province column says Guangdong: another province in the text is not the place
        place = type(place)(problem=pair("msg.rows.no_guangdong_place_recognised", place_outside=place.outside))
    if place.problem:
        row.place_problem = place.problem
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
    """A new item's verification deadline, by grade, source and the working-day calendar (ledger/workflow/deadlines.py)."""
    return configured_rules().due_at(assigned_at, grade, source) if assigned_at else None


# The item's column names, made once: pyarrow's Schema.names makes new strings at every call, and
# 45 private copies of them per item were most of a large ingest's memory (4 KB an item).
ITEM_COLUMNS = tuple(ITEMS_SCHEMA.names)


def new_item(row: Row, fmt: str, now: datetime, settings: Settings | None = None) -> dict:
    """The full ledger item a row becomes when it is not in the ledger yet.

    Our own export is taken as written (only required columns are filled in); other formats get
    the workflow's starting values: pending, assigned to the item's unit when captured.
    """
    item = dict.fromkeys(ITEM_COLUMNS)
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
        if item["unit_code"]:
            item["assigned_unit"] = item["assigned_unit"] or item["unit_code"]
            item["assigned_at"] = item["assigned_at"] or item["captured_at"]
        else:  # 属地待定: no assignment and no deadline until the province assigns it (triage)
            item["assigned_unit"] = item["assigned_at"] = item["verify_due_at"] = None
        item["verify_due_at"] = item["verify_due_at"] or verify_due_at(item["assigned_at"], item["grade"], item["source"])
    # A confirmation is made in Sentinel by the province, never read from a file, our export's included.
    item.update(dict.fromkeys(REVIEW_COLUMNS), grade_review=initial_review(item["grade"], settings))
    item["place_precision"] = item["place_precision"] or place_precision(item)
    if not item["unit_code"] and row.place_problem:
        item["place_reason"] = item["place_reason"] or row.place_problem[0]
    # Our export's 导入提示 column is not read back: its sentences are joined with 、, which they contain.
    item["warnings"] = [w.zh for w in row.warnings] or None
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
