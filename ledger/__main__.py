"""Command line: `python -m ledger [--data-dir DIR] <subcommand>`.

A thin face over the library: each subcommand parses its arguments, calls ledger functions and
prints the result. Later subcommands (remind, reconcile, scores) are added to SUBCOMMANDS.
"""
from __future__ import annotations

import argparse
import getpass
import json
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

from queries import ALL, Door, Scope

from ledger import access, demo, geo, schema
from ledger.workflow import assign, events, reconcile, remind, verify
from ledger.access import audit
from ledger.demo import events as demo_events
from ledger.assessment import scoring
from ledger.config import Settings, load_settings
from ledger.documents.export import FORMATS as EXPORT_FORMATS, export_snapshot
from ledger.ingest import FORMATS as INGEST_FORMATS, ReadError, ingest_files
from ledger.ingest.places import gazetteer
from ledger.workflow.group_robots import RobotError
from ledger.workflow.officers import OfficersError
from ledger.periods import BRIEF_KINDS, Period
from ledger.schema import GRADE, OWNERSHIP, SCHEMA_VERSION, VERIFICATION_RESULT
from ledger.store import Journal, StoreError, build_snapshot, current_snapshot, now_shanghai, remove_leftovers
from ledger.workflow.verify import Verification


class CliError(Exception):
    """A one-line reason the command could not do what was asked."""

    exit_code = 1


