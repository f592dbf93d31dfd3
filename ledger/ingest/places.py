"""Places named in a cell or in free text, resolved against the reference gazetteer (ledger.geo):
Guangdong's 22 reporting units (21 cities, Shunde on its own), their counties and districts, and
the towns of Dongguan, Zhongshan and Shunde, by Chinese name, short name, pinyin, English name
or alias.

Why so careful: a wrong place sends an item to the wrong city union, which then has to verify
something that did not happen on its ground. So a place is resolved only when the evidence
points one way. Two different units named ("Dongguan workers petitioned in Guangzhou"), an
ambiguous name that nothing else settles ("Huangpu" is a Guangzhou district and a Zhongshan
town) and no place at all each give a reason (the item is then 属地待定 and waits for the
province to assign it) instead of a guess. A place that is clearly in another province
(浙江, 长沙, Henan) with no Guangdong place named is `outside` (非本省). Spelling variants
("Dongguang", "Shenzen") are matched with rapidfuzz, but only when nothing matched exactly,
only for capitalised words in free text, and always reported as a note so that a person sees
what was assumed.

Shunde is its own reporting unit inside Foshan: "Foshan Shunde Lunjiao" belongs to Shunde.
Short Chinese names that are also ordinary words or places elsewhere (光明, 港口, 和平, 新兴,
龙湖, 大埔 …) count only in their full form (光明区, 和平县) when they appear in running text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from ledger import geo
from ledger.config import read_reference_csv
from ledger.i18n import Both, pair, t

NO_PLACE_ZH = t("msg.places.none")  # why an item is 属地待定 when no text names a place, as the ledger keeps it

FUZZY_CUTOFF = 88  # rapidfuzz ratio (0-100) for a spelling variant of a Latin place name
FUZZY_MIN_LETTERS = 5
SHUNDE, FOSHAN = "440606", "440600"

# The short forms that read as ordinary words or as places elsewhere in running Chinese text:
# in the delta, then the other cities' counties (和平 "peace", 新兴 "emerging", 清新 "fresh",
# 阳春 a word, 英德 "Britain and Germany", 紫金 a mining company and a Nanjing mountain, 龙湖 a
# Zhengzhou district and a developer, 五华 and 兴宁 districts of Kunming and Nanning, 大埔 a Hong
# Kong town, 金平 a Yunnan county, 连山 and 新丰 places elsewhere, 东源 and 丰顺 company names …).
COMMON_SHORT = {"东城", "南城", "东区", "西区", "南区", "火炬", "港口", "三角", "古镇", "民众", "长安", "沙田", "南山",
                "桥头", "高明", "白云", "天河", "南沙", "光明", "南海", "龙江", "龙门", "江海", "清溪", "中堂", "沙溪",
                "生态园", "大良", "东凤", "四会", "石龙", "黄江", "新会", "开平", "德庆", "广宁",
                "和平", "新兴", "清新", "清城", "阳春", "英德", "紫金", "龙湖", "五华", "兴宁", "大埔", "金平",
                "连山", "新丰", "东源", "丰顺", "平远", "惠来", "云安", "云城", "南澳", "源城", "连平", "阳山",
                "龙川", "始兴", "仁化", "普宁", "海丰", "潮南", "金湾"}
# China's other provincial-level divisions and their capitals: named with no Guangdong place,
# they put a row outside the province (非本省). Hong Kong and Macau are outside too.
OTHER_PROVINCES = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "石家庄": "Shijiazhuang", "山西": "Shanxi",
    "太原": "Taiyuan", "内蒙古": "Inner Mongolia", "呼和浩特": "Hohhot", "辽宁": "Liaoning", "沈阳": "Shenyang",
    "吉林": "Jilin", "长春": "Changchun", "黑龙江": "Heilongjiang", "哈尔滨": "Harbin", "上海": "Shanghai",
    "江苏": "Jiangsu", "南京": "Nanjing", "浙江": "Zhejiang", "杭州": "Hangzhou", "安徽": "Anhui", "合肥": "Hefei",
    "福建": "Fujian", "福州": "Fuzhou", "江西": "Jiangxi", "南昌": "Nanchang", "山东": "Shandong", "济南": "Jinan",
    "河南": "Henan", "郑州": "Zhengzhou", "湖北": "Hubei", "武汉": "Wuhan", "湖南": "Hunan", "长沙": "Changsha",
    "广西": "Guangxi", "南宁": "Nanning", "海南": "Hainan", "海口": "Haikou", "重庆": "Chongqing", "四川": "Sichuan",
    "成都": "Chengdu", "贵州": "Guizhou", "贵阳": "Guiyang", "云南": "Yunnan", "昆明": "Kunming", "西藏": "Tibet",
    "拉萨": "Lhasa", "陕西": "Shaanxi", "西安": "Xi'an", "甘肃": "Gansu", "兰州": "Lanzhou", "青海": "Qinghai",
    "西宁": "Xining", "宁夏": "Ningxia", "银川": "Yinchuan", "新疆": "Xinjiang", "乌鲁木齐": "Urumqi",
    "香港": "Hong Kong", "澳门": "Macau", "台湾": "Taiwan",
}
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_SENTENCE_START = re.compile(r"(^|[.!?。！？]\s*)[\"'“(]*$")
_SUFFIXES = re.compile(r"(city|district|county|town|subdistrict|street|shi|qu|xian|zhen)$")


def latin_key(text: str) -> str:
    """Latin place text compared without case, spaces, apostrophes or brackets: Bao'an → baoan."""
    text = re.sub(r"\(.*?\)", "", unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"[^a-z]", "", text)


