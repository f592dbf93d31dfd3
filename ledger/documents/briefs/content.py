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
from ledger.i18n import Refusal
from ledger.hazards import screen, screen_week
from ledger.hazards.brief import ISSUER
from ledger.periods import BRIEF_KINDS, Period
from ledger.schema import DEMAND, EVENT_STAGE, GRADE
from ledger.store import Snapshot
from ledger.documents.briefs import charts

PERIODS = tuple(BRIEF_KINDS)
KIND_ZH = {"daily": "日报", "weekly": "周报", "monthly": "月报"}
THIS_ZH = {"daily": "当日", "weekly": "本周", "monthly": "本月"}
PREVIOUS_ZH = {"daily": "前一日", "weekly": "上周", "monthly": "上月"}
RULE_ZH = {"daily": "日报统计当日0时至24时", "weekly": "周报统计自然周（周一至周日）",
           "monthly": "月报统计自然月"}
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
            return "持平" if abs(delta) < 0.05 else f"{'上升' if delta > 0 else '下降'} {abs(delta):.1f} 个百分点"
        if delta == 0:
            return "持平"
        words = f"{'增加' if delta > 0 else '减少'} {abs(int(delta))} {self.unit}"
        return words + ("" if self.previous == 0 else f"（{100 * delta / self.previous:+.1f}%）")


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
    issuer: str = ISSUER

    @property
    def title(self) -> str:
        return f"劳资纠纷舆情监测{KIND_ZH[self.kind]}"

    @property
    def meta(self) -> str:
        return f"{self.issuer}　　{self.day:%Y年%-m月%-d日}"

    @property
    def subtitle(self) -> str:
        unfinished = self.as_of < datetime.combine(self.period.next().first, datetime.min.time())
        cut = f"（数据截至 {self.as_of:%-m月%-d日 %H:%M}）" if unfinished else ""
        return f"统计期：{self.period.label()}{cut}　　范围：{self.scope_label}"

    @property
    def footer(self) -> str:
        return (f"数据来源：哨岗台账快照 {self.snapshot_id}；生成规则：{RULE_ZH[self.kind]}，与{PREVIOUS_ZH[self.kind]}"
                f"比较，纠纷按监测采集时间归期，数据截至 {self.as_of:%Y-%m-%d %H:%M}；同一快照、同一日期生成的简报内容相同。")

    def charts(self) -> list[Chart]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Chart)]


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
        return "全省各报送单位"
    return "、".join(geo.unit_name(code) for code in sorted(units, key=_unit_order))


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
    return {
        "open": Figure("在办群体性纠纷（期末）", open_now, open_before, "起"),
        "new": Figure("新发群体性劳资纠纷", total["n"], total["n_prev"], "起"),
        "participants": Figure("涉及人数（按下限计）", total["participants_n"], total["participants_prev_n"], "人"),
        "serious": Figure("其中I、II级纠纷", total["serious_n"], total["serious_prev_n"], "起"),
        "on_time": Figure("核实按时率", rates_now["rate_pct"], rates_before["rate_pct"], "%"),
        "overdue": Figure("逾期未核实（期末）", total["overdue_n"], total["overdue_prev_n"], "条"),
    }


def _overall(kind: str, period: Period, figures: dict[str, Figure], rates_now: dict, scope: str) -> Section:
    this, before = THIS_ZH[kind], PREVIOUS_ZH[kind]
    active, new, people, serious, on_time, overdue = (
        figures[k] for k in ("open", "new", "participants", "serious", "on_time", "overdue"))
    rate = (f"到期应核实 {rates_now['due_n']} 条，按时核实率 {on_time.shown(on_time.value)}，较{before}{on_time.change}"
            if rates_now["due_n"] else "无到期应核实事项")
    lead = (f"{period.label()}，{scope}共监测到群体性劳资纠纷 {new.shown(new.value)}，较{before}{new.change}；"
            f"涉及职工约 {people.shown(people.value)}；其中I、II级纠纷 {serious.shown(serious.value)}。"
            f"{rate}；截至期末在办群体性纠纷 {active.shown(active.value)}，逾期未核实 {overdue.shown(overdue.value)}。")
    table = Table(("指标", this, before, "变化"),
                  tuple((f.label, f.shown(f.value), f.shown(f.previous), f.change) for f in figures.values()))
    return Section("总体情况", (Text(lead), table))


