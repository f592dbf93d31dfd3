"""The official documents Sentinel writes: the daily, weekly and monthly briefs, the early-warning
brief and the ranking notice. They are issued in Chinese (公文); the English is a reading aid."""

TEXT: dict[str, tuple[str, str]] = {
    # shared by the documents
    "doc.issuer.working_group": ("广东省总工会劳资纠纷应急处置工作组",
                                 "Labour-dispute emergency working group of the Guangdong Federation of Trade Unions"),
    "doc.issuer.province": ("广东省总工会", "Guangdong Federation of Trade Unions"),
    "doc.source": ("数据来源：哨岗台账快照 {snapshot}", "Source: Sentinel ledger snapshot {snapshot}"),
    "doc.follows": ("：", ":"),  # ends a sentence that a numbered list follows
    # 简报 the daily, weekly and monthly briefs (ledger/documents/briefs/)
    "doc.brief.kind.daily": ("日报", "daily brief"),
    "doc.brief.kind.weekly": ("周报", "weekly brief"),
    "doc.brief.kind.monthly": ("月报", "monthly brief"),
    "doc.brief.this.daily": ("当日", "this day"),
    "doc.brief.this.weekly": ("本周", "this week"),
    "doc.brief.this.monthly": ("本月", "this month"),
    "doc.brief.previous.daily": ("前一日", "the day before"),
    "doc.brief.previous.weekly": ("上周", "last week"),
    "doc.brief.previous.monthly": ("上月", "last month"),
    "doc.brief.rule.daily": ("日报统计当日0时至24时", "a daily brief counts the day from 0:00 to 24:00"),
    "doc.brief.rule.weekly": ("周报统计自然周（周一至周日）", "a weekly brief counts the calendar week (Monday to Sunday)"),
    "doc.brief.rule.monthly": ("月报统计自然月", "a monthly brief counts the calendar month"),
    "doc.brief.file": ("哨岗{kind}_{day:%Y-%m-%d}.{fmt}", "Sentinel {kind}_{day:%Y-%m-%d}.{fmt}"),
    "doc.brief.title": ("劳资纠纷舆情监测{kind}", "Labour-dispute monitoring {kind}"),
    "doc.brief.meta": ("{issuer}　　{day:%Y年%-m月%-d日}", "{issuer}, {day:%-d %B %Y}"),
    "doc.brief.subtitle": ("统计期：{period}{cut}　　范围：{scope}", "Period: {period}{cut}; scope: {scope}"),
    "doc.brief.subtitle.cut": ("（数据截至 {as_of:%-m月%-d日 %H:%M}）", " (data as of {as_of:%-d %B %H:%M})"),
    "doc.brief.footer": ("数据来源：哨岗台账快照 {snapshot}；生成规则：{rule}，与{previous}比较，纠纷按监测采集时间归期，"
                         "数据截至 {as_of:%Y-%m-%d %H:%M}；同一快照、同一日期生成的简报内容相同。",
                         "Source: Sentinel ledger snapshot {snapshot}; rules: {rule}, compared with {previous}, disputes "
                         "counted in the period they were captured, data as of {as_of:%Y-%m-%d %H:%M}; the same snapshot "
                         "and day give the same brief."),
    "doc.brief.keywords": ("哨岗;{snapshot}", "Sentinel;{snapshot}"),
    "doc.brief.scope.all": ("全省各报送单位", "every reporting unit of the province"),
    "doc.brief.col.unit": ("单位", "Unit"),
    "doc.brief.chart_caption": ("图{n}　{caption}", "Figure {n}. {caption}"),
    # a headline figure, its unit and its change
    "doc.brief.headline.open": ("在办群体性纠纷（期末）", "Open collective disputes (end of period)"),
    "doc.brief.headline.new": ("新发群体性劳资纠纷", "New collective labour disputes"),
    "doc.brief.headline.participants": ("涉及人数（按下限计）", "Participants (lower bound)"),
    "doc.brief.headline.serious": ("其中I、II级纠纷", "Of which grade I or II"),
    "doc.brief.headline.on_time": ("核实按时率", "Verified on time"),
    "doc.brief.headline.overdue": ("逾期未核实（期末）", "Overdue, not verified (end of period)"),
    "doc.brief.unit.disputes": ("起", "disputes"),
    "doc.brief.unit.people": ("人", "people"),
    "doc.brief.unit.items": ("条", "items"),
    "doc.brief.change.flat": ("持平", "unchanged"),
    "doc.brief.change.points_up": ("上升 {points:.1f} 个百分点", "up {points:.1f} percentage points"),
    "doc.brief.change.points_down": ("下降 {points:.1f} 个百分点", "down {points:.1f} percentage points"),
    "doc.brief.change.more": ("增加 {n} {unit}", "up {n} {unit}"),
    "doc.brief.change.fewer": ("减少 {n} {unit}", "down {n} {unit}"),
    "doc.brief.change.relative": ("（{pct:+.1f}%）", " ({pct:+.1f}%)"),
    # 一、总体情况
    "doc.brief.section.overall": ("总体情况", "Overall"),
    "doc.brief.overall.lead": ("{period}，{scope}共监测到群体性劳资纠纷 {new}，较{previous}{new_change}；"
                               "涉及职工约 {people}；其中I、II级纠纷 {serious}。{rate}；"
                               "截至期末在办群体性纠纷 {active}，逾期未核实 {overdue}。",
                               "In {period}, collective labour disputes found in {scope}: {new}, {new_change} on "
                               "{previous}, involving about {people}; of grade I or II: {serious}. {rate}; at the end "
                               "of the period, collective disputes open: {active}; overdue, not verified: {overdue}."),
    "doc.brief.overall.rate": ("到期应核实 {due} 条，按时核实率 {rate}，较{previous}{change}",
                               "{due} items fell due for verification, {rate} verified on time, {change} on {previous}"),
    "doc.brief.overall.none_due": ("无到期应核实事项", "No item fell due for verification"),
    "doc.brief.overall.col.measure": ("指标", "Measure"),
    "doc.brief.overall.col.change": ("变化", "Change"),
    # 二、新发重大纠纷
    "doc.brief.section.serious": ("新发重大纠纷", "New serious disputes"),
    "doc.brief.serious.none": ("{this}未发生I、II级群体性劳资纠纷。", "No collective labour dispute of grade I or II {this}."),
    "doc.brief.serious.intro": ("{this}新发I、II级群体性劳资纠纷 {total} 起", "{total} new collective labour disputes of grade I or II {this}"),
    "doc.brief.serious.listed": ("，以下列出最严重的 {n} 起", "; the {n} most serious are listed"),
    "doc.brief.serious.unconfirmed": ("（所列 {n} 起等级尚待省级确认）", " (the grades of {n} of them await the province's confirmation)"),
    "doc.brief.serious.item": ("{title}。{captured_at:%-m月%-d日 %H:%M}，{place}，{enterprise}（{industry}），{participants}，"
                               "诉求：{demands}，{grade}{pending}。",
                               "{title}. {captured_at:%-d %B %H:%M}, {place}, {enterprise} ({industry}), {participants}, "
                               "demands: {demands}, {grade}{pending}."),
    "doc.brief.serious.no_enterprise": ("企业不详", "enterprise unknown"),
    "doc.brief.serious.no_industry": ("行业不详", "industry unknown"),
    "doc.brief.serious.no_participants": ("人数不详", "number unknown"),
    "doc.brief.serious.no_demands": ("未明确", "not stated"),
    # 三、各地核实情况
    "doc.brief.section.verification": ("各地核实情况", "Verification by unit"),
    "doc.brief.verification.col.received": ("本期接收", "Received in the period"),
    "doc.brief.verification.col.due": ("到期应核实", "Due"),
    "doc.brief.verification.col.on_time": ("按时核实", "Verified on time"),
    "doc.brief.verification.col.late": ("超时核实", "Verified late"),
    "doc.brief.verification.col.overdue": ("逾期未核实", "Overdue, not verified"),
    "doc.brief.verification.col.rate": ("按时率", "On-time rate"),
    "doc.brief.verification.total": ("合计", "Total"),
    "doc.brief.verification.none_due": ("{this}无到期应核实事项。", "No item fell due for verification {this}."),
    "doc.brief.verification.lagging": ("按时核实率低于 {amber} 的单位：{units}。", "Units verifying less than {amber} on time: {units}."),
    "doc.brief.verification.lagging_unit": ("{name}（{rate:.1f}%）", "{name} ({rate:.1f}%)"),
    "doc.brief.verification.all_above": ("各单位按时核实率均不低于 {amber}。", "Every unit verified at least {amber} on time."),
    "doc.brief.verification.chart": ("{this}各单位到期事项核实情况（条）", "Items due {this} by unit, as verified (items)"),
    "doc.brief.verification.caption": ("各单位核实情况", "Verification by unit"),
    # 四、行业与地区趋势
    "doc.brief.section.trends": ("行业与地区趋势", "Trends by industry and region"),
    "doc.brief.trends.leader": ("{name} {n} 起（{previous} {n_prev} 起）", "{name} {n} ({previous} {n_prev})"),
    "doc.brief.trends.industries": ("从行业看，{leaders}居前。", "By industry, {leaders} lead."),
    "doc.brief.trends.units": ("从地区看，{leaders}居前。", "By region, {leaders} lead."),
    "doc.brief.trends.rising": ("较{previous}增加最多的是{name}（增加 {n} 起）。", "The largest rise on {previous} was in {name} (up {n})."),
    "doc.brief.trends.none": ("{this}及{previous}均无群体性劳资纠纷。", "No collective labour dispute {this} or {previous}."),
    "doc.brief.trends.chart.industries": ("群体性劳资纠纷：按行业（起）", "Collective labour disputes by industry (disputes)"),
    "doc.brief.trends.chart.units": ("群体性劳资纠纷：按地区（起）", "Collective labour disputes by region (disputes)"),
    "doc.brief.trends.caption.industries": ("按行业", "By industry"),
    "doc.brief.trends.caption.units": ("按地区", "By region"),
    # 五、隐患预警
    "doc.brief.section.hazards": ("隐患预警", "Hazard warnings"),
    "doc.brief.hazards.none": ("对截至{day:%-m月%-d日}的最近一个完整周（{week}）进行隐患排查，未发现风险苗头。",
                               "The last full week up to {day:%-d %B} ({week}) was screened for hazards: no sign of risk was found."),
    "doc.brief.hazards.found": ("对截至{day:%-m月%-d日}的最近一个完整周（{week}）进行隐患排查，发现风险苗头 {n} 处",
                                "The last full week up to {day:%-d %B} ({week}) was screened for hazards: {n} signs of risk were found"),
    "doc.brief.hazards.listed": ("，以下列出最突出的 {n} 处", "; the {n} most marked are listed"),
    # 六、重大事件跟踪
    "doc.brief.section.events": ("重大事件跟踪", "Major events followed up"),
    "doc.brief.events.none": ("本期无在办重大事件。", "No major event is open in the period."),
    "doc.brief.events.open": ("在办重大事件 {n} 件", "{n} major events open"),
    "doc.brief.events.overdue": ("，其中 {n} 件续报逾期。", ", {n} of them late with a follow-up report."),
    "doc.brief.events.on_time": ("，均按时续报。", ", all followed up on time."),
    "doc.brief.events.col.event": ("事件", "Event"),
    "doc.brief.events.col.stage": ("当前阶段", "Stage"),
    "doc.brief.events.col.last_report": ("最近报告", "Last report"),
    "doc.brief.events.col.overdue": ("续报逾期", "Follow-up late"),
    "doc.brief.events.yes": ("是", "yes"),
    "doc.brief.events.no": ("否", "no"),
    # 预警信息 the early-warning brief (ledger/hazards/brief.py)
    "doc.warning.title": ("劳资纠纷隐患预警信息", "Early warning of labour-dispute hazards"),
    "doc.warning.file": ("预警信息_{week}.{fmt}", "early-warning_{week}.{fmt}"),
    "doc.warning.meta": ("{issuer}　　{issued:%Y年%m月%d日}", "{issuer}, {issued:%d %B %Y}"),
    "doc.warning.section.findings": ("预警事项", "Warnings"),
    "doc.warning.section.measures": ("建议措施", "Recommended measures"),
    "doc.warning.intro": ("经对{week:%Y年%m月%d日}所在周的劳资纠纷舆情台账进行隐患排查，发现以下 {n} 处风险苗头：",
                          "The labour-dispute ledger of the week of {week:%d %B %Y} was screened for hazards; it shows "
                          "these {n} signs of risk:"),
    "doc.warning.finding": ("{finding}（依据：{method}；涉及 {n} 条台账记录：{ids}{more}）",
                            "{finding} (found by {method}; {n} ledger items: {ids}{more})"),
    "doc.warning.finding.more": ("等", " and more"),
    # 考核通报 the ranking notice (ledger/documents/ranking.py)
    "doc.ranking.title": ("关于{period}全省各地市工会舆情信息工作考核情况的通报",
                          "Notice on the assessment of the city unions' information work in {period}"),
    "doc.ranking.addressees": ("各地级以上市总工会，顺德区总工会：",
                               "To the federations of trade unions of every prefecture-level city and of Shunde District:"),
    "doc.ranking.intro": ("为落实舆情信息核报工作要求，突出报送时效，省总工会依据舆情台账，对各单位{period}"
                          "（{first:%Y年%m月%d日}至{last:%Y年%m月%d日}）到期舆情的核实时效、核实信息完整性和报送准确性"
                          "进行了考核，并对主动报送舆情信息的予以加分。共有 {units} 个单位参加考核，"
                          "涉及到期舆情 {due} 条。现将考核情况通报如下：",
                          "To carry out the requirements for verifying and reporting information, with the emphasis on "
                          "timely reports, the provincial federation has assessed from the ledger each unit's "
                          "timeliness of verification, completeness of the verified information and accuracy of reports "
                          "for the items due in {period} ({first:%d %B %Y} to {last:%d %B %Y}), with points added for "
                          "items reported on the unit's own initiative. {units} units were assessed, on {due} items "
                          "due. The results are notified as follows:"),
    "doc.ranking.section.results": ("考核结果", "Results"),
    "doc.ranking.note": ("注：“变化”为与{previous}相比；“—”表示该期没有到期舆情、不参加排名。",
                         "Note: “Change” is against {previous}; “—” means no item fell due in that period and the unit "
                         "is not ranked."),
    "doc.ranking.section.commended": ("通报表扬", "Commendation"),
    "doc.ranking.commended_none": ("本期没有单位达到通报表扬条件（综合得分前 {top} 名且不低于 {min_score:g} 分）。",
                                   "No unit meets the conditions for a commendation this period (among the first {top} "
                                   "by total score, with at least {min_score:g} points)."),
    "doc.ranking.commended": ("{names}在{period}舆情信息工作中核实及时、信息完整、报送准确，综合得分位列前茅，予以通报表扬。"
                              "希望受到表扬的单位再接再厉；其他单位要对照考核结果，查找差距，切实提高舆情信息核报质量。",
                              "{names} verified promptly, completely and accurately in {period}, ranked at the top by "
                              "total score, and are commended. The units commended are asked to keep it up; the others "
                              "to measure themselves against the results, find where they fall short, and raise the "
                              "quality of their verification and reports."),
    "doc.ranking.signature": ("{issuer}\n{day:%Y年%-m月%-d日}", "{issuer}\n{day:%-d %B %Y}"),
    "doc.ranking.as_of": ("（数据截至 {as_of:%Y-%m-%d %H:%M}）", " (data as of {as_of:%Y-%m-%d %H:%M})"),
}