class UsageError(CliError):
    """The arguments are well-formed but cannot be used (exit 2, as argparse's own usage errors)."""

    exit_code = 2


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and name --help."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _progress_bar(description: str, disable: bool = False):
    # delay: quick work (and a quick failure) prints no bar, only its result or its one-line reason
    bar = tqdm(total=100, desc=description, unit="%", delay=0.5, disable=disable,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def update(step: str, fraction: float) -> None:
        bar.set_postfix_str(step)
        bar.n = round(fraction * 100)
        bar.refresh()

    return bar, update


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    journal = Journal(settings.journal_dir)
    existing = journal.batches()
    current = current_snapshot(settings)
    if args.if_missing and current is not None:
        if current.manifest.get("schema_version") == SCHEMA_VERSION:
            print(f"a snapshot already exists in {settings.data_dir}; nothing to do")
            return 0
        print("the snapshot was built by an older Sentinel; rebuilding it from the journal")
        return cmd_snapshot(settings, args)
    if args.if_missing and existing:
        return cmd_snapshot(settings, args)
    if existing:
        if not args.replace:
            raise CliError(f"{settings.data_dir} already holds a ledger journal; use --replace to "
                           "rebuild the demo there, or --data-dir for another folder")
        if any(b.meta["source"] != "demo" for b in existing if b.kind == "items"):
            raise CliError(f"{settings.data_dir} holds real (non-demo) batches; refusing to replace them")
        shutil.rmtree(settings.journal_dir)
        shutil.rmtree(settings.snapshots_dir, ignore_errors=True)
        journal = Journal(settings.journal_dir)
    bar, update = _progress_bar("演示台账 demo ledger")
    with bar:
        chunks = demo.generate(n_items=args.items, seed=args.seed, years=args.years, end=args.end)
        note = f"demo --items {args.items} --seed {args.seed} --years {args.years}"
        journal.append("items", chunks, source="demo", note=note, expected_rows=args.items,
                       progress=lambda step, f: update(step, f * 0.6))
        snapshot = build_snapshot(settings, progress=lambda step, f: update(step, 0.6 + f * 0.4))
    staged = demo_events.journal_demo_events(settings, args.seed, now_shanghai())
    if staged:
        snapshot = build_snapshot(settings)
    counts = snapshot.manifest["counts"]
    print(f"demo ledger: {counts['items']} items ({counts['collective']} collective disputes), "
          f"{staged} staged events, snapshot {snapshot.snapshot_id}")
    return 0


def cmd_snapshot(settings: Settings, args: argparse.Namespace) -> int:
    bar, update = _progress_bar("生成快照 snapshot")
    with bar:
        snapshot = build_snapshot(settings, progress=update, full=True)
    print(f"snapshot {snapshot.snapshot_id}: {snapshot.manifest['counts']['items']} items")
    return 0


def cmd_info(settings: Settings, args: argparse.Namespace) -> int:
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise CliError(f"no snapshot in {settings.data_dir}; run `python -m ledger demo` or `snapshot` first")
    m = snapshot.manifest
    info = {
        "snapshot_id": snapshot.snapshot_id,
        "created_at": m["created_at"],
        "schema_version": m["schema_version"],
        **m["counts"],
        **m["data_range"],
        "source_batches": len(m["source_batches"]),
        "path": str(snapshot.path),
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        width = max(map(len, info))
        for key, value in info.items():
            print(f"{key:<{width}}  {value}")
    return 0


def _save_users(settings: Settings, users: list[dict], tokens: list[dict], change: str) -> None:
    """Write the users file and record the change in the audit log."""
    access.save_directory(access.users_file(settings), users, tokens)
    audit.record(settings, "config_change", "cli", change=change)


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    path = access.users_file(settings)
    users, tokens = access.raw_entries(path)
    if args.action == "list":
        for entry in users:
            print(f"{entry['username']:<20} {entry['role']:<8} {entry.get('unit', ''):<7} {entry.get('name', '')}")
        return 0
    if not args.username:
        raise CliError(f"users {args.action} needs a user name")
    others = [u for u in users if u["username"] != args.username]
    if args.action == "remove":
        if len(others) == len(users):
            raise CliError(f"no user named {args.username!r} in {path}")
        _save_users(settings, others, tokens, f"removed user {args.username}")
        print(f"removed {args.username}")
        return 0
    if args.role not in access.ROLES:
        raise CliError(f"--role must be one of {', '.join(access.ROLES)}")
    if args.role == "officer" and args.unit not in geo.unit_by_code():
        raise CliError("a city officer needs --unit, one of " + ", ".join(geo.unit_by_code()))
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        entry = {"username": args.username, "role": args.role, "unit": args.unit, "name": args.name,
                 "email": args.email, "password_hash": access.hash_password(password)}
    except access.AccessError as e:
        raise CliError(str(e)) from None
    _save_users(settings, others + [entry], tokens, f"set user {args.username} ({args.role})")
    print(f"{'updated' if len(others) < len(users) else 'added'} {args.username} ({args.role}) in {path}")
    return 0


def cmd_wall_token(settings: Settings, args: argparse.Namespace) -> int:
    users, tokens = access.raw_entries(access.users_file(settings))
    if args.action == "new":
        token, digest = access.new_wall_token()
        _save_users(settings, users, tokens + [{"sha256": digest, "note": args.note, "revoked": False}],
                    f"new wall token {digest[:8]}")
        print(f"wall screen address (shown once): http://<server>:8501/?mode=wall&token={token}")
        return 0
    matches = [t for t in tokens if t["sha256"].startswith(args.prefix or "?")]
    if len(matches) != 1:
        raise CliError("give the first characters of exactly one token's sha256 (it was printed by `wall-token new` and is in the users file)")
    if args.action == "revoke":  # the only other action
        matches[0]["revoked"] = True
        _save_users(settings, users, tokens, f"revoked wall token {args.prefix}")
        print(f"revoked {matches[0]['sha256'][:8]}")
    return 0


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    # The bar only on a terminal: piped or --json output stays what a script can parse.
    bar, update = _progress_bar("导入 ingest", disable=args.json or not sys.stderr.isatty())
    with bar:
        report = ingest_files(settings, args.files, fmt=args.format, source=args.source, dry_run=args.dry_run,
                              progress=update)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.summary())
        for f in report.files:
            if not f.error:
                print(f"  {f.name} [{f.format}]: {f.rows_read} read, {f.accepted} new, {f.duplicates} duplicates, "
                      f"{f.updated} updates, {f.outside} outside Guangdong, {f.quarantined} quarantined; "
                      f"{len(f.warnings)} warnings, {len(f.skipped_lines)} lines skipped")
            for path in f.quarantine_files[:1]:
                print(f"    quarantine: {path}")
        _print_notes("隔离 quarantined", [f"{p.file} {p.text()}" for p in report.problems])
        _print_notes("非本省 outside Guangdong", [f"{p.file} {p.text()}" for p in report.outside_rows])
        _print_notes("提示 warnings (accepted, detail set aside)", [f"{w.file} {w.text()}" for w in report.warnings])
        _print_notes("跳过 skipped lines", [f"{n.file} {n.text()}" for n in report.skipped_lines])
        print("dry run: nothing was written" if args.dry_run else f"snapshot {report.snapshot_id or '(none)'}")
    if report.unreadable:
        raise CliError("；".join(f"{f.name}: {f.error}" for f in report.unreadable))
    return 0


def _print_notes(heading: str, lines: list[str], limit: int = 20) -> None:
    """A heading and the first `limit` lines of one kind of row note (all of them are in --json)."""
    if not lines:
        return
    print(f"  {heading} ({len(lines)}):")
    for line in lines[:limit]:
        print(f"    {line}")
    if len(lines) > limit:
        print(f"    … {len(lines) - limit} more (see --json)")


def _unit_code(name: str) -> str:
    """A reporting unit's code from its code, Chinese name, pinyin or English name."""
    wanted = name.strip().lower()
    for unit in geo.units():
        if wanted in (unit.code, unit.name_zh, unit.short_zh, unit.pinyin, unit.name_en.lower()):
            return unit.code
    found = gazetteer().resolve([name], whole_cell=True)
    if not found.unit_code or found.county_code:
        raise CliError(f"“{name}”不是广东省的报送单位之一 (not a reporting unit; try 深圳, shenzhen or 440300)")
    return found.unit_code


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    fmt = args.out.suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise CliError(f"--out must end in .{', .'.join(EXPORT_FORMATS)}: {args.out.name}")
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise CliError(f"no snapshot in {settings.data_dir}; run `python -m ledger demo` or `ingest` first")
    units = [_unit_code(args.city)] if args.city else None
    rows = export_snapshot(snapshot, args.out, ALL, since=args.since, until=args.until, units=units)
    print(f"{rows} items from snapshot {snapshot.snapshot_id} written to {args.out}")
    return 0


def _current(settings: Settings):
    snapshot = current_snapshot(settings)
    if snapshot is None:
        raise CliError(f"no snapshot in {settings.data_dir}; run `python -m ledger demo` or `ingest` first")
    return snapshot


def cmd_hazards(settings: Settings, args: argparse.Namespace) -> int:
    from ledger import hazards
    as_of = args.as_of or now_shanghai().date()
    flags = hazards.screen(_current(settings), as_of)
    if args.json:
        print(json.dumps([f.to_json() for f in flags], ensure_ascii=False))
        return 0
    print(f"隐患排查 hazard screen for {hazards.screen_week(as_of).isoformat()} (week of), {len(flags)} flags")
    for number, flag in enumerate(flags, start=1):
        print(f"{number:>3}. [{flag.method}] {flag.sentence()}  (score {flag.score}, {len(flag.item_ids)} items)")
    return 0


def cmd_hazards_eval(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.hazards.evaluate import evaluate, table as evaluation_table
    bar, update = _progress_bar("评估 hazards-eval", disable=args.json or not sys.stderr.isatty())
    with bar:
        report = evaluate(_current(settings), args.as_of or now_shanghai().date(), runs=args.runs, seed=args.seed,
                          progress=update)
    print(json.dumps(report, ensure_ascii=False) if args.json else evaluation_table(report))
    return 0


def _result_code(text: str) -> str:
    code = VERIFICATION_RESULT.code_for_label(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"核实结果须为 属实、部分属实、不实 或 重复 (true, partly, false, duplicate): {text}")
    return code


def _cli_user(settings: Settings, name: str) -> access.User:
    """The users file's entry for `name` (with its role and unit), else `name` acting with the
    administrator's rights that a shell on the ledger's machine has anyway."""
    return access.load_directory(settings).find(name) or access.User(f"cli:{name}", access.ROLES["admin"], name)


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    user = _cli_user(settings, args.by)
    low, high = args.participants or (None, None)
    verification = Verification(
        result=args.result, notes=args.notes, duplicate_of=args.duplicate_of, enterprise=args.enterprise,
        ownership=args.ownership, union_present=args.union, participants_low=low, participants_high=high,
        grade=args.grade, disposition=args.disposition, proactive=args.proactive, close=args.close)
    try:
        change = verify.save(settings, verify.load_item(settings, args.item_id, Scope.of(user)), verification, user,
                             rebuild=False)
    except verify.VerificationError as error:
        raise CliError(error.text()) from None
    if change is None:
        print(f"{args.item_id}: nothing differs from the ledger; nothing written")
        return 0
    print(f"{args.item_id}: recorded {', '.join(sorted(change.after))}")
    if not args.no_snapshot:
        print(f"snapshot {build_snapshot(settings).snapshot_id}")
    return 0


def cmd_assign(settings: Settings, args: argparse.Namespace) -> int:
    if args.pending:
        _current(settings)
        queue = assign.pending(settings)
        if args.json:
            print(json.dumps(queue.select("item_id", "captured_at", "title", "place_reason").to_dicts(),
                             ensure_ascii=False, default=str))
            return 0
        print(f"属地待定 {queue.height} 条，待省级分派 (place to be determined, waiting for the province)")
        for row in queue.iter_rows(named=True):
            print(f"  {row['item_id']}  {row['captured_at']:%Y-%m-%d %H:%M}  {row['title']}  （{row['place_reason'] or '原因未记录'}）")
        return 0
    if args.item:
        if not args.unit:
            raise CliError("--item 须与 --unit 一起使用，例如 --unit 440500 (--item needs --unit)")
        try:
            change = assign.assign_place(settings, args.item, _unit_code(args.unit), args.county, by=args.by, rebuild=False)
        except assign.AssignmentError as error:
            raise CliError(str(error)) from None
        due = change.after["verify_due_at"]
        print(f"{args.item}: assigned to {geo.unit_name(change.after['unit_code'])}"
              f"{'·' + geo.county_by_code()[args.county].name_zh if args.county else ''}, verify by {due:%Y-%m-%d %H:%M}")
    else:
        changes = assign.assign_new(settings, now_shanghai())
        print(f"assigned {len(changes)} items")
        if not changes:
            return 0
    if not args.no_snapshot:
        print(f"snapshot {build_snapshot(settings).snapshot_id}")
    return 0


def cmd_remind(settings: Settings, args: argparse.Namespace) -> int:
    try:
        done = remind.run_round(settings, now_shanghai(), dry_run=args.dry_run)
    except (remind.ReminderError, OfficersError, RobotError) as error:
        raise CliError(str(error)) from None
    outcomes = done.reminders
    if args.json:
        print(json.dumps({"reminders": [o.reminder.to_json(o.sent, o.error) for o in outcomes],
                          "groups": [g.to_json() for g in done.groups]}, ensure_ascii=False))
        return 0
    sent = sum(o.sent for o in outcomes)
    print(f"{'would send' if args.dry_run else 'sent'} {len(outcomes) if args.dry_run else sent} reminders"
          + ("" if args.dry_run else f", {len(outcomes) - sent} failed (tried again next round)"))
    for o in outcomes:
        r = o.reminder
        print(f"  {r.item_id} {r.stage:<9} {r.channel:<5} {r.officer.name} ({r.unit_code})"
              + (f"  ✗ {o.error}" if o.error else ""))
    if done.groups:
        posted = sum(g.sent for g in done.groups)
        print(f"{'would post' if args.dry_run else 'posted'} {len(done.groups) if args.dry_run else posted} group messages")
        for g in done.groups:
            print(f"  {g.group.label} [{g.topic}] {len(g.notices)} items" + (f"  ✗ {g.error}" if g.error else ""))
    return 0


def cmd_reconcile(settings: Settings, args: argparse.Namespace) -> int:
    unit = _unit_code(args.unit)
    if not args.file.exists():
        raise CliError(f"找不到文件 {args.file}")
    result = reconcile.reconcile(_current(settings), ALL, unit, args.month, args.file)
    reconcile.record_run(settings, result, args.by)
    if args.sign:
        reconcile.sign_off(settings, result, args.sign, args.by)
    if args.out:
        args.out.write_bytes(reconcile.report_xlsx(result, reconcile.signoffs(settings, unit, args.month)))
    if args.json:
        print(json.dumps({"unit": unit, "month": args.month, "report_id": result.report_id, "counts": result.counts,
                          "discrepancies": result.discrepancies.to_dicts()}, ensure_ascii=False))
        return 0
    print(f"对账 {geo.unit_name(unit)} {args.month}: province {result.province_n} items, unit {result.unit_n} rows, "
          f"report {result.report_id}")
    for kind, (zh, en) in reconcile.KINDS.items():
        print(f"  {zh} {en}: {result.counts[kind]}")
    if args.out:
        print(f"report written to {args.out}")
    return 0


def _period(text: str) -> Period:
    try:
        return scoring.parse_period(text)
    except scoring.ScoringError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_scores(settings: Settings, args: argparse.Namespace) -> int:
    ranking = scoring.score(_current(settings), settings, args.period, ALL)
    if args.out:
        exports = {".xlsx": scoring.ranking_xlsx, ".docx": scoring.notice_docx}
        if args.out.suffix.lower() not in exports:
            raise CliError(f"--out 须为 .xlsx（排名表）或 .docx（考核通报）文件：{args.out.name}")
        args.out.write_bytes(exports[args.out.suffix.lower()](ranking))
    if args.json:
        print(json.dumps({"period": str(ranking.period), "snapshot_id": ranking.snapshot_id,
                          "as_of": ranking.as_of.isoformat(), "units": ranking.frame.drop("sort_order").to_dicts()},
                         ensure_ascii=False, default=str))
        return 0
    print(f"考核排名 {ranking.period.label()} ({ranking.period.first} – {ranking.period.last}), "
          f"snapshot {ranking.snapshot_id}")
    for row in ranking.frame.iter_rows(named=True):
        parts = "  ".join(f"{row[f'{part}_points']}" for part in ("timeliness", "completeness", "accuracy", "bonus"))
        print(f"  {row['rank'] or '—':>2}  {row['name_zh']:<4}  due {row['due_n']:>4}  {parts}  total {row['total']}"
              f"  {scoring.change_label(row['change'])}{'  通报表扬' if row['commended'] else ''}")
    if args.out:
        print(f"written to {args.out}")
    return 0


def _participants(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        numbers = int(low), int(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"涉及人数须为 N 或 LOW-HIGH: {text}") from None
    return numbers


def cmd_event(settings: Settings, args: argparse.Namespace) -> int:
    """Staged event reports: a refused report is one Chinese line and exit 2 (the input needs
    fixing, as with a usage error); a filed one is in the journal and the rebuilt snapshot."""
    if args.action == "list":
        return _list_events(settings, args)
    report = events.Report(args.stage, args.facts, title=args.title,
                           causes=args.causes, handling=args.handling, lessons=args.lessons,
                           item_ids=tuple(args.item or ()), lon=args.lon, lat=args.lat, participants=args.participants)
    try:
        if args.action == "open":
            event_id = events.open_event(settings, report, unit_code=_unit_code(args.unit) if args.unit else None,
                                         by=args.by, rebuild=False)
        else:
            event_id = events.add_report(settings, args.event_id, report, by=args.by, rebuild=False)
    except events.EventError as refused:
        print(f"python -m ledger event {args.action}: {refused.zh}", file=sys.stderr)
        return 2
    snapshot = build_snapshot(settings)
    print(f"{event_id}: {schema.EVENT_STAGE.label(report.stage)} filed; snapshot {snapshot.snapshot_id}")
    return 0


def _list_events(settings: Settings, args: argparse.Namespace) -> int:
    _current(settings)
    now = now_shanghai()
    rows = Door(settings).q("open_events", now=now, followup_hours=settings.events_followup_hours,
                            first_report_hours=settings.events_first_report_hours,
                            closed_since=now - timedelta(days=args.closed_days) if args.closed_days else None,
                            units=None)
    if args.json:
        print(rows.write_json())
        return 0
    print(f"事件跟踪 events at {now:%Y-%m-%d %H:%M}: {rows.height} listed, {rows['overdue'].sum()} overdue")
    for e in rows.iter_rows(named=True):
        state = "已终报" if e["closed"] else f"超时 {e['overdue_hours']:.0f} 小时" if e["overdue"] else "按时"
        due = f"next by {e['next_due_at']:%m-%d %H:%M}" if e["next_due_at"] else f"closed {e['closed_at']:%m-%d %H:%M}"
        print(f"  {e['event_id']}  [{state}] {e['unit_name_zh']} {schema.EVENT_STAGE.label(e['stage'])} "
              f"x{e['reports_n']}, {e['items_n']} items, {due}  {e['title']}")
def _brief_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式，例如 2026-11-24，而不是 {text!r}") from None


def _brief_out(text: str) -> Path:
    from ledger.documents import briefs
    path = Path(text)
    if path.suffix.lower().lstrip(".") not in briefs.FORMATS:
        raise argparse.ArgumentTypeError(f"简报文件名应以 .docx、.html 或 .pdf 结尾，而不是 {text!r}")
    return path


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from ledger.documents import briefs
    from ledger.documents.briefs.charts import ChartFontMissing
    snapshot = _current(settings)
    latest = briefs.data_date(snapshot)
    day = args.date or latest
    if day > latest:
        raise UsageError(f"快照 {snapshot.snapshot_id} 的数据截至 {latest}，--date 不能晚于该日")
    scope = Scope.only(_unit_code(args.city)) if args.city else ALL
    out = args.out or Path.cwd() / briefs.file_name(args.period, day, "docx")
    try:
        brief = briefs.compose(settings, args.period, day, scope)
        data = briefs.render(brief, out.suffix.lower().lstrip("."))
    except (briefs.BriefError, ChartFontMissing) as e:
        raise CliError(str(e)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(out)
    return 0


SUBCOMMANDS = {
    "demo": (cmd_demo, "build a seeded, realistic demo ledger and its snapshot"),
    "snapshot": (cmd_snapshot, "build a new snapshot from the whole journal and make it current"),
    "info": (cmd_info, "describe the current snapshot"),
    "users": (cmd_users, "list, add or remove the people who may sign in (users file)"),
    "wall-token": (cmd_wall_token, "create or revoke the wall screen's sign-in token"),
    "ingest": (cmd_ingest, "read exports (xlsx, xls, csv, json, jsonl) into the ledger and report every row"),
    "export": (cmd_export, "write the current ledger's items as csv, xlsx or parquet in the export format"),
    "hazards": (cmd_hazards, "the hazard screen for one week: emerging risk areas with their evidence"),
    "hazards-eval": (cmd_hazards_eval, "inject synthetic outbreaks and report each method's detection, false alarms, delay"),
    "assign": (cmd_assign, "assign open items to their units with deadlines by grade and source; list and assign 属地待定 items"),
    "verify": (cmd_verify, "record one item's verification (核实) as the unit's officer would on the page"),
    "reconcile": (cmd_reconcile, "compare a unit's own ledger export for a month with the province's, both ways"),
    "scores": (cmd_scores, "score and rank the units' information work for a month, quarter or year (考核排名)"),
    "remind": (cmd_remind, "one reminder round: email and SMS the officers of items due soon or overdue (for cron)"),
    "event": (cmd_event, "staged event reports (事件跟踪): list events, open one, file a follow-up or closing report"),
    "report": (cmd_report, "write the daily, weekly or monthly brief (日报/周报/月报) as docx, html or pdf"),
}


def build_parser() -> Parser:
    parser = Parser(prog="python -m ledger",
                    description="Sentinel ledger tools: build the demo, ingest and export, snapshots, and inspect them.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="ledger data folder (default: $SENTINEL_DATA_DIR, else data/)")
    sub = parser.add_subparsers(dest="command", metavar="<subcommand>", parser_class=Parser, required=True)
    for name, (_, help_text) in SUBCOMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    demo_parser = sub.choices["demo"]
    demo_parser.add_argument("--items", type=_positive_int, default=9000, help="number of monitored items (default 9000)")
    demo_parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same ledger (default 42)")
    demo_parser.add_argument("--years", type=_positive_int, default=3, help="years of history ending on --end (default 3)")
    demo_parser.add_argument("--end", type=_iso_date, default=None, help="last day of the demo (default today, Asia/Shanghai)")
    demo_parser.add_argument("--replace", action="store_true", help="delete an existing demo journal and snapshots first")
    demo_parser.add_argument("--if-missing", action="store_true",
                             help="do nothing if a snapshot exists; only build a snapshot if a journal exists")
    sub.choices["info"].add_argument("--json", action="store_true", help="print one JSON object")
    users = sub.choices["users"]
    users.add_argument("action", choices=["list", "add", "remove"])
    users.add_argument("username", nargs="?")
    users.add_argument("--role", default="analyst", help="wall, leader, analyst, officer or admin (default analyst)")
    users.add_argument("--unit", help="a city officer's reporting-unit code, e.g. 440300")
    users.add_argument("--name", default="", help="the person's name, shown when signed in")
    users.add_argument("--email", default="", help="for sign-in through the identity provider")
    users.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    tokens = sub.choices["wall-token"]
    tokens.add_argument("action", choices=["new", "revoke"])
    tokens.add_argument("prefix", nargs="?", help="revoke: the first characters of the token's sha256")
    tokens.add_argument("--note", default="", help="new: where the screen is, e.g. 省总应急指挥室")
    ingest = sub.choices["ingest"]
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files to ingest, in order")
    ingest.add_argument("--format", choices=INGEST_FORMATS, default="auto",
                        help="clb: China Labour Bulletin strike map; ledger: our own export; generic: any other "
                             "(default: auto, from the headers)")
    ingest.add_argument("--source", default=None,
                        help="source of rows that name none, e.g. 南方网; also recorded as who sent the file")
    ingest.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    ingest.add_argument("--json", action="store_true", help="print one JSON object with the counts and problems")
    export = sub.choices["export"]
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.csv, FILE.xlsx or FILE.parquet")
    export.add_argument("--since", type=_iso_date, default=None, help="first capture day (YYYY-MM-DD)")
    export.add_argument("--until", type=_iso_date, default=None, help="last capture day (YYYY-MM-DD)")
    export.add_argument("--city", default=None, help="one reporting unit: 深圳, shenzhen or 440300")
    screen = sub.choices["hazards"]
    screen.add_argument("--as-of", type=_iso_date, default=None, help="replay the screen on this day (default today)")
    screen.add_argument("--json", action="store_true", help="print a JSON list of flags")
    evaluation = sub.choices["hazards-eval"]
    evaluation.add_argument("--runs", type=_positive_int, default=200, help="outbreaks per size (default 200)")
    evaluation.add_argument("--seed", type=int, default=1, help="random seed of the injections (default 1)")
    evaluation.add_argument("--as-of", type=_iso_date, default=None, help="end of the test year (default today)")
    evaluation.add_argument("--json", action="store_true", help="print one JSON object")
    assigning = sub.choices["assign"]
    assigning.add_argument("--pending", action="store_true",
                           help="list the items whose place is to be determined (属地待定): id, time, title, reason")
    assigning.add_argument("--json", action="store_true", help="with --pending: print a JSON list")
    assigning.add_argument("--item", metavar="ID", help="give this 属地待定 item its unit (with --unit)")
    assigning.add_argument("--unit", help="with --item: the reporting unit, e.g. 汕头, shantou or 440500")
    assigning.add_argument("--county", metavar="CODE", help="with --item: the county or town code, if known")
    assigning.add_argument("--by", default=getpass.getuser(), help="with --item: who assigns (default: you)")
    assigning.add_argument("--no-snapshot", action="store_true", help="journal only; build no snapshot")
    checked = sub.choices["verify"]
    checked.add_argument("item_id", help="the item's id (编号)")
    checked.add_argument("--result", type=_result_code, required=True, help="属实|部分属实|不实|重复 (or true|partly|false|duplicate)")
    checked.add_argument("--notes", required=True, help="what was found on site (核实情况)")
    checked.add_argument("--by", default=getpass.getuser(), help="who verified: a username of the users file (default: you)")
    checked.add_argument("--duplicate-of", default=None, help="with 重复: the item it repeats")
    checked.add_argument("--enterprise", default=None)
    checked.add_argument("--ownership", choices=OWNERSHIP.codes, default=None)
    checked.add_argument("--union", type=lambda v: {"yes": True, "no": False, "有": True, "无": False}[v],
                         default=None, help="yes|no (有|无): is there a union")
    checked.add_argument("--participants", type=_participants, default=None, help="N or LOW-HIGH")
    checked.add_argument("--grade", choices=GRADE.codes, default=None, help="corrected grade")
    checked.add_argument("--disposition", default=None, help="how it is being handled (处置情况)")
    checked.add_argument("--proactive", action="store_true", default=None, help="the unit reported it proactively")
    checked.add_argument("--close", action="store_true", help="the dispute is settled: close it too")
    checked.add_argument("--no-snapshot", action="store_true", help="journal only; build no snapshot")
    month = sub.choices["reconcile"]
    month.add_argument("--month", required=True, help="YYYY-MM")
    month.add_argument("--unit", required=True, help="the reporting unit: 深圳, shenzhen or 440300")
    month.add_argument("file", type=Path, metavar="FILE", help="the unit's ledger export for that month (xlsx, csv …)")
    month.add_argument("--out", type=Path, default=None, help="write the discrepancy report (.xlsx) here")
    month.add_argument("--sign", choices=list(reconcile.SIDES), default=None, help="record this side's sign-off")
    month.add_argument("--by", default=getpass.getuser(), help="who runs or signs (default: you)")
    month.add_argument("--json", action="store_true", help="print the counts and discrepancies as JSON")
    scores = sub.choices["scores"]
    scores.add_argument("--period", type=_period, required=True, help="2026-11 (month), 2026-Q3 (quarter) or 2026 (year)")
    scores.add_argument("--out", type=Path, default=None, help="write the ranking (.xlsx) or the notice (.docx) here")
    scores.add_argument("--json", action="store_true", help="print the period, snapshot and every unit's row as JSON")
    chase = sub.choices["remind"]
    chase.add_argument("--dry-run", action="store_true", help="list what would be sent; send and log nothing")
    chase.add_argument("--json", action="store_true", help='print {"reminders": [...]}')
    _event_arguments(sub.choices["event"])
    report = sub.choices["report"]
    report.add_argument("period", choices=tuple(BRIEF_KINDS), help="daily: one day; weekly: its ISO week; monthly: its month")
    report.add_argument("--date", type=_brief_date, default=None,
                        help="a day in the period (default: the snapshot's data date, so reruns give the same brief)")
    report.add_argument("--out", type=_brief_out, default=None, metavar="FILE",
                        help="FILE.docx, FILE.html or FILE.pdf (default: 哨岗周报_DATE.docx etc. in this folder)")
    report.add_argument("--city", default=None, help="one reporting unit's brief: 深圳, shenzhen or 440300")
    return parser


def _event_arguments(event: argparse.ArgumentParser) -> None:
    actions = event.add_subparsers(dest="action", metavar="<action>", parser_class=Parser, required=True)
    listing = actions.add_parser("list", help="open events, late ones first", description="open events, late ones first")
    listing.add_argument("--json", action="store_true", help="print a JSON list of events")
    listing.add_argument("--closed-days", type=_positive_int, default=None,
                         help="also list events closed in the last N days")
    opening = actions.add_parser("open", help="file the first report (首报) of a new event",
                                 description="file the first report (首报) of a new event: facts, no causes needed")
    report = actions.add_parser("report", help="file a follow-up (续报) or the closing report (终报)",
                                description="file a follow-up (续报) or the closing report (终报) of an event")
    report.add_argument("event_id", help="the event, e.g. E20261125-3f9a")
    report.add_argument("--stage", choices=["followup", "closing"], required=True)
    opening.add_argument("--title", required=True, help="the event's title")
    opening.add_argument("--unit", help="reporting unit: 深圳, shenzhen or 440300 (default: the first item's unit)")
    for action in (opening, report):
        action.add_argument("--facts", required=True, help="事实: what happened, where, how many, what now")
        action.add_argument("--item", action="append", metavar="ID", help="a ledger item to link (repeat for more)")
        action.add_argument("--causes", help="原因: optional until the closing report")
        action.add_argument("--participants", type=int, help="number of people involved")
        action.add_argument("--lon", type=float, help="longitude, if no linked item gives the place")
        action.add_argument("--lat", type=float, help="latitude, with --lon")
        action.add_argument("--by", default=getpass.getuser(), help="who reports (default: the login name)")
    report.add_argument("--handling", help="处置情况: required in the closing report")
    report.add_argument("--lessons", help="案例剖析: the closing report only, required there")
    opening.set_defaults(stage="first", handling=None, lessons=None)
    report.set_defaults(title=None, unit=None)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(args.data_dir)
    handler = SUBCOMMANDS[args.command][0]
    remove_leftovers(settings)  # what a killed run left behind
    try:
        return handler(settings, args)
    except (CliError, StoreError, ReadError, ValueError) as e:  # ReadError: a file refused, named with its limit
        print(f"python -m ledger {args.command}: {e}", file=sys.stderr)
        return e.exit_code if isinstance(e, CliError) else 1


if __name__ == "__main__":
    sys.exit(main())