def _serious(kind: str, disputes: pl.DataFrame) -> Section:
    if disputes.is_empty():
        return Section("新发重大纠纷", (Text(f"{THIS_ZH[kind]}未发生I、II级群体性劳资纠纷。"),))
    total = int(disputes["total_n"][0])
    unconfirmed = disputes.filter(pl.col("grade_review") == "pending").height
    intro = f"{THIS_ZH[kind]}新发I、II级群体性劳资纠纷 {total} 起" + (
        f"，以下列出最严重的 {disputes.height} 起" if total > disputes.height else "") + (
        f"（所列 {unconfirmed} 起等级尚待省级确认）：" if unconfirmed else "：")
    items = []
    for row in disputes.iter_rows(named=True):
        place = "·".join(p for p in (row["unit_name_zh"], row["county_name_zh"]) if p)
        demands = "、".join(DEMAND.label(d) for d in row["demands"] or []) or "未明确"
        items.append(f"{row['title']}。{row['captured_at']:%-m月%-d日 %H:%M}，{place}，{row['enterprise'] or '企业不详'}"
                     f"（{row['industry_name_zh'] or '行业不详'}），{row['participants_text'] or '人数不详'}，诉求：{demands}，"
                     f"{GRADE.label(row['grade'])}{'（待确认）' if row['grade_review'] == 'pending' else ''}。")
    return Section("新发重大纠纷", (Text(intro), Items(tuple(items))))


def _verification(kind: str, rates: pl.DataFrame, settings: Settings) -> Section:
    units = rates.filter(pl.col("level") == "unit")
    total = rates.filter(pl.col("level") == "total").row(0, named=True)

    def cells(name: str, r: dict) -> tuple[str, ...]:
        rate = "—" if r["rate_pct"] is None else f"{r['rate_pct']:.1f}%"
        return (name, *(str(r[k]) for k in ("received_n", "due_n", "on_time_n", "late_n", "overdue_n")), rate)

    table = Table(("单位", "本期接收", "到期应核实", "按时核实", "超时核实", "逾期未核实", "按时率"),
                  tuple(cells(r["name_zh"], r) for r in units.iter_rows(named=True)), total=cells("合计", total))
    lagging = units.filter(pl.col("rate_pct") < settings.verification_amber_pct)
    amber = f"{settings.verification_amber_pct:g}%"
    if not total["due_n"]:
        text = f"{THIS_ZH[kind]}无到期应核实事项。"
    elif lagging.height:
        text = f"按时核实率低于 {amber} 的单位：" + "、".join(
            f"{r['name_zh']}（{r['rate_pct']:.1f}%）" for r in lagging.iter_rows(named=True)) + "。"
    else:
        text = f"各单位按时核实率均不低于 {amber}。"
    chart = charts.verification_bars(
        units["name_zh"].to_list(), units["on_time_n"].to_list(), units["late_n"].to_list(),
        units["overdue_n"].to_list(), units["rate_pct"].to_list(), ("按时核实", "超时核实", "逾期未核实"),
        f"{THIS_ZH[kind]}各单位到期事项核实情况（条）")
    return Section("各地核实情况", (Text(text), table, Chart("verification", chart, "各单位核实情况")))


def _leaders(rows: pl.DataFrame, kind: str, limit: int = 3) -> str:
    top = rows.filter(pl.col("n") > 0).sort(["n", "key"], descending=[True, False]).head(limit)
    return "、".join(f"{r['name_zh']} {r['n']} 起（{PREVIOUS_ZH[kind]} {r['n_prev']} 起）" for r in top.iter_rows(named=True))


