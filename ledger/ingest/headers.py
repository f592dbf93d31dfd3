"""Which column means what: header variants mapped to the fields ingest understands, the header
row found below any title rows, and the format told from the headers.

Offices name the same column many ways (标题/题目, 发布时间/时间/日期, 地区/所属地市/属地 …),
platforms add units in brackets (涉及人数（人）) and asterisks for required columns, and a
workbook often has a title and a date line above the table. So a header is normalised (NFKC,
case, spaces, brackets) before lookup, and the header row is the row among the first few dozen
that names the most known fields.

Fields are the ledger's columns plus a few that need interpreting first: `city` and `county`
(place names), `participants` (a count as written), `industry_text`, `assigned_unit_text`,
`province` and `response` (China Labour Bulletin).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from ledger.documents.export import name_column_labels
from ledger.schema import COLUMNS
from ledger.ingest.readers import Sheet

HEADER_SCAN_ROWS = 30

# Field -> header variants (besides the ledger's own Chinese and English column labels).
VARIANTS: dict[str, tuple[str, ...]] = {
    "item_id": ("编号", "舆情编号", "信息编号", "条目编号", "信息ID", "舆情ID", "ID", "item id"),
    "title": ("标题", "题目", "舆情标题", "信息标题", "事件标题", "新闻标题", "Title"),
    "summary": ("摘要", "内容", "内容摘要", "正文", "简要情况", "主要内容", "描述", "Description", "Summary", "content"),
    "captured_at": ("发布时间", "时间", "日期", "发布日期", "监测时间", "采集时间", "抓取时间", "舆情时间", "Date",
                    "Time", "Published", "Publish time", "Captured at"),
    "occurred_on": ("发生日期", "发生时间", "事发时间", "事发日期"),
    "source": ("来源", "媒体", "来源媒体", "信息来源", "来源网站", "平台", "发布平台", "站点", "Source", "Media"),
    "url": ("链接", "网址", "URL", "原文链接", "原文地址", "链接地址", "Link"),
    "city": ("地区", "所属地市", "属地", "地市", "城市", "所在地市", "所属地区", "所在地", "地点", "发生地", "City",
             "Location", "Place"),
    "county": ("区县", "区/县", "县区", "区（县）", "镇街", "镇（街）", "镇街道", "所属区县", "所属镇街", "County", "Town"),
    "enterprise": ("企业", "涉事企业", "单位名称", "企业名称", "涉事单位", "用人单位", "涉事企业名称", "Employer",
                   "Enterprise", "Company"),
    "industry_text": ("行业", "所属行业", "行业类别", "行业分类", "Industry"),
    "ownership": ("企业性质", "所有制", "企业类型", "经济类型", "所有制形式", "Enterprise Type", "Ownership"),
    "participants": ("人数", "涉及人数", "参与人数", "涉事人数", "涉及职工人数", "聚集人数", "Participants"),
    "demands": ("诉求", "主要诉求", "诉求类型", "诉求内容", "Demands", "Employee Demands Involve"),
    "action_forms": ("方式", "行为", "行为方式", "表现形式", "维权方式", "行动方式", "Action", "Action Taken Involve"),
    "verification_notes": ("核实情况", "核实内容", "核查情况", "核实反馈", "反馈情况", "Verification notes"),
    "verification_result": ("核实结果", "是否属实", "核查结果", "Verification result"),
    "verified_at": ("核实时间", "核查时间", "反馈时间", "核实日期"),
    "verified_by": ("核实人", "核实单位", "反馈人", "核查人"),
    "assigned_unit_text": ("责任单位", "承办单位", "交办单位", "负责单位"),
    "status": ("状态", "处理状态", "办理状态", "Status"),
    "is_collective": ("群体性纠纷", "是否群体性", "是否群体性纠纷", "群体性"),
    "union_present": ("有无工会", "是否建会", "是否有工会"),
    "grade": ("等级", "级别", "事件等级"),
    "proactive": ("主动报送", "是否主动报送"),
    "duplicate_of": ("重复编号", "与之重复的编号"),
    "disposition": ("处理情况", "处置结果"),
    "closed_at": ("办结时间", "办结日期"),
    "province": ("省份", "省", "Province"),
    "response": ("Response to Collective Action", "处置情况", "处置措施"),
}

# Columns the China Labour Bulletin Strike Map export has, in its own words.
CLB_HEADERS = ("date", "title", "description", "province", "industry", "participants", "employer",
               "enterprise type", "action taken involve", "employee demands involve",
               "response to collective action")
# Columns only our own export has (ledger.documents.export): enough of them means a round trip.
LEDGER_MARKERS = ("item_id", "unit_code", "status", "is_collective", "proactive")

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def normalise_header(text) -> str:
    """Header text as looked up: NFKC, lower case, no spaces, asterisks or colons."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s*:：]+", "", text)


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, variants in VARIANTS.items():
        for v in variants:
            table.setdefault(normalise_header(v), name)
    for column in COLUMNS:  # the ledger's own labels (and so our export) win
        for label in (column.zh, column.en, column.name):
            table[normalise_header(label)] = column.name
    name_fields = {"unit_name": "city", "county_name": "county", "industry_name": "industry_text",
                   "sub_industry_name": "industry_text", "assigned_unit_name": "assigned_unit_text"}
    for name, (zh, en) in name_column_labels().items():
        for label in (zh, en, name):
            table[normalise_header(label)] = name_fields[name]
    return table


