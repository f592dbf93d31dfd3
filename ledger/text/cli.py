"""The command line's own output (python -m ledger …): what a command prints, its errors and its
progress bars' names. The command line prints the Chinese (`t(key)`); an English column is kept
for the day an operator asks for it.

A few lines still print what they printed before they came here, because scripts and tests look
for their words: where a line says it in both languages (隔离 quarantined, 事件跟踪 events at …),
its Chinese column is the whole line as printed; the lines that were English only (the demo's
counts and its rebuilding of an older snapshot, `info` with no snapshot, a count that is not a
whole number of at least 1) print their English column."""

TEXT: dict[str, tuple[str, str]] = {
    # ledger/cli/common.py: what every command shares
    "cli.usage": ("{prog}: {error}（参见 --help）", "{prog}: {error} (see --help)"),
    "cli.not_whole_number": ("须为整数：{text!r}", "not a whole number: {text!r}"),
    "cli.below_one": ("须至少为 1：{text!r}", "must be at least 1: {text!r}"),
    "cli.bad_date": ("日期应为 YYYY-MM-DD 格式，例如 2026-11-24 (not a date: {text!r})",
                     "not a date: {text!r} (write it as YYYY-MM-DD, e.g. 2026-11-24)"),
    "cli.not_a_unit": ("“{name}”不是广东省的报送单位之一（可写作 深圳、shenzhen 或 440300）",
                       "“{name}” is not one of Guangdong's reporting units (try 深圳, shenzhen or 440300)"),
    "cli.no_snapshot": ("{data_dir} 中没有快照；请先运行 `python -m ledger demo` 或 `ingest`",
                        "no snapshot in {data_dir}; run `python -m ledger demo` or `ingest` first"),
    "cli.snapshot.id": ("快照 {snapshot}", "snapshot {snapshot}"),
    "cli.written": ("已写入 {out}", "written to {out}"),
    # ledger/cli/data.py: demo, snapshot, info, ingest, export
    "cli.demo.exists": ("{data_dir} 中已有快照，无需生成", "a snapshot already exists in {data_dir}; nothing to do"),
    "cli.demo.older": ("现有快照由旧版哨岗生成，正在按日志重新生成",
                       "the snapshot was built by an older Sentinel; rebuilding it from the journal"),
    "cli.demo.journal_exists": ("{data_dir} 中已有台账日志；如要在此重新生成演示台账，请加 --replace，"
                                "或用 --data-dir 另选文件夹",
                                "{data_dir} already holds a ledger journal; use --replace to rebuild the demo there, "
                                "or --data-dir for another folder"),
    "cli.demo.real_batches": ("{data_dir} 中有真实（非演示）的日志批次，不予替换",
                              "{data_dir} holds real (non-demo) batches; refusing to replace them"),
    "cli.progress.demo": ("演示台账", "demo ledger"),
    "cli.demo.built": ("演示台账：{items} 条舆情（其中集体劳资纠纷 {collective} 条），分阶段报送事件 {events} 个，快照 {snapshot}",
                       "demo ledger: {items} items ({collective} collective disputes), {events} staged events, "
                       "snapshot {snapshot}"),
    "cli.snapshot.built": ("快照 {snapshot}：{items} 条舆情", "snapshot {snapshot}: {items} items"),
    "cli.snapshot.none": ("未生成新快照", "no new snapshot"),
    "cli.info.no_snapshot": ("{data_dir} 中没有快照；请先运行 `python -m ledger demo` 或 `snapshot`",
                             "no snapshot in {data_dir}; run `python -m ledger demo` or `snapshot` first"),
    "cli.progress.ingest": ("导入", "importing"),
    "cli.ingest.file": ("{name} [{format}]：读取 {rows_read} 行，新增 {accepted} 条，合并重复 {duplicates} 条，"
                        "更新核实 {updated} 条，非本省 {outside} 条，隔离 {quarantined} 条；提示 {warnings} 处，跳过 {skipped} 行",
                        "{name} [{format}]: {rows_read} read, {accepted} new, {duplicates} duplicates, {updated} updates, "
                        "{outside} outside Guangdong, {quarantined} quarantined; {warnings} warnings, "
                        "{skipped} lines skipped"),
    "cli.ingest.quarantine_file": ("隔离文件：{path}", "quarantine: {path}"),
    "cli.ingest.quarantined": ("隔离 quarantined ({n}):", "quarantined ({n}):"),
    "cli.ingest.outside": ("非本省 outside Guangdong ({n}):", "outside Guangdong ({n}):"),
    "cli.ingest.warnings": ("提示 warnings (accepted, detail set aside) ({n}):",
                            "warnings: rows accepted, some detail set aside ({n}):"),
    "cli.ingest.skipped": ("跳过 skipped lines ({n}):", "skipped lines ({n}):"),
    "cli.ingest.more": ("… 另有 {n} 条（见 --json）", "… {n} more (see --json)"),
    "cli.export.bad_format": ("--out 的文件名须以 {formats} 结尾：{name}", "--out must end in {formats}: {name}"),
    "cli.export.written": ("已将快照 {snapshot} 中的 {rows} 条舆情写入 {out}",
                           "{rows} items from snapshot {snapshot} written to {out}"),
    # ledger/cli/hazards.py
    "cli.hazards.heading": ("隐患排查：{week} 所在周，共 {n} 处风险苗头",
                            "hazard screen for the week of {week}: {n} flags"),
    "cli.hazards.flag": ("{number:>3}. [{method}] {sentence}  （强度 {score}，{n} 条舆情）",
                         "{number:>3}. [{method}] {sentence}  (score {score}, {n} items)"),
    "cli.progress.hazards_eval": ("评估", "evaluating"),
    "cli.hazards.bad_baseline": ("--baseline 须为 ledger、demo:SEED 或 clb:FOLDER，而不是 {baseline!r}",
                                 "--baseline must be ledger, demo:SEED or clb:FOLDER, not {baseline!r}"),
    # ledger/cli/people.py: users, wall-token
    "cli.users.needs_name": ("users {action} 须给出用户名", "users {action} needs a user name"),
    "cli.users.unknown": ("{path} 中没有名为 {username!r} 的用户", "no user named {username!r} in {path}"),
    "cli.users.removed": ("已删除用户 {username}", "removed user {username}"),
    "cli.users.bad_role": ("--role 须为 {roles} 之一", "--role must be one of {roles}"),
    "cli.users.officer_unit": ("地市信息员须用 --unit 指定报送单位代码，可选：{units}",
                               "a city officer needs --unit, one of {units}"),
    "cli.users.password": ("密码：", "password: "),
    "cli.users.added": ("已在 {path} 中添加用户 {username}（{role}）", "added {username} ({role}) in {path}"),
    "cli.users.updated": ("已在 {path} 中更新用户 {username}（{role}）", "updated {username} ({role}) in {path}"),
    "cli.wall.address": ("大屏登录地址（只显示这一次）：http://<server>:8501/?mode=wall&token={token}",
                         "wall screen address (shown once): http://<server>:8501/?mode=wall&token={token}"),
    "cli.wall.which": ("请给出恰好一个令牌的 sha256 的开头几位（`wall-token new` 时已显示，也记在用户文件中）",
                       "give the first characters of exactly one token's sha256 (it was printed by `wall-token new` "
                       "and is in the users file)"),
    "cli.wall.revoked": ("已撤销令牌 {digest}", "revoked token {digest}"),
    # ledger/cli/workflow.py: assign, verify, remind, reconcile, event
    "cli.assign.pending": ("属地待定 {n} 条，待省级分派", "{n} items whose place is to be determined, waiting for the province"),
    "cli.assign.no_reason": ("原因未记录", "reason not recorded"),
    "cli.assign.needs_unit": ("--item 须与 --unit 一起使用，例如 --unit 440500", "--item needs --unit, e.g. --unit 440500"),
    "cli.assign.placed": ("{item}: 已分派给{unit}，核实时限 {due:%Y-%m-%d %H:%M}",
                          "{item}: assigned to {unit}, verify by {due:%Y-%m-%d %H:%M}"),
    "cli.assign.assigned": ("已分派 {n} 条舆情", "assigned {n} items"),
    "cli.verify.bad_result": ("核实结果须为 属实、部分属实、不实 或 重复（也可写 true、partly、false、duplicate）：{text}",
                              "the result must be true, partly, false or duplicate (or 属实, 部分属实, 不实, 重复): {text}"),
    "cli.verify.bad_participants": ("涉及人数须为 N 或 LOW-HIGH: {text}", "participants must be N or LOW-HIGH: {text}"),
    "cli.verify.unchanged": ("{item}: 与台账记录相同，未写入", "{item}: nothing differs from the ledger; nothing written"),
    "cli.verify.recorded": ("{item}: 已记录 {fields}", "{item}: recorded {fields}"),
    "cli.remind.would_send": ("将发送 {n} 条提醒", "would send {n} reminders"),
    "cli.remind.sent": ("已发送 {sent} 条提醒，{failed} 条失败（下一轮重试）",
                        "sent {sent} reminders, {failed} failed (tried again next round)"),
    "cli.remind.would_post": ("将向工作群发送 {n} 条消息", "would post {n} group messages"),
    "cli.remind.posted": ("已向工作群发送 {n} 条消息", "posted {n} group messages"),
    "cli.remind.group": ("{group} [{topic}] {n} 条", "{group} [{topic}] {n} items"),
    "cli.reconcile.no_file": ("找不到文件 {file}", "no such file: {file}"),
    "cli.reconcile.heading": ("对账 {unit} {month}：省台账 {province_n} 条，地市台账 {unit_n} 行，报告 {report}",
                              "reconciliation of {unit} for {month}: province {province_n} items, unit {unit_n} rows, "
                              "report {report}"),
    "cli.reconcile.written": ("对账报告已写入 {out}", "report written to {out}"),
    "cli.event.filed": ("{event_id}: 已报送{stage}；快照 {snapshot}", "{event_id}: {stage} filed; snapshot {snapshot}"),
    "cli.event.heading": ("事件跟踪 events at {now:%Y-%m-%d %H:%M}: {listed} listed, {overdue} overdue",
                          "events at {now:%Y-%m-%d %H:%M}: {listed} listed, {overdue} overdue"),
    "cli.event.overdue": ("超时 {hours:.0f} 小时", "{hours:.0f} h overdue"),
    "cli.event.next_due": ("下次报告 {due:%m-%d %H:%M} 前", "next by {due:%m-%d %H:%M}"),
    "cli.event.closed_at": ("{closed:%m-%d %H:%M} 终报", "closed {closed:%m-%d %H:%M}"),
    "cli.event.row": ("{event_id}  [{state}] {unit} {stage} 共 {reports} 次报告，关联 {items} 条舆情，{due}  {title}",
                      "{event_id}  [{state}] {unit} {stage} x{reports}, {items} items, {due}  {title}"),
    # ledger/cli/documents.py: scores, report
    "cli.scores.bad_out": ("--out 须为 .xlsx（排名表）或 .docx（考核通报）文件：{name}",
                           "--out must be a .xlsx (the ranking) or .docx (the notice) file: {name}"),
    "cli.scores.heading": ("考核排名 {period}（{first} 至 {last}），快照 {snapshot}",
                           "ranking for {period} ({first} – {last}), snapshot {snapshot}"),
    "cli.scores.row": ("{rank:>2}  {name:<4}  到期 {due:>4}  {points}  总分 {total}  {change}",
                       "{rank:>2}  {name:<4}  due {due:>4}  {points}  total {total}  {change}"),
    "cli.report.bad_out": ("简报文件名应以 .docx、.html 或 .pdf 结尾，而不是 {text!r}",
                           "a brief's file name must end in .docx, .html or .pdf, not {text!r}"),
    "cli.report.after_data": ("快照 {snapshot} 的数据截至 {latest}，--date 不能晚于该日",
                              "snapshot {snapshot} holds data up to {latest}; --date cannot be later"),
}
