"""Places named in a cell or in free text, resolved against the reference gazetteer (ledger.geo):
the ten reporting units, their counties and districts, and the towns of Dongguan, Zhongshan and
Shunde, by Chinese name, short name, pinyin, English name or alias.

Why so careful: a wrong place sends an item to the wrong city union, which then has to verify
something that did not happen on its ground. So a place is resolved only when the evidence
points one way. Two different units named ("Dongguan workers petitioned in Guangzhou"), an
ambiguous name that nothing else settles ("Huangpu" is a Guangzhou district and a Zhongshan
town), a Guangdong city outside the delta (Shantou) and no place at all each give a reason
for quarantine instead of a guess. Spelling variants ("Dongguang", "Shenzen") are matched with
rapidfuzz, but only when nothing matched exactly, only for capitalised words in free text, and
always reported as a note so that a person sees what was assumed.

Shunde is its own reporting unit inside Foshan: "Foshan Shunde Lunjiao" belongs to Shunde.
Short Chinese names that are also ordinary words (光明, 港口, 三角, 南海 …) count only in their
full form (光明区, 港口镇) when they appear in running text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .. import geo
from ..config import read_reference_csv

FUZZY_CUTOFF = 88  # rapidfuzz ratio (0-100) for a spelling variant of a Latin place name
FUZZY_MIN_LETTERS = 5
SHUNDE, FOSHAN = "440606", "440600"

# The short forms that read as ordinary words or as places elsewhere in running Chinese text.
COMMON_SHORT = {"东城", "南城", "东区", "西区", "南区", "火炬", "港口", "三角", "古镇", "民众", "长安", "沙田", "南山",
                "桥头", "高明", "白云", "天河", "南沙", "光明", "南海", "龙江", "龙门", "江海", "清溪", "中堂", "沙溪",
                "生态园", "大良", "东凤", "四会", "石龙", "黄江", "新会", "开平", "德庆", "广宁"}
# Guangdong's other prefecture-level cities: named, they put an item outside the ten units.
OUTSIDE_PRD = {"汕头": "Shantou", "韶关": "Shaoguan", "河源": "Heyuan", "梅州": "Meizhou", "汕尾": "Shanwei",
               "阳江": "Yangjiang", "湛江": "Zhanjiang", "茂名": "Maoming", "清远": "Qingyuan", "潮州": "Chaozhou",
               "揭阳": "Jieyang", "云浮": "Yunfu"}
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
    problem: tuple[str, str] | None = None  # (zh, en)
    note: str | None = None


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
        self.outside = {**{zh: zh for zh in OUTSIDE_PRD}, **{latin_key(en): zh for zh, en in OUTSIDE_PRD.items()}}
        self._zh_text_re = self._alternation(list(self.zh_text) + list(OUTSIDE_PRD))
        self._zh_cell_re = self._alternation(list(self.zh_cell) + list(OUTSIDE_PRD))
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
        """(candidate code sets, one per mention; outside-delta cities named; latin words unmatched)."""
        text = unicodedata.normalize("NFKC", text)
        if whole_cell and text.strip() in self.places:  # a GB/T 2260 or town code
            return [{text.strip()}], [], []
        mentions, outside = [], []
        zh_names, latin = (self.zh_cell, self.latin_cell) if whole_cell else (self.zh_text, self.latin_text)
        for match in (self._zh_cell_re if whole_cell else self._zh_text_re).finditer(text):
            word = match.group()
            if word in OUTSIDE_PRD:
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

    def _fuzzy(self, words: list[str], whole_cell: bool) -> tuple[list[set[str]], str | None]:
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
                notes.append(f"“{word}”按拼写相近识别为{'或'.join(sorted(self.name(c) for c in codes))}")
        return found, "；".join(notes) or None

    # ---- resolving --------------------------------------------------------------------------

    def resolve(self, texts: list[str], whole_cell: bool = False) -> Resolved:
        """The one unit (and county, if exactly one is named) that `texts` point to."""
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
                names = "、".join(dict.fromkeys(outside))
                return Resolved(problem=(f"地点“{names}”在广东省但不在珠三角十个报送单位内",
                                         f"{names} is in Guangdong but outside the ten Pearl River Delta units"))
            where = f"“{shown}”" if shown else "标题和描述中"
            return Resolved(problem=(f"无法识别地点{where}（不是珠三角十个报送单位内的地名）" if shown else
                                     "未能从标题或描述中找到珠三角十个报送单位内的地点",
                                     f"no Pearl River Delta place recognised in {shown or 'the title or description'}"))
        return self._decide(mentions, outside, note)

    def _decide(self, mentions: list[set[str]], outside: list[str], note: str | None) -> Resolved:
        certain = {self.unit_of(next(iter(codes))) for codes in mentions
                   if len({self.unit_of(c) for c in codes}) == 1}
        chosen: set[str] = set()
        for codes in mentions:
            units = {self.unit_of(c) for c in codes}
            if len(units) > 1:
                settled = {c for c in codes if self.unit_of(c) in certain}
                if len({self.unit_of(c) for c in settled}) != 1:
                    names = "、".join(sorted(f"{self.name(self.unit_of(c))}{self.name(c)}" for c in codes))
                    return Resolved(problem=(f"地名不明确，可能是{names}，请补充所属地市",
                                             "ambiguous place name; add the city"), note=note)
                codes = settled
            chosen |= codes
        units = {self.unit_of(c) for c in chosen}
        if SHUNDE in units:
            units.discard(self.parent.get(SHUNDE, FOSHAN))
        if len(units) > 1 or outside:
            names = "、".join([*(self.name(u) for u in sorted(units)), *dict.fromkeys(outside)])
            return Resolved(problem=(f"同时提到{names}，无法确定属地，请指明所属地市",
                                     "several cities are named; state which one"), note=note)
        unit = units.pop()
        counties = {c for c in chosen if c != unit and c not in self.parent and self.unit_of(c) == unit}
        return Resolved(unit, counties.pop() if len(counties) == 1 else None, note=note)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
