"""What a brief says, decided once for every format: `compose()` reads one snapshot through the
query door and returns a `Brief`, a list of numbered sections made of plain blocks (text,
numbered items, tables, charts) that the Word, HTML and PDF renderers only lay out.

Reproducible by construction: every figure depends on the snapshot, the day and the scope only.
The figures are computed as of the snapshot's creation (the moment its knowledge stops), never
the wall clock, and the default day is the snapshot's data date; so the same snapshot and day
give the same document, whenever and wherever it is generated.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from queries import ALL, Door, Filters, Scope

from ledger import geo
from ledger.config import Settings
from ledger.i18n import Refusal, t
from ledger.hazards.flags import screen_week
from ledger.hazards.saved import week_flags
from ledger.periods import BRIEF_KINDS, Period
from ledger.schema import DEMAND, EVENT_STAGE, GRADE
from ledger.store import Snapshot

PERIODS = tuple(BRIEF_KINDS)
SERIOUS_GRADES = ["I", "II"]
SERIOUS_LISTED = 20  # a brief lists at most this many new serious disputes, most serious first
HAZARDS_LISTED = 10
INDUSTRIES_CHARTED = 8
NUMERALS = "一二三四五六七八九十"


class BriefError(Refusal):
    """A brief cannot be made as asked; one sentence, in both languages, saying what to do."""


def brief_period(kind: str, day: date) -> Period:
    """The day, ISO week or month of a daily, weekly or monthly brief that contains `day`."""
    if kind not in BRIEF_KINDS:
        raise BriefError("msg.brief.kind", kind=kind)
    return Period.containing(BRIEF_KINDS[kind], day)


@dataclass(frozen=True)
class Figure:
    """One headline figure beside the previous period's."""

    label: str
    value: float | None
    previous: float | None
    unit: str  # 起, 人, 条, or % (then the change is in percentage points)

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        return f"{value:.1f}%" if self.unit == "%" else f"{int(value)} {self.unit}"

    @property
    def change(self) -> str:
        if self.value is None or self.previous is None:
            return "—"
        delta = self.value - self.previous
        if self.unit == "%":
            if abs(delta) < 0.05:
                return t("doc.brief.change.flat")
            return t("doc.brief.change.points_up" if delta > 0 else "doc.brief.change.points_down", points=abs(delta))
        if delta == 0:
            return t("doc.brief.change.flat")
        words = t("doc.brief.change.more" if delta > 0 else "doc.brief.change.fewer", n=abs(int(delta)), unit=self.unit)
        return words + ("" if self.previous == 0 else t("doc.brief.change.relative", pct=100 * delta / self.previous))


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Items:
    """Numbered paragraphs (one dispute, one flag)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None  # a last row set in bold

    @property
    def all_rows(self) -> tuple[tuple[str, ...], ...]:
        return self.rows + ((self.total,) if self.total else ())


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. "verification"
    png: bytes
    caption: str


Block = Text | Items | Table | Chart


@dataclass(frozen=True)
class Section:
    heading: str  # numbered: 一、总体情况
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Brief:
    kind: str
    day: date
    period: Period
    as_of: datetime
    snapshot_id: str
    scope_label: str
    headline: dict[str, Figure]
    sections: tuple[Section, ...]
    issuer: str = t("doc.issuer.working_group")  # as on the hazard warning (ledger.hazards.brief)

    @property
    def title(self) -> str:
        return t("doc.brief.title", kind=t(f"doc.brief.kind.{self.kind}"))

    @property
    def meta(self) -> str:
        return t("doc.brief.meta", issuer=self.issuer, day=self.day)

    @property
    def subtitle(self) -> str:
        unfinished = self.as_of < datetime.combine(self.period.next().first, datetime.min.time())
        cut = t("doc.brief.subtitle.cut", as_of=self.as_of) if unfinished else ""
        return t("doc.brief.subtitle", period=self.period.label(), cut=cut, scope=self.scope_label)

    @property
    def footer(self) -> str:
        return t("doc.brief.footer", snapshot=self.snapshot_id, rule=t(f"doc.brief.rule.{self.kind}"),
                 previous=_previous(self.kind), as_of=self.as_of)

    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]


def _this(kind: str) -> str:
    """当日, 本周 or 本月: the period a brief of `kind` reports on, as its sentences name it."""
    return t(f"doc.brief.this.{kind}")


def _previous(kind: str) -> str:
    """前一日, 上周 or 上月: the period a brief of `kind` compares with."""
    return t(f"doc.brief.previous.{kind}")


# --- the snapshot's own clock ---------------------------------------------------------------

def _last_capture(snapshot: Snapshot) -> datetime | None:
    last = snapshot.manifest.get("data_range", {}).get("last_captured_at")
    return datetime.fromisoformat(last) if last and last != "None" else None


def data_date(snapshot: Snapshot) -> date:
    """The day the snapshot's data reaches: its latest capture, or its creation if it is empty.
    The default day of a brief, so that a brief never depends on when it is generated."""
    return (_last_capture(snapshot) or snapshot.created_at).date()


def data_time(snapshot: Snapshot) -> datetime:
    """The moment the snapshot knows everything up to: its creation (kept to the second, so an
    item captured within that second counts too). Briefs compute their figures as of it."""
    return max(snapshot.created_at, _last_capture(snapshot) or snapshot.created_at)


def scope_label(units) -> str:
    if units is None:
        return t("doc.brief.scope.all")
    return t("list.separator").join(geo.unit_name(code) for code in sorted(units, key=_unit_order))


def _unit_order(code: str) -> int:
    return [u.code for u in geo.units()].index(code) if code in geo.unit_by_code() else 99


# --- the sections -----------------------------------------------------------------------------

def open_disputes(door: Door, scope: Scope, moment: datetime) -> int:
    """Collective disputes open at `moment`, counted as 总览, 态势地图 and the wall count them (the
    active_disputes rule over the default window ending that day), so that a brief of the period
    under way says the number the screens show."""
    window = Filters.last_days(door.settings.default_window_days, moment.date())
    return door.q("overview_kpis", scope, now=moment, **window.params()).row(0, named=True)["active_n"]


def _headline(total: dict, rates_now: dict, rates_before: dict, open_now: int, open_before: int) -> dict[str, Figure]:
    disputes, people, items = t("doc.brief.unit.disputes"), t("doc.brief.unit.people"), t("doc.brief.unit.items")
    return {
        "open": Figure(t("doc.brief.headline.open"), open_now, open_before, disputes),
        "new": Figure(t("doc.brief.headline.new"), total["n"], total["n_prev"], disputes),
        "participants": Figure(t("doc.brief.headline.participants"), total["participants_n"],
                               total["participants_prev_n"], people),
        "serious": Figure(t("doc.brief.headline.serious"), total["serious_n"], total["serious_prev_n"], disputes),
        "on_time": Figure(t("doc.brief.headline.on_time"), rates_now["rate_pct"], rates_before["rate_pct"], "%"),
        "overdue": Figure(t("doc.brief.headline.overdue"), total["overdue_n"], total["overdue_prev_n"], items),
    }


def _overall(kind: str, period: Period, figures: dict[str, Figure], rates_now: dict, scope: str) -> Section:
    this, before = _this(kind), _previous(kind)
    active, new, people, serious, on_time, overdue = (
        figures[k] for k in ("open", "new", "participants", "serious", "on_time", "overdue"))
    rate = (t("doc.brief.overall.rate", due=rates_now["due_n"], rate=on_time.shown(on_time.value), previous=before,
              change=on_time.change)
            if rates_now["due_n"] else t("doc.brief.overall.none_due"))
    lead = t("doc.brief.overall.lead", period=period.label(), scope=scope, new=new.shown(new.value), previous=before,
             new_change=new.change, people=people.shown(people.value), serious=serious.shown(serious.value),
             rate=rate, active=active.shown(active.value), overdue=overdue.shown(overdue.value))
    table = Table((t("doc.brief.overall.col.measure"), this, before, t("doc.brief.overall.col.change")),
                  tuple((f.label, f.shown(f.value), f.shown(f.previous), f.change) for f in figures.values()))
    return Section(t("doc.brief.section.overall"), (Text(lead), table))


def _serious(kind: str, disputes: pl.DataFrame) -> Section:
    heading = t("doc.brief.section.serious")
    if disputes.is_empty():
        return Section(heading, (Text(t("doc.brief.serious.none", this=_this(kind))),))
    total = int(disputes["total_n"][0])
    unconfirmed = disputes.filter(pl.col("grade_review") == "pending").height
    intro = t("doc.brief.serious.intro", this=_this(kind), total=total) + (
        t("doc.brief.serious.listed", n=disputes.height) if total > disputes.height else "") + (
        t("doc.brief.serious.unconfirmed", n=unconfirmed) if unconfirmed else "") + t("doc.follows")
    items = []
    for row in disputes.iter_rows(named=True):
        place = "·".join(p for p in (row["unit_name_zh"], row["county_name_zh"]) if p)
        demands = t("list.separator").join(DEMAND.label(d) for d in row["demands"] or []) or t("doc.brief.serious.no_demands")
        items.append(t("doc.brief.serious.item", title=row["title"], captured_at=row["captured_at"], place=place,
                       enterprise=row["enterprise"] or t("doc.brief.serious.no_enterprise"),
                       industry=row["industry_name_zh"] or t("doc.brief.serious.no_industry"),
                       participants=row["participants_text"] or t("doc.brief.serious.no_participants"),
                       demands=demands, grade=GRADE.label(row["grade"]),
                       pending=t("grade.pending_suffix") if row["grade_review"] == "pending" else ""))
    return Section(heading, (Text(intro), Items(tuple(items))))


def _verification(kind: str, rates: pl.DataFrame, settings: Settings) -> Section:
    from ledger.documents.briefs import charts  # matplotlib loads when a brief is made, not with the page's button

    units = rates.filter(pl.col("level") == "unit")
    total = rates.filter(pl.col("level") == "total").row(0, named=True)

    def cells(name: str, r: dict) -> tuple[str, ...]:
        rate = "—" if r["rate_pct"] is None else f"{r['rate_pct']:.1f}%"
        return (name, *(str(r[k]) for k in ("received_n", "due_n", "on_time_n", "late_n", "overdue_n")), rate)

    kinds = (t("doc.brief.verification.col.on_time"), t("doc.brief.verification.col.late"),
             t("doc.brief.verification.col.overdue"))
    table = Table((t("doc.brief.col.unit"), t("doc.brief.verification.col.received"), t("doc.brief.verification.col.due"),
                   *kinds, t("doc.brief.verification.col.rate")),
                  tuple(cells(r["name_zh"], r) for r in units.iter_rows(named=True)),
                  total=cells(t("doc.brief.verification.total"), total))
    lagging = units.filter(pl.col("rate_pct") < settings.verification_amber_pct)
    amber = f"{settings.verification_amber_pct:g}%"
    if not total["due_n"]:
        text = t("doc.brief.verification.none_due", this=_this(kind))
    elif lagging.height:
        text = t("doc.brief.verification.lagging", amber=amber, units=t("list.separator").join(
            t("doc.brief.verification.lagging_unit", name=r["name_zh"], rate=r["rate_pct"])
            for r in lagging.iter_rows(named=True)))
    else:
        text = t("doc.brief.verification.all_above", amber=amber)
    chart = charts.verification_bars(
        units["name_zh"].to_list(), units["on_time_n"].to_list(), units["late_n"].to_list(),
        units["overdue_n"].to_list(), units["rate_pct"].to_list(), kinds,
        t("doc.brief.verification.chart", this=_this(kind)))
    return Section(t("doc.brief.section.verification"),
                   (Text(text), table, Chart("verification", chart, t("doc.brief.verification.caption"))))


def _leaders(rows: pl.DataFrame, kind: str, limit: int = 3) -> str:
    top = rows.filter(pl.col("n") > 0).sort(["n", "key"], descending=[True, False]).head(limit)
    return t("list.separator").join(t("doc.brief.trends.leader", name=r["name_zh"], n=r["n"], previous=_previous(kind),
                                      n_prev=r["n_prev"]) for r in top.iter_rows(named=True))


def _trends(kind: str, counts: pl.DataFrame) -> Section:
    from ledger.documents.briefs import charts

    this, before = _this(kind), _previous(kind)
    industries = counts.filter((pl.col("breakdown") == "industry") & ((pl.col("n") + pl.col("n_prev")) > 0))
    units = counts.filter(pl.col("breakdown") == "unit")
    sentences = []
    if industries.height:
        sentences.append(t("doc.brief.trends.industries", leaders=_leaders(industries, kind)))
        sentences.append(t("doc.brief.trends.units", leaders=_leaders(units, kind)))
        rising = units.with_columns(delta=pl.col("n") - pl.col("n_prev")).filter(pl.col("delta") > 0)
        if rising.height:
            top = rising.sort(["delta", "key"], descending=[True, False]).row(0, named=True)
            sentences.append(t("doc.brief.trends.rising", previous=before, name=top["name_zh"], n=top["delta"]))
    else:
        sentences.append(t("doc.brief.trends.none", this=this, previous=before))
    charted = industries.with_columns(most=pl.max_horizontal("n", "n_prev")) \
        .sort(["most", "n", "key"], descending=[True, True, False]).head(INDUSTRIES_CHARTED)
    industry_chart = charts.compare_bars(charted["name_zh"].to_list(), charted["n"].to_list(),
                                         charted["n_prev"].to_list(), this, before,
                                         t("doc.brief.trends.chart.industries"))
    unit_chart = charts.compare_bars(units["name_zh"].to_list(), units["n"].to_list(), units["n_prev"].to_list(),
                                     this, before, t("doc.brief.trends.chart.units"))
    return Section(t("doc.brief.section.trends"),
                   (Text("".join(sentences)), Chart("industries", industry_chart, t("doc.brief.trends.caption.industries")),
                    Chart("units", unit_chart, t("doc.brief.trends.caption.units"))))


def _hazards(snapshot: Snapshot, day: date, scope: Scope) -> Section:
    monday = screen_week(day)
    flags = [f for f in week_flags(snapshot, day) if scope.allows(f.unit_code)]
    week = Period.containing("week", monday).label()
    heading = t("doc.brief.section.hazards")
    if not flags:
        return Section(heading, (Text(t("doc.brief.hazards.none", day=day, week=week)),))
    intro = t("doc.brief.hazards.found", day=day, week=week, n=len(flags)) + (
        t("doc.brief.hazards.listed", n=HAZARDS_LISTED) if len(flags) > HAZARDS_LISTED else "") + t("doc.follows")
    return Section(heading, (Text(intro), Items(tuple(f.sentence("zh") for f in flags[:HAZARDS_LISTED]))))


def _events(door: Door, scope, as_of: datetime) -> Section:
    """The staged events (ledger/workflow/events.py) open at `as_of`: first reported by then and not closed
    before it, with the stage and lateness they had at that moment."""
    settings = door.settings
    events = door.q("open_events", scope, now=as_of, followup_hours=settings.events_followup_hours,
                    first_report_hours=settings.events_first_report_hours, closed_since=as_of, units=None)
    heading = t("doc.brief.section.events")
    if events.is_empty():
        return Section(heading, (Text(t("doc.brief.events.none")),))
    rows = tuple((e["title"], e["unit_name_zh"], EVENT_STAGE.label(e["stage"]), f"{e['last_reported_at']:%Y-%m-%d %H:%M}",
                  t("doc.brief.events.yes" if e["overdue"] else "doc.brief.events.no")) for e in events.iter_rows(named=True))
    overdue = events["overdue"].sum()
    text = t("doc.brief.events.open", n=events.height) + (
        t("doc.brief.events.overdue", n=overdue) if overdue else t("doc.brief.events.on_time"))
    header = (t("doc.brief.events.col.event"), t("doc.brief.col.unit"), t("doc.brief.events.col.stage"),
              t("doc.brief.events.col.last_report"), t("doc.brief.events.col.overdue"))
    return Section(heading, (Text(text), Table(header, rows)))


# --- putting it together ----------------------------------------------------------------------

def compose(source, kind: str, day: date | None = None, scope=None) -> Brief:
    """The brief of `kind` (daily, weekly, monthly) for the period containing `day` (default: the
    snapshot's data date), as the caller's `scope` sees it. `source` is a query door or the
    settings to open one with."""
    door = source if isinstance(source, Door) else Door(source)
    scope = scope or ALL
    for _ in range(3):  # a new snapshot built while composing: compose again, from it alone
        snapshot = door.snapshot()
        brief = _compose(door, snapshot, kind, day or data_date(snapshot), scope)
        if door.snapshot().snapshot_id == snapshot.snapshot_id:
            return brief
    raise BriefError("msg.brief.busy")


def _compose(door, snapshot: Snapshot, kind: str, day: date, scope) -> Brief:
    period = brief_period(kind, day)
    now = data_time(snapshot)
    window = {"since": period.first, "until": period.last, "now": now}
    counts = door.q("brief_period_counts", scope, prev_since=period.previous().first, **window)
    filters = {"units": None, "industries": None}
    rates = door.q("verification_rate_by_unit", scope, **window, **filters)
    rates_before = door.q("verification_rate_by_unit", scope, since=period.previous().first,
                          until=period.previous().last, now=now, **filters)
    as_of = min(now, datetime.combine(period.next().first, datetime.min.time()))
    serious = door.q("new_disputes_since", scope, since_time=datetime.combine(period.first, datetime.min.time()),
                     now=as_of, grades=SERIOUS_GRADES, limit=SERIOUS_LISTED)
    total = counts.filter(pl.col("breakdown") == "total").row(0, named=True)
    rates_now = rates.filter(pl.col("unit_code").is_null()).row(0, named=True)
    headline = _headline(total, rates_now, rates_before.filter(pl.col("unit_code").is_null()).row(0, named=True),
                         open_disputes(door, scope, as_of),
                         open_disputes(door, scope, datetime.combine(period.first, datetime.min.time())))
    label = scope_label(scope.units)
    sections = (
        _overall(kind, period, headline, rates_now, label),
        _serious(kind, serious),
        _verification(kind, rates, door.settings),
        _trends(kind, counts),
        _hazards(snapshot, day, scope),
        _events(door, scope, as_of),
    )
    numbered = tuple(Section(f"{NUMERALS[i]}、{s.heading}", s.blocks) for i, s in enumerate(sections))
    return Brief(kind, day, period, as_of, snapshot.snapshot_id, label, headline, numbered)
