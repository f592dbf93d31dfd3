"""The ledger's columns, their types and enums, and the validation every input row goes through.

Codes are stored, labels are shown: an enum value in the ledger is a short English code
(`wage_arrears`), and its Chinese and English labels live here, so that a page, an export and
a brief all say the same thing in the user's language. Places are GB/T 2260 codes and
industries GB/T 4754-2017 codes; their names come from the reference tables (ledger.reference).

Times are naive timestamps in Asia/Shanghai local time (China has had no daylight saving since
1991), which keeps day and ISO-week grouping in SQL free of time-zone arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from ledger.i18n import t

SCHEMA_VERSION = 3  # 2: items gained duplicate_of and disposition; 3: the whole province, place_precision,
                    # place_reason, warnings and grade confirmation (location_approx folded into place_precision;
                    # older journal batches are read through ledger/store/migrate.py)

# Rough box around Guangdong; a coordinate outside it is a data error, not a place.
GUANGDONG_LON = (109.6, 117.4)
GUANGDONG_LAT = (20.1, 25.6)


@dataclass(frozen=True)
class Enum:
    """A closed list of codes with their labels, in display order."""

    name: str
    labels: dict[str, tuple[str, str]]  # code -> (zh, en)

    def label(self, code: str | None, lang: str = "zh") -> str:
        if code is None:
            return ""
        zh, en = self.labels.get(code, (code, code))
        return zh if lang == "zh" else en

    @property
    def codes(self) -> list[str]:
        return list(self.labels)

    def code_for_label(self, text: str) -> str | None:
        """The code whose code, Chinese or English label equals `text` (case-insensitive)."""
        wanted = text.strip().lower()
        for code, (zh, en) in self.labels.items():
            if wanted in (code.lower(), zh.lower(), en.lower()):
                return code
        return None


SOURCE = Enum("source", {
    "people": ("人民网", "People's Daily Online"),
    "southcn": ("南方网", "Southcn"),
    "proactive": ("信息员主动报送", "Officer report"),
    "wechat": ("微信", "WeChat"),
    "qq": ("QQ", "QQ"),
    "email": ("邮件", "Email"),
    "other": ("其他", "Other"),
})

OWNERSHIP = Enum("ownership", {
    "state": ("国有", "State-owned"),
    "collective": ("集体", "Collective"),
    "private": ("民营", "Private"),
    "hmt": ("港澳台", "Hong Kong/Macau/Taiwan"),
    "foreign": ("外资", "Foreign"),
    "other": ("其他", "Other"),
})

DEMAND = Enum("demand", {
    "wage_arrears": ("欠薪", "Wage arrears"),
    "social_insurance": ("社保", "Social insurance"),
    "severance": ("经济补偿", "Severance pay"),
    "relocation": ("搬迁", "Relocation"),
    "overtime": ("加班费", "Overtime pay"),
    "injury": ("工伤", "Work injury"),
    "wage_increase": ("加薪", "Pay rise"),
    "contract": ("劳动合同", "Labour contract"),
    "other": ("其他", "Other"),
})

ACTION_FORM = Enum("action_form", {
    "strike": ("停工", "Strike"),
    "gathering": ("聚集", "Gathering"),
    "road_block": ("堵路", "Road block"),
    "petition": ("上访", "Petition"),
    "online": ("网络维权", "Online protest"),
    "march": ("游行", "March"),
    "other": ("其他", "Other"),
})

GRADE = Enum("grade", {
    "I": ("I级（特别重大）", "Grade I (most serious)"),
    "II": ("II级（重大）", "Grade II (serious)"),
    "III": ("III级（较大）", "Grade III (major)"),
    "IV": ("IV级（一般）", "Grade IV (general)"),
})

VERIFICATION_RESULT = Enum("verification_result", {
    "true": ("属实", "Confirmed"),
    "partly": ("部分属实", "Partly confirmed"),
    "false": ("不实", "Not confirmed"),
    "duplicate": ("重复", "Duplicate"),
})

# How precisely an item's place is known. Only point, town and county items are drawn where they
# happened; a city-level item is drawn as the city's marker and never counted into a county or a
# density cell; an unknown place (属地待定) waits in the province's triage queue (place_reason says why).
PLACE_PRECISION = Enum("place_precision", {
    "point": ("精确位置", "Exact location"),
    "town": ("镇街", "Town"),
    "county": ("区县", "County"),
    "city": ("仅知地市", "City only"),
    "unknown": ("属地待定", "Place to be determined"),
})

# Grade confirmation (等级确认): a grade that changes what the province does (I and II by default,
# `[grade_review] grades`) waits for a provincial leader or an administrator (ledger/workflow/grade_review.py).
GRADE_REVIEW = Enum("grade_review", {
    "pending": ("待确认", "Awaiting confirmation"),
    "confirmed": ("已确认", "Confirmed"),
    "rejected": ("已退回", "Sent back"),
})

STATUS = Enum("status", {
    "pending": ("待核实", "Awaiting verification"),
    "verifying": ("核实中", "Being verified"),
    "verified": ("已核实", "Verified"),
    "closed": ("已办结", "Closed"),
})

ENUMS = {e.name: e for e in (SOURCE, OWNERSHIP, DEMAND, ACTION_FORM, GRADE, VERIFICATION_RESULT, STATUS,
                             PLACE_PRECISION, GRADE_REVIEW)}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    zh: str
    en: str
    required: bool = False
    enum: Enum | None = None


_TS = pa.timestamp("us")
_LIST = pa.list_(pa.string())

COLUMNS: tuple[Column, ...] = (
    Column("item_id", pa.string(), "编号", "Item ID", required=True),
    Column("source", pa.string(), "来源", "Source", required=True, enum=SOURCE),
    Column("url", pa.string(), "链接", "URL"),
    Column("title", pa.string(), "标题", "Title", required=True),
    Column("summary", pa.string(), "摘要", "Summary"),
    Column("captured_at", _TS, "发布时间", "Captured at", required=True),
    Column("occurred_on", pa.date32(), "发生日期", "Occurred on"),
    Column("unit_code", pa.string(), "所属地市代码", "Unit code"),  # null: 属地待定 (place_precision unknown)
    Column("county_code", pa.string(), "区县代码", "County code"),
    Column("lon", pa.float64(), "经度", "Longitude"),
    Column("lat", pa.float64(), "纬度", "Latitude"),
    Column("place_precision", pa.string(), "位置精度", "Place precision", enum=PLACE_PRECISION),
    Column("place_reason", pa.string(), "属地待定原因", "Why the place is undetermined"),
    Column("enterprise", pa.string(), "涉事企业", "Enterprise"),
    Column("ownership", pa.string(), "企业性质", "Ownership", enum=OWNERSHIP),
    Column("industry", pa.string(), "行业门类", "Industry section"),
    Column("sub_industry", pa.string(), "行业大类", "Industry division"),
    Column("union_present", pa.bool_(), "有无工会", "Union present"),
    Column("participants_low", pa.int32(), "涉及人数（下限）", "Participants (low)"),
    Column("participants_high", pa.int32(), "涉及人数（上限）", "Participants (high)"),
    Column("participants_text", pa.string(), "涉及人数（原文）", "Participants (as reported)"),
    Column("demands", _LIST, "诉求", "Demands", enum=DEMAND),
    Column("action_forms", _LIST, "行为方式", "Forms of action", enum=ACTION_FORM),
    Column("grade", pa.string(), "等级", "Grade", enum=GRADE),
    Column("grade_review", pa.string(), "等级确认", "Grade confirmation", enum=GRADE_REVIEW),  # null: none needed
    Column("grade_review_note", pa.string(), "确认意见", "Confirmation note"),  # a rejection's reason, to the unit
    Column("grade_reviewed_by", pa.string(), "确认人", "Confirmed by"),
    Column("grade_reviewed_at", _TS, "确认时间", "Confirmed at"),
    Column("is_collective", pa.bool_(), "群体性纠纷", "Collective dispute", required=True),
    Column("assigned_unit", pa.string(), "责任单位代码", "Assigned unit"),
    Column("assigned_at", _TS, "交办时间", "Assigned at"),
    Column("verify_due_at", _TS, "核实时限", "Verify by"),
    Column("verified_at", _TS, "核实时间", "Verified at"),
    Column("verified_by", pa.string(), "核实人", "Verified by"),
    Column("verification_result", pa.string(), "核实结果", "Verification result", enum=VERIFICATION_RESULT),
    Column("verification_notes", pa.string(), "核实情况", "Verification notes"),
    Column("duplicate_of", pa.string(), "重复于", "Duplicate of"),  # with result "duplicate"
    Column("disposition", pa.string(), "处置情况", "Disposition"),
    Column("proactive", pa.bool_(), "主动报送", "Reported proactively", required=True),
    Column("status", pa.string(), "状态", "Status", required=True, enum=STATUS),
    Column("closed_at", _TS, "办结时间", "Closed at"),
    Column("updated_at", _TS, "更新时间", "Updated at", required=True),
    # Details set aside at ingest (one Chinese sentence each; the original cells are in item_origins).
    Column("warnings", _LIST, "导入提示", "Import warnings"),
)

COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
ITEMS_SCHEMA = pa.schema([pa.field(c.name, c.type, nullable=not c.required) for c in COLUMNS])


def in_guangdong(lon: float, lat: float) -> bool:
    return GUANGDONG_LON[0] <= lon <= GUANGDONG_LON[1] and GUANGDONG_LAT[0] <= lat <= GUANGDONG_LAT[1]


def verification_time_unknown(item: dict) -> bool:
    """Verified, but the source gave no time (核实时间不详): counted verified, never on time or late."""
    return item.get("verification_result") is not None and item.get("verified_at") is None


def column_label(name: str, lang: str = "zh") -> str:
    column = COLUMN_BY_NAME[name]
    return column.zh if lang == "zh" else column.en


@dataclass(frozen=True)
class Problem:
    """One reason a row cannot be accepted, readable by the person who has to fix it."""

    column: str
    zh: str
    en: str
    # Other columns whose value takes part, in the order ingest may set them aside to settle the
    # problem when `column` is not one the row stated (see ledger.ingest.dedupe.DETAIL_FATE).
    involves: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column, *self.involves)

    def text(self, lang: str = "zh") -> str:
        return t("warning.column", lang, column=column_label(self.column, lang), reason=self.en if lang == "en" else self.zh)


def validate_row(row: dict, units: set[str], county_units: dict[str, str],
                 industries: set[str]) -> list[Problem]:
    """Every reason `row` breaks the schema; an empty list means it may enter the ledger.

    `units` are the known reporting-unit codes, `county_units` maps county/town codes to their
    unit, `industries` are the known GB/T 4754 codes (sections and divisions).
    """
    problems: list[Problem] = []

    def bad(column: str, zh: str, en: str, involves: tuple[str, ...] = ()) -> None:
        problems.append(Problem(column, zh, en, involves))

    for column in COLUMNS:
        value = row.get(column.name)
        if column.required and (value is None or value == ""):
            bad(column.name, "必填，不能为空", "is required")
            continue
        if value is None or column.enum is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        unknown = [v for v in values if v not in column.enum.labels]
        if unknown:
            allowed = "、".join(zh for zh, _ in column.enum.labels.values())
            bad(column.name, f"无法识别“{'、'.join(map(str, unknown))}”，可选值：{allowed}",
                f"unknown value(s) {unknown}; allowed: {column.enum.codes}")

    for name in ("captured_at", "assigned_at", "verify_due_at", "verified_at", "closed_at", "updated_at"):
        if row.get(name) is not None and not isinstance(row[name], datetime):
            bad(name, "不是有效的日期时间", "is not a date-time")
    occurred = row.get("occurred_on")
    if occurred is not None and (not isinstance(occurred, date) or isinstance(occurred, datetime)):
        bad("occurred_on", "不是有效的日期", "is not a date")

    unit = row.get("unit_code")
    for name in ("unit_code", "assigned_unit"):
        if row.get(name) and row[name] not in units:
            bad(name, f"“{row[name]}”不是广东省的报送单位代码", f"{row[name]!r} is not a reporting unit")
    if not unit and row.get("place_precision") != "unknown":
        bad("place_precision", "未填所属地市时，位置精度须为“属地待定”", "without a unit the place must be marked undetermined")
    if unit and row.get("place_precision") == "unknown":
        bad("place_precision", "已有所属地市，位置精度不应为“属地待定”", "an item with a unit is not undetermined")
    county = row.get("county_code")
    if county:
        if county not in county_units:
            bad("county_code", f"“{county}”不是已知的区县或镇街代码", f"{county!r} is not a known county or town")
        elif unit and county_units[county] != unit:
            bad("county_code", f"“{county}”不属于报送单位“{unit}”", f"{county!r} does not belong to unit {unit!r}")
    for name in ("industry", "sub_industry"):
        if row.get(name) and row[name] not in industries:
            bad(name, f"“{row[name]}”不是 GB/T 4754-2017 行业代码", f"{row[name]!r} is not a GB/T 4754-2017 code")

    lon, lat = row.get("lon"), row.get("lat")
    if (lon is None) != (lat is None):
        bad("lon", "经度和纬度须同时填写", "longitude and latitude go together", ("lat",))
    elif lon is not None and not in_guangdong(lon, lat):
        bad("lon", f"坐标（{lon}, {lat}）不在广东省范围内", f"({lon}, {lat}) is outside Guangdong", ("lat",))

    low, high = row.get("participants_low"), row.get("participants_high")
    if low is not None and low < 0:
        bad("participants_low", "人数不能为负", "cannot be negative")
    if low is not None and high is not None and low > high:
        bad("participants_high", f"上限 {high} 小于下限 {low}", f"high {high} is below low {low}", ("participants_low",))

    problems.extend(_time_order_problems(row))
    problems.extend(_status_problems(row))
    return problems


# Each pair: the later time may not come before the earlier one.
_TIME_ORDER = (("captured_at", "assigned_at"), ("assigned_at", "verify_due_at"),
               ("captured_at", "verified_at"), ("verified_at", "closed_at"), ("captured_at", "updated_at"))


def _time_order_problems(row: dict) -> list[Problem]:
    problems = []
    for earlier, later in _TIME_ORDER:
        a, b = row.get(earlier), row.get(later)
        if isinstance(a, datetime) and isinstance(b, datetime) and b < a:
            problems.append(Problem(later, f"早于{column_label(earlier)}（{a:%Y-%m-%d %H:%M}）",
                                    f"is before {column_label(earlier, 'en')} ({a:%Y-%m-%d %H:%M})"))
    occurred, captured = row.get("occurred_on"), row.get("captured_at")
    if type(occurred) is date and isinstance(captured, datetime) and occurred > captured.date():
        problems.append(Problem("occurred_on", "晚于发布日期", "is after the capture date"))
    return problems


def _status_problems(row: dict) -> list[Problem]:
    """The status must agree with the times and result recorded."""
    status, verified_at = row.get("status"), row.get("verified_at")
    problems = []
    # A result without a time is a verification whose time was not given (核实时间不详): verified
    # for the 100% goal and the reconciliation, neither on time nor late (see verification_time_unknown).
    if status in ("verified", "closed") and row.get("verification_result") is None:
        problems.append(Problem("status", "状态为已核实或已办结时，须有核实结果",
                                "verified or closed items need a verification result", ("closed_at",)))
    if status in ("pending", "verifying") and verified_at is not None:
        problems.append(Problem("status", f"已有核实时间，状态不应为“{STATUS.label(status)}”",
                                f"has a verification time, so it cannot be {status!r}", ("verified_at",)))
    if status == "closed" and row.get("closed_at") is None:
        problems.append(Problem("closed_at", "已办结的事项须有办结时间", "closed items need a closing time", ("status",)))
    if status != "closed" and row.get("closed_at") is not None:
        problems.append(Problem("status", "有办结时间，状态应为“已办结”", "has a closing time, so it should be closed",
                                ("closed_at",)))
    return problems


# Where each input row that became (or was merged into) an item came from, written by ingest
# beside an items batch and gathered into the snapshot's `item_origins` table. The ledger's
# columns hold codes; this keeps what the source said: the row's original cells and the values
# that could not be mapped onto an enum ("其他" in the ledger, the original here).
ORIGINS_SCHEMA = pa.schema([
    pa.field("row_key", pa.string(), nullable=False),  # the item id the row itself would have
    pa.field("item_id", pa.string(), nullable=False),  # the item it became or was merged into
    pa.field("relation", pa.string(), nullable=False),  # new | same_url | same_dispute | update
    pa.field("file", pa.string(), nullable=False),
    pa.field("sheet", pa.string()),
    pa.field("row", pa.int32(), nullable=False),  # as a person counts: the spreadsheet's row number
    pa.field("original", pa.string(), nullable=False),  # JSON object: header -> cell text
    pa.field("unmapped", pa.string()),  # JSON object: column -> original values mapped to "other"
])


# Staged event reports (事件跟踪, ledger/workflow/events.py): a large or complex dispute is reported in
# stages — facts first, causes with care (快报事实，慎报原因). One row per report, journalled as
# batches of kind EVENT_REPORTS_KIND and gathered into the snapshot's `event_reports` table. Every
# row repeats its event's reporting unit, so the query door can scope reports like items.
EVENT_REPORTS_KIND = "event_reports"
EVENT_STAGE = Enum("event_stage", {
    "first": ("首报", "First report"),
    "followup": ("续报", "Follow-up"),
    "closing": ("终报", "Closing report"),
})
EVENT_REPORTS_SCHEMA = pa.schema([
    pa.field("event_id", pa.string(), nullable=False),  # E20261125-3f9a
    pa.field("seq", pa.int32(), nullable=False),  # 1 for the first report, then 2, 3 …
    pa.field("stage", pa.string(), nullable=False),  # EVENT_STAGE code
    pa.field("reported_at", _TS, nullable=False),
    pa.field("reported_by", pa.string()),
    pa.field("unit_code", pa.string(), nullable=False),  # the event's reporting unit
    pa.field("title", pa.string()),  # set by the first report; a later one may retitle the event
    pa.field("facts", pa.string(), nullable=False),  # 事实
    pa.field("causes", pa.string()),  # 原因: optional until the closing report
    pa.field("handling", pa.string()),  # 处置
    pa.field("lessons", pa.string()),  # 案例剖析 / 经验教训: closing report only
    pa.field("item_ids", _LIST),  # ledger items this report links to the event
    pa.field("lon", pa.float64()),
    pa.field("lat", pa.float64()),
    pa.field("participants", pa.int32()),
])
