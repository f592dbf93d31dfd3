"""What Sentinel sends to people outside the app: reminder and escalation e-mails and SMS, and the
work groups' robot messages. They go out in Chinese; the English is there for reviewers and for
a deployment that needs it."""

TEXT: dict[str, tuple[str, str]] = {
    # shared by the reminders and the work groups' reminder lines
    "send.overdue_by": ("已超期 {days} 天 {hours} 小时", "{days} days {hours} hours overdue"),
    # ledger/workflow/remind.py: the officer's e-mail and SMS
    "send.remind.stage.escalated": ("超期未核实，提请督办", "still not verified after the deadline: referred for follow-up"),
    "send.remind.due_on": ("将于 {due_at:%m月%d日 %H:%M} 到期", "due on {due_at:%d %b at %H:%M}"),
    "send.remind.link": ("办理：{url}", "Handle it at {url}"),
    "send.remind.text": ("【哨岗】{officer}：{unit}舆情“{title}”（编号 {item_id}，{grade}）"
                         "核实时限 {due_at:%Y-%m-%d %H:%M}，{when}。请尽快核实并在系统中反馈。{link}",
                         "[Sentinel] {officer}: the {unit} item “{title}” (ID {item_id}, {grade}) is to be verified "
                         "by {due_at:%Y-%m-%d %H:%M}; it is {when}. Verify it soon and report back in the system.{link}"),
    "send.remind.subject": ("[哨岗] 核实提醒（{stage}）：{item_id}", "[Sentinel] Verification reminder ({stage}): {item_id}"),
    "send.remind.no_email": ("信息员未登记电子邮箱", "The officer has no e-mail address on record"),
    "send.remind.email_failed": ("邮件发送失败：{error}", "The e-mail could not be sent: {error}"),
    "send.remind.no_mobile": ("信息员未登记手机号码", "The officer has no mobile number on record"),
    "send.remind.sms_status": ("短信网关返回 {code}", "The SMS gateway answered {code}"),
    "send.remind.sms_unreachable": ("短信网关不可达：{error}", "The SMS gateway cannot be reached: {error}"),
    # ledger/workflow/group_robots.py: the robots and their answers
    "send.robots.kind.wecom": ("企业微信", "WeCom"),
    "send.robots.kind.dingtalk": ("钉钉", "DingTalk"),
    "send.robots.header": ("【哨岗·{topic}】", "[Sentinel · {topic}]"),
    "send.robots.http_status": ("{group} 返回 HTTP {code}", "{group} answered HTTP {code}"),
    "send.robots.unreachable": ("{group} 不可达：{reason}", "{group} cannot be reached: {reason}"),
    "send.robots.refused": ("{group} 拒收：errcode {errcode} {errmsg}", "{group} refused the message: errcode {errcode} {errmsg}"),
    # ledger/workflow/alerts.py: a line of a work group's digest
    "send.alerts.due_at": ("{due_at:%m-%d %H:%M} 到期", "due {due_at:%m-%d %H:%M}"),
    "send.alerts.reminder": ("【{stage}】{unit}“{title}”（{item_id}，{grade}）{when}{link}",
                             "[{stage}] {unit}: “{title}” ({item_id}, {grade}), {when}{link}"),
    "send.alerts.serious": ("【{grade}级】{unit}“{title}”（{item_id}，{captured_at:%m-%d %H:%M} 发现）{link}",
                            "[Grade {grade}] {unit}: “{title}” ({item_id}, found {captured_at:%m-%d %H:%M}){link}"),
    "send.alerts.grade_rejected": ("【等级退回】{unit}“{title}”（{item_id}）报{grade}级，省级退回，理由：{note}。请重新核定等级。{link}",
                                   "[Grade sent back] {unit}: “{title}” ({item_id}) was reported as grade {grade}; the "
                                   "province sent it back because: {note}. Grade it again.{link}"),
    "send.alerts.event_late": ("【续报超时】{unit}事件“{title}”（{event_id}）应于 {next_due_at:%m-%d %H:%M} 前续报，已超时 {hours:.0f} 小时",
                               "[Follow-up report late] {unit} event “{title}” ({event_id}) was due a follow-up report "
                               "by {next_due_at:%m-%d %H:%M}; it is {hours:.0f} hours late"),
    "send.alerts.hazard": ("【隐患预警 {week}】{place}{industry}：本周 {observed} 起，预期 {expected:.1f} 起",
                           "[Hazard flag {week}] {place} {industry}: {observed} this week, {expected:.1f} expected"),
}
