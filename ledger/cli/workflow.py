"""The units' work on the items: assign them with deadlines, record a verification (核实), send a
reminder round, reconcile a unit's monthly ledger with the province's, and file staged event
reports (事件跟踪)."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import timedelta
from pathlib import Path

from queries import ALL, Door, Scope

from ledger import geo, schema
from ledger.cli.common import CliError, Command, Parser, cli_user, current, positive_int, unit_code
from ledger.config import Settings
from ledger.i18n import t
from ledger.schema import GRADE, OWNERSHIP, VERIFICATION_RESULT
from ledger.store import build_snapshot, now_shanghai
from ledger.workflow import assign, events, reconcile, remind, verify
from ledger.workflow.verify import Verification


def assign_arguments(parser: Parser) -> None:
    parser.add_argument("--pending", action="store_true",
                        help="list the items whose place is to be determined (属地待定): id, time, title, reason")
    parser.add_argument("--json", action="store_true", help="with --pending: print a JSON list")
    parser.add_argument("--item", metavar="ID", help="give this 属地待定 item its unit (with --unit)")
    parser.add_argument("--unit", help="with --item: the reporting unit, e.g. 汕头, shantou or 440500")
    parser.add_argument("--county", metavar="CODE", help="with --item: the county or town code, if known")
    parser.add_argument("--by", default=getpass.getuser(), help="with --item: who assigns (default: you)")
    parser.add_argument("--no-snapshot", action="store_true", help="journal only; build no snapshot")


def cmd_assign(settings: Settings, args: argparse.Namespace) -> int:
    if args.pending:
        current(settings)
        queue = assign.pending(settings)
        if args.json:
            print(json.dumps(queue.select("item_id", "captured_at", "title", "place_reason").to_dicts(),
                             ensure_ascii=False, default=str))
            return 0
        print(t("cli.assign.pending", n=queue.height))
        for row in queue.iter_rows(named=True):
            reason = row["place_reason"] or t("cli.assign.no_reason")
            print(f"  {row['item_id']}  {row['captured_at']:%Y-%m-%d %H:%M}  {row['title']}  （{reason}）")
        return 0
    if args.item:
        if not args.unit:
            raise CliError(t("cli.assign.needs_unit"))
        change = assign.assign_place(settings, args.item, unit_code(args.unit), args.county, by=args.by, rebuild=False)
        county = "·" + geo.county_by_code()[args.county].name_zh if args.county else ""
        print(t("cli.assign.placed", item=args.item, unit=geo.unit_name(change.after["unit_code"]) + county,
                due=change.after["verify_due_at"]))
    else:
        changes = assign.assign_new(settings, now_shanghai())
        print(t("cli.assign.assigned", n=len(changes)))
        if not changes:
            return 0
    if not args.no_snapshot:
        print(t("cli.snapshot.id", snapshot=build_snapshot(settings).snapshot_id))
    return 0


def _result_code(text: str) -> str:
    code = VERIFICATION_RESULT.code_for_label(text)
    if code is None:
        raise argparse.ArgumentTypeError(t("cli.verify.bad_result", text=text))
    return code


def _participants(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        numbers = int(low), int(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.verify.bad_participants", text=text)) from None
    return numbers


def verify_arguments(parser: Parser) -> None:
    parser.add_argument("item_id", help="the item's id (编号)")
    parser.add_argument("--result", type=_result_code, required=True, help="属实|部分属实|不实|重复 (or true|partly|false|duplicate)")
    parser.add_argument("--notes", required=True, help="what was found on site (核实情况)")
    parser.add_argument("--by", default=getpass.getuser(), help="who verified: a username of the users file (default: you)")
    parser.add_argument("--duplicate-of", default=None, help="with 重复: the item it repeats")
    parser.add_argument("--enterprise", default=None)
    parser.add_argument("--ownership", choices=OWNERSHIP.codes, default=None)
    parser.add_argument("--union", type=lambda v: {"yes": True, "no": False, "有": True, "无": False}[v],
                        default=None, help="yes|no (有|无): is there a union")
    parser.add_argument("--participants", type=_participants, default=None, help="N or LOW-HIGH")
    parser.add_argument("--grade", choices=GRADE.codes, default=None, help="corrected grade")
    parser.add_argument("--disposition", default=None, help="how it is being handled (处置情况)")
    parser.add_argument("--proactive", action="store_true", default=None, help="the unit reported it proactively")
    parser.add_argument("--close", action="store_true", help="the dispute is settled: close it too")
    parser.add_argument("--no-snapshot", action="store_true", help="journal only; build no snapshot")


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    user = cli_user(settings, args.by)
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
        print(t("cli.verify.unchanged", item=args.item_id))
        return 0
    print(t("cli.verify.recorded", item=args.item_id, fields=", ".join(sorted(change.after))))
    if not args.no_snapshot:
        print(t("cli.snapshot.id", snapshot=build_snapshot(settings).snapshot_id))
    return 0


def remind_arguments(parser: Parser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send and log nothing")
    parser.add_argument("--json", action="store_true", help='print {"reminders": [...]}')


def cmd_remind(settings: Settings, args: argparse.Namespace) -> int:
    done = remind.run_round(settings, now_shanghai(), dry_run=args.dry_run)  # its refusals are said by main
    outcomes = done.reminders
    if args.json:
        print(json.dumps({"reminders": [o.reminder.to_json(o.sent, o.error) for o in outcomes],
                          "groups": [g.to_json() for g in done.groups]}, ensure_ascii=False))
        return 0
    sent = sum(o.sent for o in outcomes)
    print(t("cli.remind.would_send", n=len(outcomes)) if args.dry_run else
          t("cli.remind.sent", sent=sent, failed=len(outcomes) - sent))
    for o in outcomes:
        r = o.reminder
        print(f"  {r.item_id} {r.stage:<9} {r.channel:<5} {r.officer.name} ({r.unit_code})"
              + (f"  ✗ {o.error}" if o.error else ""))
    if done.groups:
        posted = sum(g.sent for g in done.groups)
        print(t("cli.remind.would_post", n=len(done.groups)) if args.dry_run else t("cli.remind.posted", n=posted))
        for g in done.groups:
            print("  " + t("cli.remind.group", group=g.group.label, topic=g.topic, n=len(g.notices))
                  + (f"  ✗ {g.error}" if g.error else ""))
    return 0


def reconcile_arguments(parser: Parser) -> None:
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--unit", required=True, help="the reporting unit: 深圳, shenzhen or 440300")
    parser.add_argument("file", type=Path, metavar="FILE", help="the unit's ledger export for that month (xlsx, csv …)")
    parser.add_argument("--out", type=Path, default=None, help="write the discrepancy report (.xlsx) here")
    parser.add_argument("--sign", choices=list(reconcile.SIDES), default=None, help="record this side's sign-off")
    parser.add_argument("--by", default=getpass.getuser(), help="who runs or signs (default: you)")
    parser.add_argument("--json", action="store_true", help="print the counts and discrepancies as JSON")


def cmd_reconcile(settings: Settings, args: argparse.Namespace) -> int:
    unit = unit_code(args.unit)
    if not args.file.exists():
        raise CliError(t("cli.reconcile.no_file", file=args.file))
    result = reconcile.reconcile(current(settings), ALL, unit, args.month, args.file)
    reconcile.record_run(settings, result, args.by)
    if args.sign:
        reconcile.sign_off(settings, result, args.sign, args.by)
    if args.out:
        args.out.write_bytes(reconcile.report_xlsx(result, reconcile.signoffs(settings, unit, args.month)))
    if args.json:
        print(json.dumps({"unit": unit, "month": args.month, "report_id": result.report_id, "counts": result.counts,
                          "discrepancies": result.discrepancies.to_dicts()}, ensure_ascii=False))
        return 0
    print(t("cli.reconcile.heading", unit=geo.unit_name(unit), month=args.month, province_n=result.province_n,
            unit_n=result.unit_n, report=result.report_id))
    for kind, label in reconcile.KINDS.items():
        print(f"  {label.zh}：{result.counts[kind]}")
    if args.out:
        print(t("cli.reconcile.written", out=args.out))
    return 0


def event_arguments(event: Parser) -> None:
    actions = event.add_subparsers(dest="action", metavar="<action>", parser_class=Parser, required=True)
    listing = actions.add_parser("list", help="open events, late ones first", description="open events, late ones first")
    listing.add_argument("--json", action="store_true", help="print a JSON list of events")
    listing.add_argument("--closed-days", type=positive_int, default=None,
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
            event_id = events.open_event(settings, report, unit_code=unit_code(args.unit) if args.unit else None,
                                         by=args.by, rebuild=False)
        else:
            event_id = events.add_report(settings, args.event_id, report, by=args.by, rebuild=False)
    except events.EventError as refused:
        print(f"python -m ledger event {args.action}: {refused.zh}", file=sys.stderr)
        return 2
    snapshot = build_snapshot(settings)
    print(t("cli.event.filed", event_id=event_id, stage=schema.EVENT_STAGE.label(report.stage),
            snapshot=snapshot.snapshot_id))
    return 0


def _list_events(settings: Settings, args: argparse.Namespace) -> int:
    current(settings)
    now = now_shanghai()
    rows = Door(settings).q("open_events", now=now, followup_hours=settings.events_followup_hours,
                            first_report_hours=settings.events_first_report_hours,
                            closed_since=now - timedelta(days=args.closed_days) if args.closed_days else None,
                            units=None)
    if args.json:
        print(rows.write_json())
        return 0
    print(t("cli.event.heading", now=now, listed=rows.height, overdue=rows["overdue"].sum()))
    for e in rows.iter_rows(named=True):
        state = (t("events.state.closed") if e["closed"] else
                 t("cli.event.overdue", hours=e["overdue_hours"]) if e["overdue"] else t("events.state.on_time"))
        due = (t("cli.event.next_due", due=e["next_due_at"]) if e["next_due_at"] else
               t("cli.event.closed_at", closed=e["closed_at"]))
        print("  " + t("cli.event.row", event_id=e["event_id"], state=state, unit=e["unit_name_zh"],
                       stage=schema.EVENT_STAGE.label(e["stage"]), reports=e["reports_n"], items=e["items_n"], due=due,
                       title=e["title"]))
    return 0


COMMANDS = {
    "assign": Command("assign open items to their units with deadlines by grade and source; list and assign 属地待定 items",
                      assign_arguments, cmd_assign),
    "verify": Command("record one item's verification (核实) as the unit's officer would on the page",
                      verify_arguments, cmd_verify),
    "remind": Command("one reminder round: email and SMS the officers of items due soon or overdue (for cron)",
                      remind_arguments, cmd_remind),
    "reconcile": Command("compare a unit's own ledger export for a month with the province's, both ways",
                         reconcile_arguments, cmd_reconcile),
    "event": Command("staged event reports (事件跟踪): list events, open one, file a follow-up or closing report",
                     event_arguments, cmd_event),
}