LOOKUP = _lookup()


def field_for(header) -> str | None:
    """The field a header names, or None if it is not one ingest knows."""
    key = normalise_header(header)
    if not key:
        return None
    return LOOKUP.get(key) or LOOKUP.get(_BRACKETS.sub("", key))


@dataclass(frozen=True)
class Table:
    """Where a sheet's table is and what its columns mean."""

    sheet: Sheet
    header_index: int  # index into sheet.rows
    headers: list[str]  # as written
    fields: dict[int, str]  # column index -> field (first column wins when two name one field)
    title_text: str  # text above the header (a title such as "2024年3月舆情台账")
    keys: list[str] = field(default_factory=list)  # unique names for the original cells: 涉事企业, 涉事企业(2)
    repeated: dict[str, list[int]] = field(default_factory=dict)  # a header written twice -> columns (1-based)

    @property
    def header_row_number(self) -> int:
        return self.sheet.row_numbers[self.header_index]

    def mapping(self) -> dict[str, str]:
        """Header as written -> field, for showing a person what was understood."""
        return {self.keys[i]: f for i, f in self.fields.items()}

    @cached_property
    def headers_by_field(self) -> dict[str, str]:
        """Field -> header as written: one dict that every row of the table shares."""
        return {f: self.keys[i] for i, f in self.fields.items()}


def find_table(sheet: Sheet) -> Table | None:
    """The sheet's header row (the one naming the most known fields, at least two) and mapping."""
    best, best_fields = None, {}
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        fields: dict[int, str] = {}
        for col, cell in enumerate(row):
            field = field_for(cell) if isinstance(cell, str) else None
            if field and field not in fields.values():
                fields[col] = field
        if len(fields) > len(best_fields):
            best, best_fields = index, fields
    if best is None or len(best_fields) < 2:
        return None
    headers = ["" if c is None else str(c).strip() for c in sheet.rows[best]]
    above = " ".join(str(c) for row in sheet.rows[:best] for c in row if c is not None)
    keys, repeated = unique_keys(headers)
    return Table(sheet, best, headers, best_fields, above, keys, repeated)


def unique_keys(headers: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """A name per column for its original cells, so that a header written twice keeps both
    columns (the second as "涉事企业(2)"); and the repeated headers with their column numbers."""
    keys, seen = [], {}
    for i, header in enumerate(headers):
        name = header or f"列{i + 1}"
        seen.setdefault(name, []).append(i + 1)
        keys.append(name if len(seen[name]) == 1 else f"{name}({len(seen[name])})")
    return keys, {name: columns for name, columns in seen.items() if len(columns) > 1}


def detect_format(table: Table) -> str:
    """clb, ledger (our own export) or generic."""
    written = {normalise_header(h) for h in table.headers}
    if sum(normalise_header(h) in written for h in CLB_HEADERS) >= 7:
        return "clb"
    if set(LEDGER_MARKERS) <= set(table.fields.values()):
        return "ledger"
    return "generic"


def field_label(field: str, lang: str = "zh") -> str:
    """A field's name for people: the ledger column's label, or the import page's word for it."""
    from ledger.i18n import t
    from ledger.schema import COLUMN_BY_NAME, column_label

    return column_label(field, lang) if field in COLUMN_BY_NAME else t(f"import.field.{field}", lang)
