"""Every sentence a user reads, in Simplified Chinese first and English second.

One table, so that a translator (or a reviewer checking tone) reads it in one place. Column
names and enum labels live with the schema (ledger.schema); this table holds the rest.
Keys are dotted by page; `{name}` placeholders are filled by `t(key, lang, name=…)`.
"""
from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("哨岗 · 劳资纠纷舆情监测", "Sentinel · Labour-dispute monitoring"),
    "app.filters": ("筛选条件", "Filters"),
    "app.window": ("时间范围", "Date range"),
    "app.units": ("地市", "City"),
    "app.units_all": ("全部地市", "All cities"),
    "app.industries": ("行业", "Industry"),
    "app.industries_all": ("全部行业", "All industries"),
    "app.language": ("语言 / Language", "语言 / Language"),
    "app.as_of": ("数据截至 {created}（快照 {snapshot}）", "Data as of {created} (snapshot {snapshot})"),
    "app.reset": ("恢复默认筛选", "Reset filters"),
    "app.no_snapshot.title": ("还没有可用的台账数据", "No ledger data yet"),
    "app.no_snapshot.body": (
        "系统尚未生成台账快照。请在项目目录运行 `make run`（会自动生成演示数据），"
        "或运行 `python -m ledger demo` 生成演示台账，然后刷新本页。",
        "No ledger snapshot has been built yet. Run `make run` in the project folder (it builds "
        "the demo), or `python -m ledger demo`, then reload this page.",
    ),
    "app.error.title": ("页面暂时无法显示", "This page cannot be shown right now"),
    "app.error.body": (
        "读取台账时出现问题，请稍后刷新重试；如果持续出现，请联系系统管理员并告知时间。",
        "Something went wrong while reading the ledger. Reload in a moment; if it persists, "
        "tell the administrator when it happened.",
    ),
    "app.bad_link": ("链接中的筛选条件有误，已改用默认值：{detail}", "The link's filters were invalid and defaults were used: {detail}"),
    "app.window_reversed": ("开始日期晚于结束日期，已对调。", "The start date was after the end date; they were swapped."),
    # shared labels
    "grade.none": ("未定级", "Ungraded"),
    # pages
    "page.overview": ("总览", "Overview"),
    "page.map": ("态势地图", "Dispute map"),
    "page.verification": ("核实督办", "Verification"),
    "page.trends": ("趋势研判", "Trends"),
    "page.explorer": ("台账查询", "Ledger explorer"),
    # shared by the map pages
    "map.approx": ("（位置为区县或地市中心，近似）", "(approximate: county or city centre)"),
    "map.days_open": ("已持续 {days} 天", "open {days} days"),
    "map.active_n": ("活跃纠纷 {n} 起", "{n} active disputes"),
    "map.serious_n": ("其中I、II级 {n} 起", "{n} of grade I or II"),
    "map.legend.grade": ("点的颜色表示等级，大小表示涉及人数：", "Colour shows the grade, size the number of participants:"),
    "map.legend.count": ("颜色越深，活跃纠纷越多（最多 {max} 起）；东莞、中山、顺德按镇街以圆点显示。",
                         "Darker means more active disputes (at most {max}); Dongguan, Zhongshan and Shunde are shown by town as circles."),
    "map.legend.hex": ("每个六边形约 {km} 公里宽，颜色越深纠纷越密集。", "Each hexagon is about {km} km across; darker means denser."),
    # 态势地图 map page
    "mappage.heading": ("珠三角劳资纠纷态势", "Active labour disputes in the Pearl River Delta"),
    "mappage.caption": ("未办结的群体性纠纷，{since} 至 {until} 期间发生、发现或有更新 · {scope}",
                        "Collective disputes not closed, occurring, captured or updated {since} – {until} · {scope}"),
    "mappage.mode": ("显示方式", "Show as"),
    "mappage.mode.points": ("纠纷点位", "Points"),
    "mappage.mode.hex": ("密度", "Density"),
    "mappage.mode.choropleth": ("分区统计", "By county"),
    "mappage.focus": ("聚焦地市（也可点击地图）", "Focus on a city (or click the map)"),
    "mappage.focus_all": ("珠三角全域", "Whole delta"),
    "mappage.list": ("{place}活跃纠纷 {n} 起", "{n} active disputes in {place}"),
    "mappage.list.empty": ("所选范围内没有活跃的群体性纠纷。", "No active collective disputes in this selection."),
    "mappage.capped": ("地图显示最严重的 {shown} 起（共 {total} 起）。", "The map shows the {shown} most serious of {total}."),
    "mappage.by_unit": ("各地市活跃纠纷", "Active disputes by city"),
    # 核实督办 verification page
    "verify.heading": ("核实督办", "Verification follow-up"),
    "verify.caption": ("核实期限在 {since} 至 {until} 之间的舆情条目 · {scope} · 绿色 ≥ {green}%，黄色 ≥ {amber}%，低于为红色",
                       "Items whose verification deadline fell {since} – {until} · {scope} · green ≥ {green}%, amber ≥ {amber}%, red below"),
    "verify.total.all": ("全省", "Province"),
    "verify.total.some": ("合计", "Total"),
    "verify.gauge_title": ("{name}按时核实率", "{name}: verified on time"),
    "verify.count": ("{on_time}/{due}", "{on_time}/{due}"),
    "verify.none_due": ("无到期", "none due"),
    "verify.unverified.alert": ("**尚有 {pending} 条舆情未核实，其中 {overdue} 条已超过核实期限。** 目标：100% 核实，无错报、无漏报。",
                                "**{pending} items are not yet verified, {overdue} of them past their deadline.** Goal: 100% verified, nothing wrong or missing."),
    "verify.all_verified": ("所选范围内的舆情已全部核实。", "Every item in this selection has been verified."),
    "verify.due_n": ("到期条目", "Due"),
    "verify.on_time_n": ("按时核实", "On time"),
    "verify.late_n": ("逾期后核实", "Verified late"),
    "verify.overdue_n": ("逾期未核实", "Overdue, not verified"),
    "verify.units": ("各地市按时核实率", "On-time verification by city"),
    "verify.overdue_list": ("逾期未核实条目（{n} 条）", "Overdue items not yet verified ({n})"),
    "verify.overdue_by_unit": ("各地市逾期未核实", "Overdue by city"),
    "verify.hours": ("核实用时（小时，自发现起）", "Hours from capture to verification"),
    "verify.hours.median": ("中位数", "Median"),
    "verify.hours.p90": ("90% 分位", "90th percentile"),
    "verify.monthly": ("按月按时核实率", "On-time rate by month"),
    "verify.rate_axis": ("按时核实率（%）", "On time (%)"),
    "col.due_at": ("核实期限", "Due"),
    "col.days_overdue": ("逾期天数", "Days overdue"),
    "col.captured_at": ("发现时间", "Captured"),
    "col.overdue_n": ("逾期条数", "Overdue"),
    "col.title": ("标题", "Title"),
    "col.place": ("地点", "Place"),
    "col.unit": ("地市", "City"),
    "col.county": ("区县/镇街", "County / town"),
    "col.enterprise": ("涉事企业", "Enterprise"),
    "col.industry": ("行业", "Industry"),
    "col.grade": ("等级", "Grade"),
    "col.participants": ("涉及人数", "Participants"),
    "col.status": ("状态", "Status"),
    "col.days_open": ("在办天数", "Days open"),
    "col.active_n": ("活跃纠纷", "Active"),
    "col.serious_n": ("I、II级", "Grade I–II"),
    # overview
    "overview.heading": ("总览", "Overview"),
    "overview.caption": ("{since} 至 {until} · {scope}", "{since} to {until} · {scope}"),
    "overview.active": ("在办群体性纠纷", "Open collective disputes"),
    "overview.active.help": (
        "时间范围内发生、截至统计时点尚未办结的群体性劳资纠纷；与 7 天前比较。",
        "Collective disputes captured in the window and not closed at the reference time; compared with 7 days earlier.",
    ),
    "overview.new_7d": ("近7日新增纠纷", "New disputes, last 7 days"),
    "overview.new_7d.help": ("近 7 天新增的群体性劳资纠纷；与前 7 天比较。", "Collective disputes captured in the last 7 days; compared with the 7 days before."),
    "overview.on_time": ("按时核实率", "Verified on time"),
    "overview.on_time.help": (
        "时限在时间范围内的舆情中，在时限内完成核实的比例（{on_time}/{due}）；与上一同长时段比较。目标 100%。",
        "Share of items due in the window verified by their deadline ({on_time}/{due}); compared with the previous window of the same length. The goal is 100%.",
    ),
    "overview.overdue": ("逾期未核实", "Overdue, not verified"),
    "overview.overdue.help": ("已过核实时限仍未核实的舆情；与 7 天前比较。", "Items past their deadline and not yet verified; compared with 7 days earlier."),
    "overview.overdue.alert": ("有 {n} 条舆情逾期未核实，请督促相关单位尽快核实。", "{n} items are overdue for verification; please chase the units responsible."),
    "overview.all_verified": ("时间范围内没有逾期未核实的舆情。", "No overdue items in this window."),
    "overview.serious": ("最严重的在办纠纷（前五）", "Most serious open disputes (top five)"),
    "overview.serious.empty": ("时间范围内没有在办的群体性纠纷。", "No open collective disputes in this window."),
    "overview.no_prev": ("无对比数据", "nothing to compare"),
}


def t(key: str, lang: str = "zh", **values) -> str:
    """The text for `key` in `lang` (zh or en), with `{placeholders}` filled in."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