@dataclass(frozen=True)
class Resolved:
    """A place, or the reason there is none; `note` says what was assumed (a fuzzy match)."""

    unit_code: str | None = None
    county_code: str | None = None
    problem: tuple[str, str] | None = None  # (zh, en): why the place is undetermined (属地待定)
    note: tuple[str, str] | None = None  # (zh, en)
    outside: str | None = None  # the other province (or its city) named: 非本省


class Gazetteer:
    def __init__(self):
        self.places = {p.code: p for p in (*geo.units(), *geo.counties())}
        self.parent = {r["unit_code"]: r["parent_code"] for r in read_reference_csv("units.csv")}
        self.zh_text: dict[str, set[str]] = {}  # names safe to find in running text
        self.zh_cell: dict[str, set[str]] = {}  # names allowed when a cell holds only a place
        self.latin_text: dict[str, set[str]] = {}
        self.latin_cell: dict[str, set[str]] = {}
        for place in self.places.values():
            zh_names = {place.name_zh, place.short_zh, *(a for a in place.aliases if not a.isascii())}
            latin_names = {place.name_en, place.pinyin, *(a for a in place.aliases if a.isascii())}
            for name in zh_names:
                self.zh_cell.setdefault(name, set()).add(place.code)
                if len(name) >= 2 and name not in COMMON_SHORT:
                    self.zh_text.setdefault(name, set()).add(place.code)
            for name in latin_names:
                key = latin_key(name)
                self.latin_cell.setdefault(key, set()).add(place.code)
                if len(key) >= 4:
                    self.latin_text.setdefault(key, set()).add(place.code)
        self.outside = {**{zh: zh for zh in OTHER_PROVINCES},
                        **{latin_key(en): zh for zh, en in OTHER_PROVINCES.items()}}
        self._zh_text_re = self._alternation(list(self.zh_text) + list(OTHER_PROVINCES))
        self._zh_cell_re = self._alternation(list(self.zh_cell) + list(OTHER_PROVINCES))
        self._fuzzy_keys = [k for k in self.latin_text if len(k) >= FUZZY_MIN_LETTERS]

    @staticmethod
    def _alternation(names: list[str]) -> re.Pattern:
        return re.compile("|".join(map(re.escape, sorted(set(names), key=len, reverse=True))))

    def unit_of(self, code: str) -> str:
        return self.places[code].unit_code

    def name(self, code: str) -> str:
        return self.places[code].name_zh

    # ---- finding names ------------------------------------------------------------------------

    def _find(self, text: str, whole_cell: bool) -> tuple[list[set[str]], list[str], list[str]]:
        """(candidate code sets, one per mention; other provinces named; latin words unmatched)."""
        text = unicodedata.normalize("NFKC", text)
        if whole_cell and text.strip() in self.places:  # a GB/T 2260 or town code
            return [{text.strip()}], [], []
        mentions, outside = [], []
        zh_names, latin = (self.zh_cell, self.latin_cell) if whole_cell else (self.zh_text, self.latin_text)
        for match in (self._zh_cell_re if whole_cell else self._zh_text_re).finditer(text):
            word = match.group()
            if word in OTHER_PROVINCES:
                outside.append(word)
            else:
                mentions.append(set(zh_names[word]))
        if whole_cell:
            key = _SUFFIXES.sub("", latin_key(text))
            if key in latin:
                return [set(latin[key])], outside, []
            if key in self.outside:
                return mentions, [*outside, self.outside[key]], []
        found = list(_LATIN_WORD.finditer(text))
        words = [m.group() for m in found]
        unmatched, i = [], 0
        while i < len(words):
            for size in (3, 2, 1):
                key = latin_key("".join(words[i:i + size]))
                if len(words[i:i + size]) == size and (key in latin or key in self.outside):
                    if key in latin:
                        mentions.append(set(latin[key]))
                    else:
                        outside.append(self.outside[key])
                    i += size
                    break
            else:
                # A capitalised word that starts a sentence ("Changing …") is not a proper noun.
                if whole_cell or not _SENTENCE_START.search(text[:found[i].start()]):
                    unmatched.append(words[i])
                i += 1
        return mentions, outside, unmatched

    def _fuzzy(self, words: list[str], whole_cell: bool) -> tuple[list[set[str]], tuple[str, str] | None]:
        """Spelling variants of Latin place names: capitalised words only, one place only."""
        found: list[set[str]] = []
        notes = []
        for word in words:
            if len(word) < FUZZY_MIN_LETTERS or not (whole_cell or word[0].isupper()):
                continue
            hits = process.extract(latin_key(word), self._fuzzy_keys, scorer=fuzz.ratio,
                                   score_cutoff=FUZZY_CUTOFF, limit=3)
            codes = set().union(*(self.latin_text[key] for key, _, _ in hits)) if hits else set()
            if codes:
                found.append(codes)
                names = sorted(self.name(c) for c in codes)
                notes.append(pair("msg.places.fuzzy", word=word, places=Both.listed(names, "list.or")))
        return found, Both.listed(notes, "list.clauses") if notes else None

    # ---- resolving --------------------------------------------------------------------------

    def resolve(self, texts: list[str], whole_cell: bool = False) -> Resolved:
        """The one unit (and county, if exactly one is named) that `texts` point to; `outside`
        when they name only places in other provinces; else the reason the place is undetermined."""
        texts = [t for t in texts if t and str(t).strip()]
        mentions, outside, unmatched = [], [], []
        for text in texts:
            m, o, u = self._find(str(text), whole_cell)
            mentions += m
            outside += o
            unmatched += u
        note = None
        if not mentions and not outside:
            mentions, note = self._fuzzy(unmatched, whole_cell)
        shown = "、".join(str(t)[:40] for t in texts) if whole_cell else ""
        if not mentions:
            if outside:
                return Resolved(outside="、".join(dict.fromkeys(outside)))
            return Resolved(problem=pair("msg.places.unrecognised", shown=shown) if shown else pair("msg.places.none"))
        return self._decide(mentions, note)  # a Guangdong place named wins over other provinces

    def _decide(self, mentions: list[set[str]], note: tuple[str, str] | None) -> Resolved:
        certain = {self.unit_of(next(iter(codes))) for codes in mentions
                   if len({self.unit_of(c) for c in codes}) == 1}
        chosen: set[str] = set()
        for codes in mentions:
            units = {self.unit_of(c) for c in codes}
            if len(units) > 1:
                settled = {c for c in codes if self.unit_of(c) in certain}
                if len({self.unit_of(c) for c in settled}) != 1:
                    names = "、".join(sorted(f"{self.name(self.unit_of(c))}{self.name(c)}" for c in codes))
                    return Resolved(problem=pair("msg.places.ambiguous", names=names), note=note)
                codes = settled
            chosen |= codes
        units = {self.unit_of(c) for c in chosen}
        if SHUNDE in units:
            units.discard(self.parent.get(SHUNDE, FOSHAN))
        if len(units) > 1:
            names = "、".join(self.name(u) for u in sorted(units))
            return Resolved(problem=pair("msg.places.several_cities", names=names), note=note)
        unit = units.pop()
        counties = {c for c in chosen if c != unit and c not in self.parent and self.unit_of(c) == unit}
        return Resolved(unit, counties.pop() if len(counties) == 1 else None, note=note)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
