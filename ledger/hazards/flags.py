"""A hazard flag and how it is told: one ranked finding of the screen, with its evidence and one
sentence in Chinese (or English), and the weeks a screen judges.

Apart from the screen (screen.py) so that pages which only show flags, such as the overview
reading the week's saved screen (saved.py), need neither numpy's statistics nor the spatial
stack."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from ledger import geo, reference
from ledger.i18n import t

METHODS = ("seasonal", "ears", "gi_star", "enterprise_repeat")
CATEGORIES = ("new", "continuing", "rising", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
              "repeat", "escalating")
HISTORY_WEEKS = 156  # the seasonal model's history, three years where the ledger has them (the page says when it is less)


def method_name(method: str, lang: str = "zh") -> str:
    """The methods that fired ("seasonal+ears"), named for people: 季节基线法、EARS 短期突增法."""
    return t("list.methods", lang).join(t(f"hazards.method.{m}", lang) for m in method.split("+"))


def category_name(category: str, lang: str = "zh") -> str:
    return t(f"hazards.category.{category}", lang) if category in CATEGORIES else category


@dataclass
class Flag:
    unit: str
    unit_code: str
    county: str | None
    industry: str | None
    industry_code: str | None
    week: str  # ISO week, e.g. "2026-W47"
    method: str  # the methods that fired, joined by "+"
    observed: int
    expected: float
    score: float  # -log10 of the p-value (or its equivalent for z-scores); higher is stranger
    category: str
    item_ids: list[str] = field(default_factory=list)
    recent: list[int] = field(default_factory=list)  # the cell's last 12 weekly counts
    recent_expected: list[float] = field(default_factory=list)
    enterprise: str | None = None
    weeks: int = 1  # the weeks `observed` and `expected` are over
    weighted: float | None = None  # `observed` weighed by the disputes' sizes (seasonal model's cells)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("recent", "recent_expected", "enterprise"):
            data.pop(key)
        return data

    def place(self, lang: str = "zh") -> str:
        unit = self.unit.removesuffix("市") if lang == "zh" else geo.unit_name(self.unit_code, "en")
        if self.county:
            part = self.county if lang == "zh" else geo.county_by_code()[self._county_code()].name("en")
        elif self.industry:
            part = self.industry if lang == "zh" else industry_name(self.industry_code, "en")
        else:
            return unit
        return t("flag.place", lang, unit=unit, part=part)

    def _county_code(self) -> str:
        return next(c.code for c in geo.counties() if c.name_zh == self.county and c.unit_code == self.unit_code)

    def sentence(self, lang: str = "zh") -> str:
        """One sentence saying where, how many against how many expected, and what kind of rise."""
        category = category_name(self.category, lang)
        if self.method == "enterprise_repeat":
            return t("flag.enterprise", lang, place=self.place(lang), enterprise=self.enterprise,
                     observed=self.observed, category=category)
        weeks, expected = self.weeks, self.expected
        if self.method == "gi_star" and self.recent_expected:
            expected = sum(self.recent_expected[-weeks:])
        period = t("flag.last_weeks", lang, weeks=weeks) if weeks > 1 else t("flag.this_week", lang)
        sentence = t("flag.count", lang, place=self.place(lang), period=period, observed=self.observed, expected=expected,
                     category=category)
        if self.weighted is not None and abs(self.weighted - self.observed) >= 0.5:
            sentence += t("flag.weighted", lang, weighted=self.weighted)
        return sentence


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def screen_week(as_of: date) -> date:
    """The week a screen on `as_of` judges: the last complete ISO week (Monday) on or before it."""
    return monday_of(as_of) - timedelta(weeks=0 if as_of.weekday() == 6 else 1)


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


UNKNOWN_INDUSTRY = "?"  # the cell of a unit's disputes whose industry is not known


def industry_name(code: str, lang: str = "zh") -> str:
    if code == UNKNOWN_INDUSTRY:
        return t("hazards.industry_unknown", lang)
    return reference.industry_by_code()[code].name(lang)
