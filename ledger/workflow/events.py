"""Staged event reports (事件跟踪): a large or complex dispute reported in stages, on the union's
principle "facts fast, causes with care" (快报事实，慎报原因).

An event is nothing but its reports. The first report (首报) is due within a few hours of the
dispute being caught and may hold facts only: causes reported in haste are often wrong, and a
wrong cause in a leader's hands does more harm than a late one. Follow-ups (续报) come no more
than a set number of hours apart while the dispute lasts. The closing report (终报) must give the
causes, the handling and the lessons (案例剖析), and nothing may follow it.

Every report is one immutable journal batch of kind "event_reports" (ledger.schema.
EVENT_REPORTS_SCHEMA), like every other input: nothing is edited, a correction is a later report.
The rules are checked here against the journal itself, not a snapshot that may be minutes old,
and under a lock, so two officers cannot both file report 3 or both close the same event. When
the next report is due, and whether it is late, is answered by queries/open_events.sql from the
same settings ([events] in sentinel.toml) at a moment the caller passes.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq

from queries import ALL, read

from ledger.config import Settings
from ledger.geo import unit_by_code
from ledger.store.rebuild import rebuild_soon, wait as wait_for_rebuild
from ledger.schema import EVENT_REPORTS_KIND, EVENT_REPORTS_SCHEMA, EVENT_STAGE, in_guangdong
from ledger.store import Journal, current_snapshot, exclusive_lock, now_shanghai
from ledger.i18n import Both, Refusal, pair

FIRST, FOLLOWUP, CLOSING = EVENT_STAGE.codes
CLOCK_SKEW = timedelta(minutes=5)  # a report time this far ahead of the server's clock is a typo


class EventError(Refusal):
    """A report that breaks a rule; the message says what to do, in Chinese and in English."""


@dataclass(frozen=True)
class Report:
    """What a person writes in one stage report (who, when and which event are added on filing)."""

    stage: str
    facts: str
    title: str | None = None
    causes: str | None = None
    handling: str | None = None
    lessons: str | None = None
    item_ids: tuple[str, ...] = ()
    lon: float | None = None
    lat: float | None = None
    participants: int | None = None

    def cleaned(self) -> Report:
        """Text trimmed (blank means not given), item ids trimmed and each listed once."""
        def text(value: str | None) -> str | None:
            return (value or "").strip() or None

        ids = tuple(dict.fromkeys(i.strip() for i in self.item_ids if i and i.strip()))
        return replace(self, facts=text(self.facts), title=text(self.title), causes=text(self.causes),
                       handling=text(self.handling), lessons=text(self.lessons), item_ids=ids)


def split_item_ids(text: str) -> tuple[str, ...]:
    """Item ids typed or pasted in one box: separated by commas (either width), spaces or lines."""
    for separator in "，,;；\n\t":
        text = text.replace(separator, " ")
    return tuple(text.split())


def allowed_next(stages: list[str]) -> tuple[str, ...]:
    """The stages a new report may take after reports of `stages` (oldest first): none after the
    closing report, and a first report only as the one that opens an event (open_event)."""
    if not stages:
        return (FIRST,)
    return () if CLOSING in stages else (FOLLOWUP, CLOSING)


# ---- filing reports ---------------------------------------------------------------------------

def open_event(settings: Settings, report: Report, *, unit_code: str | None, by: str, at: datetime | None = None,
               units: frozenset[str] | None = None, source: str = "events", event_id: str | None = None,
               rebuild: bool = True) -> str:
    """File the first report of a new event for `unit_code` (None: the unit of the first linked
    item); return the new event's id.

    `units` are the units the reporter may report for (None: any, e.g. the command line);
    `source` is recorded with the journal batch ("demo" for the demo's events); `event_id` is for
    the demo, which needs ids that follow from its seed. Without `at` the report is stamped with
    the time the lock was taken (see add_report). The snapshot is rebuilt in the background
    unless the caller builds (`rebuild=False`: the demo, the command line); `shown` waits for it.
    """
    with exclusive_lock(_lock_file(settings)):
        at = at or now_shanghai()
        known = {row["event_id"] for row in _journal_reports(settings)}
        event_id = event_id or _new_event_id(at, known)
        if event_id in known:
            raise EventError("msg.events.event_already_exists", event_id=event_id)
        _file(settings, event_id, unit_code, report, [], by, at, units, source)
    if rebuild:
        rebuild_soon(settings)
    return event_id


def add_report(settings: Settings, event_id: str, report: Report, *, by: str, at: datetime | None = None,
               units: frozenset[str] | None = None, source: str = "events", rebuild: bool = True) -> str:
    """File a follow-up or closing report on an existing event; return the event id. The
    snapshot is rebuilt as after open_event.

    Without `at` the report is stamped once the lock is held: stamped before it, of two officers
    filing at once the one who waited would carry a time earlier than the report just filed."""
    with exclusive_lock(_lock_file(settings)):
        at = at or now_shanghai()
        earlier = event_reports(settings, event_id)
        if not earlier:
            raise EventError("msg.events.no_event_check_id", event_id=event_id)
        _file(settings, event_id, earlier[0]["unit_code"], report, earlier, by, at, units, source)
    if rebuild:
        rebuild_soon(settings)
    return event_id


SHOWN_WITHIN_SECONDS = 15  # a filed report shows at once on ledgers below about a million items


def shown(settings: Settings) -> bool:
    """Wait up to SHOWN_WITHIN_SECONDS for the rebuild a report started; whether its snapshot is
    built (a person filing a report expects to see it; on a larger ledger it shows shortly)."""
    return wait_for_rebuild(settings, SHOWN_WITHIN_SECONDS)


def event_reports(settings: Settings, event_id: str) -> list[dict]:
    """The reports of one event in the journal (rows of EVENT_REPORTS_SCHEMA), oldest first."""
    return sorted((r for r in _journal_reports(settings) if r["event_id"] == event_id), key=lambda r: r["seq"])


def _file(settings: Settings, event_id: str, unit_code: str | None, report: Report, earlier: list[dict], by: str,
          at: datetime, units: frozenset[str] | None, source: str) -> None:
    report = report.cleaned()
    linked = _linked_items(settings, report.item_ids)
    if unit_code is None and report.item_ids and report.item_ids[0] in linked:
        unit_code = linked[report.item_ids[0]]["unit_code"]
    _check(report, unit_code, earlier, linked, at, units)
    if report.lon is None and report.stage == FIRST:  # where the dispute is: its first located item
        located = [linked[i] for i in report.item_ids if linked[i]["lon"] is not None]
        if located:
            report = replace(report, lon=located[0]["lon"], lat=located[0]["lat"])
    row = {
        "event_id": event_id, "seq": len(earlier) + 1, "stage": report.stage, "reported_at": at, "reported_by": by,
        "unit_code": unit_code, "title": report.title, "facts": report.facts, "causes": report.causes,
        "handling": report.handling, "lessons": report.lessons, "item_ids": list(report.item_ids),
        "lon": report.lon, "lat": report.lat, "participants": report.participants,
    }
    Journal(settings.journal_dir).append(
        EVENT_REPORTS_KIND, [pa.Table.from_pylist([row], schema=EVENT_REPORTS_SCHEMA)], source=source,
        note=f"{event_id} {EVENT_STAGE.label(report.stage)}", schema=EVENT_REPORTS_SCHEMA)


def _check(report: Report, unit_code: str | None, earlier: list[dict], linked: dict[str, dict], at: datetime,
           units: frozenset[str] | None) -> None:
    """Raise EventError for the first rule `report` breaks."""
    def refuse(key: str, **values):
        raise EventError(key, **values)

    stages = [r["stage"] for r in earlier]
    allowed = allowed_next(stages)
    if report.stage not in EVENT_STAGE.labels:
        refuse("msg.events.unknown_stage", stage=report.stage)
    if not allowed:
        refuse("msg.events.event_has_closing_report")
    if report.stage not in allowed:
        refuse("msg.events.only_stages_may_follow",
               stages=Both.listed(((EVENT_STAGE.label(s), EVENT_STAGE.label(s, "en")) for s in allowed), "list.or"))
    if report.stage == FIRST and not report.item_ids and report.lon is None:
        refuse("msg.events.first_report_needs_linked")
    for item_id in report.item_ids:
        if item_id not in linked:
            refuse("msg.events.no_ledger_item_new", id=item_id)
    if unit_code is None:
        refuse("msg.events.choose_reporting_unit")
    if unit_code not in unit_by_code():
        refuse("msg.events.not_reporting_unit", unit_code=unit_code)
    if units is not None and unit_code not in units:
        refuse("msg.events.you_may_only_report")
    if report.stage == FIRST and not report.title:
        refuse("msg.events.first_report_needs_title")
    if not report.facts:
        refuse("msg.events.every_report_needs_facts")
    if report.stage == CLOSING:
        missing = [pair(f"msg.events.part_{part}") for part, value in (("causes", report.causes),
                                                                      ("handling", report.handling),
                                                                      ("lessons", report.lessons)) if not value]
        if missing:
            refuse("msg.events.closing_report_needs", missing=Both.listed(missing))
    elif report.lessons:
        refuse("msg.events.lessons_belong_closing_report")
    for item_id in report.item_ids:
        if units is not None and linked[item_id]["unit_code"] not in units:
            refuse("msg.events.item_belongs_another_unit", id=item_id)
    if (report.lon is None) != (report.lat is None):
        refuse("msg.events.longitude_latitude_go_together")
    if report.lon is not None and not in_guangdong(report.lon, report.lat):
        refuse("msg.events.location_outside", lon=report.lon, lat=report.lat)
    if report.participants is not None and report.participants < 0:
        refuse("msg.events.participants_cannot_negative")
    if at > now_shanghai() + CLOCK_SKEW:
        refuse("msg.events.report_time_in_future", at=f"{at:%Y-%m-%d %H:%M}")
    if earlier and at < earlier[-1]["reported_at"]:
        refuse("msg.events.report_time_before_previous", previous=f"{earlier[-1]['reported_at']:%Y-%m-%d %H:%M}")


def _linked_items(settings: Settings, ids: tuple[str, ...]) -> dict[str, dict]:
    """The items of the current snapshot among `ids`, by id (missing ones are simply absent)."""
    if not ids:
        return {}
    snapshot = current_snapshot(settings)
    if snapshot is None:
        return {}
    rows = read(snapshot, "event_linked_items", ALL, ids=list(ids)).to_dicts()
    return {row["item_id"]: row for row in rows}


# ---- the journal's reports --------------------------------------------------------------------

def _journal_reports(settings: Settings) -> list[dict]:
    files = [p for b in Journal(settings.journal_dir).batches(EVENT_REPORTS_KIND) for p in b.part_files]
    return [row for f in files for row in pq.read_table(f, schema=EVENT_REPORTS_SCHEMA).to_pylist()]


def _new_event_id(at: datetime, known: set[str]) -> str:
    """E + the day + four random hex digits: short enough to say on the phone."""
    while True:
        event_id = f"E{at:%Y%m%d}-{secrets.token_hex(2)}"
        if event_id not in known:
            return event_id


def _lock_file(settings: Settings):
    """One report is filed at a time per data directory, across processes (page, CLI, demo)."""
    return settings.journal_dir / ".event_reports.lock"