def _trends(kind: str, counts: pl.DataFrame) -> Section:
    this, before = THIS_ZH[kind], PREVIOUS_ZH[kind]
    industries = counts.filter((pl.col("breakdown") == "industry") & ((pl.col("n") + pl.col("n_prev")) > 0))
    units = counts.filter(pl.col("breakdown") == "unit")
    sentences = []
    if industries.height:
        sentences.append(f"从行业看，{_leaders(industries, kind)}居前。")
        sentences.append(f"从地区看，{_leaders(units, kind)}居前。")
        rising = units.with_columns(delta=pl.col("n") - pl.col("n_prev")).filter(pl.col("delta") > 0)
        if rising.height:
            top = rising.sort(["delta", "key"], descending=[True, False]).row(0, named=True)
            sentences.append(f"较{before}增加最多的是{top['name_zh']}（增加 {top['delta']} 起）。")
    else:
        sentences.append(f"{this}及{before}均无群体性劳资纠纷。")
    charted = industries.with_columns(most=pl.max_horizontal("n", "n_prev")) \
        .sort(["most", "n", "key"], descending=[True, True, False]).head(INDUSTRIES_CHARTED)
    industry_chart = charts.compare_bars(charted["name_zh"].to_list(), charted["n"].to_list(),
                                         charted["n_prev"].to_list(), this, before, "群体性劳资纠纷：按行业（起）")
    unit_chart = charts.compare_bars(units["name_zh"].to_list(), units["n"].to_list(), units["n_prev"].to_list(),
                                     this, before, "群体性劳资纠纷：按地区（起）")
    return Section("行业与地区趋势", (Text("".join(sentences)), Chart("industries", industry_chart, "按行业"),
                                     Chart("units", unit_chart, "按地区")))


def _hazards(snapshot: Snapshot, day: date, scope: Scope) -> Section:
    monday = screen_week(day)
    flags = [f for f in screen(snapshot, day) if scope.allows(f.unit_code)]
    week = Period.containing("week", monday).label()
    if not flags:
        return Section("隐患预警", (Text(f"对截至{day:%-m月%-d日}的最近一个完整周（{week}）进行隐患排查，未发现风险苗头。"),))
    intro = f"对截至{day:%-m月%-d日}的最近一个完整周（{week}）进行隐患排查，发现风险苗头 {len(flags)} 处" + (
        f"，以下列出最突出的 {HAZARDS_LISTED} 处：" if len(flags) > HAZARDS_LISTED else "：")
    return Section("隐患预警", (Text(intro), Items(tuple(f.sentence("zh") for f in flags[:HAZARDS_LISTED]))))


def _events(door: Door, scope, as_of: datetime) -> Section:
    """The staged events (ledger/workflow/events.py) open at `as_of`: first reported by then and not closed
    before it, with the stage and lateness they had at that moment."""
    settings = door.settings
    events = door.q("open_events", scope, now=as_of, followup_hours=settings.events_followup_hours,
                    first_report_hours=settings.events_first_report_hours, closed_since=as_of, units=None)
    if events.is_empty():
        return Section("重大事件跟踪", (Text("本期无在办重大事件。"),))
    rows = tuple((e["title"], e["unit_name_zh"], EVENT_STAGE.label(e["stage"]), f"{e['last_reported_at']:%Y-%m-%d %H:%M}",
                  "是" if e["overdue"] else "否") for e in events.iter_rows(named=True))
    overdue = events["overdue"].sum()
    text = f"在办重大事件 {events.height} 件" + (f"，其中 {overdue} 件续报逾期。" if overdue else "，均按时续报。")
    return Section("重大事件跟踪", (Text(text), Table(("事件", "单位", "当前阶段", "最近报告", "续报逾期"), rows)))


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
