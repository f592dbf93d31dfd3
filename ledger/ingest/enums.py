"""Words for sources, ownership, demands, forms of action, industries, statuses and results,
in Chinese and English, mapped onto the ledger's codes.

Each code has its own label (schema.py) plus the words exports actually use: 讨薪 and "unpaid
wages" are wage arrears, 港资 and "Hong Kong, Macau, Taiwan" are HMT ownership, 罢工 and
"Strike" are a strike. A multi-valued cell ("Wage arrears, Social insurance"; 欠薪、社保) is split
first. A word that matches nothing becomes the code "other" and the original word is returned
so that the report counts it and the item's origin keeps it. Words meaning "not known" (不详,
Unknown) give no value at all rather than "other".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ledger import reference
from ledger.schema import DEMAND, OWNERSHIP, SOURCE, STATUS, VERIFICATION_RESULT, ACTION_FORM, Enum

UNKNOWN_WORDS = {"", "-", "—", "/", "无", "不详", "未知", "不明", "暂无", "待查", "unknown", "n/a", "na", "none", "null"}
SPLIT = re.compile(r"\s*[,，、;；/|\n]+\s*|\s+(?:and|&)\s+|[和及与]")

KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "source": {
        "people": ("人民网", "people.cn", "people's daily"),
        "southcn": ("南方网", "southcn"),
        "proactive": ("信息员", "主动报送", "officer"),
        "wechat": ("微信", "公众号", "wechat"),
        "qq": ("qq",),
        "email": ("邮件", "邮箱", "email", "e-mail"),
    },
    "ownership": {
        "state": ("国有", "国企", "央企", "国资", "state-owned", "state owned", "soe", "government", "public sector"),
        "collective": ("集体",),
        "private": ("民营", "私营", "私企", "个体", "民企", "private"),
        "hmt": ("港澳台", "港资", "台资", "澳资", "港企", "台企", "hong kong", "taiwan", "macau", "macao", "hmt"),
        "foreign": ("外资", "外企", "外商", "合资", "foreign", "joint venture", "multinational", "sino-foreign"),
    },
    "demands": {
        "wage_arrears": ("欠薪", "拖欠工资", "讨薪", "工资拖欠", "欠发", "追讨工资", "讨要工资", "工资未发", "wage arrears",
                         "unpaid wage", "arrears", "back pay"),
        "social_insurance": ("社保", "社会保险", "养老", "医保", "公积金", "social insurance", "social security",
                             "pension", "housing fund"),
        "severance": ("经济补偿", "补偿", "赔偿", "遣散", "severance", "compensation"),
        "relocation": ("搬迁", "迁厂", "关厂", "倒闭", "关闭", "停产", "relocation", "closure", "relocate"),
        "overtime": ("加班", "overtime"),
        "injury": ("工伤", "职业病", "injury", "occupational"),
        "wage_increase": ("加薪", "涨薪", "涨工资", "提高工资", "提高待遇", "pay increase", "pay rise", "wage increase",
                          "higher wage", "raise"),
        "contract": ("劳动合同", "合同", "contract"),
    },
    "action_forms": {
        "strike": ("停工", "罢工", "怠工", "strike", "stoppage", "walkout"),
        "gathering": ("聚集", "聚众", "集会", "静坐", "围堵", "拉横幅", "protest", "gathering", "sit-in", "demonstration",
                      "rally", "assembly"),
        "road_block": ("堵路", "拦路", "堵塞交通", "封路", "block road", "blocking road", "road block", "blocked road",
                       "blocked traffic", "block traffic"),
        "petition": ("上访", "信访", "请愿", "petition"),
        "online": ("网络", "网上", "微博", "抖音", "发帖", "online", "social media", "internet", "weibo"),
        "march": ("游行", "march", "parade"),
    },
    "verification_result": {  # longer phrases first: 部分属实 and 不属实 contain 属实
        "partly": ("部分属实", "基本属实", "partly", "partially"),
        "false": ("不属实", "不实", "虚假", "不存在", "未发现", "false", "not confirmed", "unfounded"),
        "duplicate": ("重复", "duplicate"),
        "true": ("属实", "情况属实", "confirmed", "true"),
    },
    "status": {
        "closed": ("已办结", "办结", "结案", "closed"),
        "verified": ("已核实", "核实完毕", "verified"),
        "verifying": ("核实中", "处理中", "正在核实", "verifying", "in progress"),
        "pending": ("待核实", "未核实", "待处理", "pending"),
    },
}
ENUMS: dict[str, Enum] = {"source": SOURCE, "ownership": OWNERSHIP, "demands": DEMAND,
                          "action_forms": ACTION_FORM, "verification_result": VERIFICATION_RESULT,
                          "status": STATUS}
MULTI = {"demands", "action_forms"}
# Industry words (Chinese names come from the GB/T 4754 table itself) -> section, division.
INDUSTRY_WORDS: dict[str, tuple[str, str | None]] = {
    "manufactur": ("C", None), "factory": ("C", None), "工厂": ("C", None), "electronics": ("C", "39"),
    "garment": ("C", "18"), "textile": ("C", "17"), "footwear": ("C", "19"), "shoe": ("C", "19"),
    "furniture": ("C", "21"), "construction": ("E", None), "building": ("E", None), "工地": ("E", None),
    "transport": ("G", None), "logistics": ("G", "59"), "taxi": ("G", "54"), "bus": ("G", "54"),
    "delivery": ("G", "60"), "courier": ("G", "60"), "快递": ("G", "60"), "mining": ("B", None),
    "education": ("P", "83"), "school": ("P", "83"), "retail": ("F", "52"), "wholesale": ("F", "51"),
    "hotel": ("H", "61"), "restaurant": ("H", "62"), "catering": ("H", "62"), "sanitation": ("N", "78"),
    "环卫": ("N", "78"), "health": ("Q", "84"), "hospital": ("Q", "84"), "real estate": ("K", "70"),
    "property management": ("K", "70"), "物业": ("K", "70"), "finance": ("J", None), "bank": ("J", None),
    "internet": ("I", "64"), "software": ("I", "65"),
}


@dataclass
class Mapped:
    """Codes found for a cell, and the original words that matched no code."""

    codes: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def clean(text) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lstrip("'").strip()


def is_unknown(text) -> bool:
    return clean(text).lower() in UNKNOWN_WORDS


def _code_for(field_name: str, word: str) -> str | None:
    enum = ENUMS[field_name]
    if code := enum.code_for_label(word):
        return code
    lowered = word.lower()
    for code, words in KEYWORDS[field_name].items():
        if any(w in lowered for w in words):
            return code
    return None


def _codes_in(field_name: str, part: str) -> list[str]:
    """Every code a free-text part names (讨薪并堵路 → wage arrears and a road block)."""
    lowered = part.lower()
    exact = ENUMS[field_name].code_for_label(part)
    if exact:
        return [exact]
    return [code for code, words in KEYWORDS[field_name].items() if any(w in lowered for w in words)]


def map_values(field_name: str, value) -> Mapped:
    """The codes for `value` in enum field `field_name` (a list field may get several)."""
    result = Mapped()
    if value is None or is_unknown(value):
        return result
    text = clean(value)
    parts = [p for p in SPLIT.split(text) if p and not is_unknown(p)] if field_name in MULTI else [text]
    for part in parts:
        codes = _codes_in(field_name, part) if field_name in MULTI else [c for c in [_code_for(field_name, part)] if c]
        if not codes:
            codes = ["other"] if "other" in ENUMS[field_name].labels else []
            result.unmapped.append(part)
        result.codes.extend(c for c in codes if c not in result.codes)
    return result


def map_industry(value) -> tuple[str | None, str | None, str | None]:
    """(section, division, unmapped original) for an industry as written: a GB/T 4754 code, a
    Chinese name (制造业, 纺织服装、服饰业), or an English word (Manufacturing, Construction)."""
    if value is None or is_unknown(value):
        return None, None, None
    text = clean(value)
    by_code = reference.industry_by_code()
    code = text.upper() if text.upper() in by_code else text
    if code in by_code:
        industry = by_code[code]
        return industry.section, (industry.code if industry.level == "division" else None), None
    for industry in sorted(reference.industries(), key=lambda i: -len(i.name_zh)):
        if industry.name_zh in text or text == industry.name_en.lower() or text.lower() == industry.name_en.lower():
            return industry.section, (industry.code if industry.level == "division" else None), None
    lowered = text.lower()
    for word, (section, division) in INDUSTRY_WORDS.items():
        if word in lowered:
            return section, division, None
    return None, None, text


TRUE_WORDS = {"是", "有", "yes", "y", "true", "1", "√", "✓", "已建会", "有工会"}
FALSE_WORDS = {"否", "无", "没有", "no", "n", "false", "0", "×", "✗", "未建会", "无工会"}


def parse_bool(value) -> bool | None:
    """是/否, 有/无, yes/no, true/false, 1/0 → bool; anything else None."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = clean(value).lower()
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None
