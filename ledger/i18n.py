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
    "overview.col.title": ("标题", "Title"),
    "overview.col.place": ("地点", "Place"),
    "overview.col.enterprise": ("涉事企业", "Enterprise"),
    "overview.col.industry": ("行业", "Industry"),
    "overview.col.grade": ("等级", "Grade"),
    "overview.col.participants": ("涉及人数", "Participants"),
    "overview.col.status": ("状态", "Status"),
    "overview.col.days_open": ("在办天数", "Days open"),
    "overview.no_prev": ("无对比数据", "nothing to compare"),
    # import page
    "page.import": ("导入", "Import"),
    "import.heading": ("导入数据", "Import data"),
    "import.caption": (
        "上传舆情平台导出、各市报送表或核实反馈表、中国劳工通讯罢工地图导出，或本系统导出的文件（Excel、CSV、JSON）。"
        "每一行都会有去向：新增、合并重复、更新核实或隔离（附原因）。",
        "Upload monitoring-platform exports, city unions' sheets or verification replies, China Labour Bulletin "
        "strike-map exports, or this system's own exports (Excel, CSV, JSON). Every row ends somewhere: new, merged "
        "duplicate, verification update, or quarantined with a reason.",
    ),
    "import.upload": ("选择文件（可多选，每个不超过 50 MB）", "Choose files (several allowed, up to 50 MB each)"),
    "import.format": ("文件格式", "File format"),
    "import.format.auto": ("自动识别", "Detect automatically"),
    "import.format.generic": ("一般导出表", "Generic export"),
    "import.format.clb": ("中国劳工通讯罢工地图", "China Labour Bulletin strike map"),
    "import.format.ledger": ("本系统导出文件", "This system's export"),
    "import.source": ("来源（文件中没有来源列时使用）", "Source (for files without a source column)"),
    "import.source.help": ("例如：南方网、人民网、东莞市总工会。也会记为报送人。",
                           "For example 南方网 or 东莞市总工会. Also recorded as who sent the file."),
    "import.empty": ("请先选择要导入的文件。", "Choose the files to import first."),
    "import.preview": ("{name}：识别为{format}，编码 {encoding}", "{name}: read as {format}, encoding {encoding}"),
    "import.preview.table": ("工作表“{sheet}”第 {row} 行是表头，识别出 {n} 列：",
                             "Sheet “{sheet}”: header on row {row}, {n} columns understood:"),
    "import.col.header": ("文件中的列名", "Column in the file"),
    "import.col.field": ("对应台账字段", "Ledger field"),
    "import.dry_run": ("试运行（不写入）", "Dry run (write nothing)"),
    "import.run": ("开始导入", "Import"),
    "import.running": ("正在导入……", "Importing…"),
    "import.rows_read": ("读取行数", "Rows read"),
    "import.accepted": ("新增", "New"),
    "import.duplicates": ("合并重复", "Merged duplicates"),
    "import.quarantined": ("隔离", "Quarantined"),
    "import.updated": ("更新核实", "Verification updates"),
    "import.dry_run_done": ("这是试运行，没有写入任何数据。", "This was a dry run: nothing was written."),
    "import.snapshot": ("已生成新快照 {snapshot}，各页面将显示最新数据。", "New snapshot {snapshot}: every page now shows the new data."),
    "import.problems": ("隔离原因", "Why rows were quarantined"),
    "import.col.file": ("文件", "File"),
    "import.col.sheet": ("工作表", "Sheet"),
    "import.col.row": ("行号", "Row"),
    "import.col.reason": ("原因", "Reason"),
    "import.notes": ("提示（{n} 条）：识别时作出的推断和未能对应的原文", "Notes ({n}): what was assumed, and values kept as written"),
    "import.download": ("下载隔离数据（Excel，可修改后重新导入）", "Download the quarantine (Excel: correct it and import it again)"),
    "import.unreadable": ("{name} 无法读取：{reason}", "{name} could not be read: {reason}"),
    "import.field.city": ("地点（地市）", "Place (city)"),
    "import.field.county": ("地点（区县、镇街）", "Place (county, town)"),
    "import.field.participants": ("涉及人数", "Participants"),
    "import.field.industry_text": ("行业", "Industry"),
    "import.field.assigned_unit_text": ("责任单位", "Assigned unit"),
    "import.field.province": ("省份", "Province"),
    "import.field.response": ("处置情况（仅保留原文）", "Response (kept as written)"),
}


def t(key: str, lang: str = "zh", **values) -> str:
    """The text for `key` in `lang` (zh or en), with `{placeholders}` filled in."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
