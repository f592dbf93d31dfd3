"""等级确认: a grade I or II dispute changes what the province does (the emergency team goes out,
leaders are told), so such a grade, whoever set it, counts as confirmed only when a provincial
leader or an administrator has confirmed it; a rejection goes back to the unit with its reason.

The state is in the item (`grade_review`: 待确认 / 已确认 / 已退回, with the note, who and when):
- an item captured or regraded to a grade that needs confirmation (`[grade_review] grades`,
  default I and II) is 待确认; a regrade after a confirmation or a rejection asks again, and a
  regrade to a grade that needs none clears the state;
- confirming or rejecting is a journalled change like a verification (history, audit), taken
  under the verification lock, and only of an item still 待确认 when the lock is held, so two
  reviewers cannot both decide; the dashboards follow through a background rebuild (ledger/store/rebuild.py).
"""
from __future__ import annotations

from datetime import datetime

from queries import ALL

from ledger.access import audit
from ledger.access import User
from ledger.changes import CHANGES_SCHEMA, KIND as CHANGES_KIND, Change, changes_table
from ledger.config import Settings, load_settings
from ledger.store.rebuild import rebuild_soon
from ledger.store import Journal, exclusive_lock, now_shanghai
from ledger.i18n import Both, Refusal, pair

DECISIONS = {"confirm": "confirmed", "reject": "rejected"}
REVIEW_COLUMNS = ("grade_review", "grade_review_note", "grade_reviewed_by", "grade_reviewed_at")
REVIEWER_ROLES = ("leader", "admin")  # provincial roles; an officer grades, the province confirms


class ReviewError(Refusal):
    """A confirmation that cannot be made."""


def initial_review(grade: str | None, settings: Settings | None = None) -> str | None:
    """The review state of a newly set `grade`: 待确认 where the province confirms it, else none."""
    return "pending" if grade in (settings or load_settings()).grades_to_confirm else None


def after_regrade(grade: str | None, settings: Settings | None = None) -> dict:
    """The review columns once an item's grade is set to `grade` (a new question, no old answer)."""
    return {"grade_review": initial_review(grade, settings), "grade_review_note": None,
            "grade_reviewed_by": None, "grade_reviewed_at": None}


def can_review(user: User) -> bool:
    return user.role.code in REVIEWER_ROLES


def review(settings: Settings, item_id: str, decision: str, user: User, note: str = "",
           at: datetime | None = None) -> Change:
    """Confirm or reject the pending grade of `item_id` as `user`; returns the journalled change."""
    from ledger.workflow.verify import VERIFY_LOCK_FILE, load_item
    if not can_review(user):
        raise ReviewError("msg.grade_review.role_cannot_review", role=Both(user.role.zh, user.role.en))
    if decision not in DECISIONS:
        raise ReviewError("msg.grade_review.choose_decision")
    note = note.strip()
    if decision == "reject" and not note:
        raise ReviewError("msg.grade_review.reason_needed")
    at = at or now_shanghai()
    by = user.name or user.username
    with exclusive_lock(settings.journal_dir / VERIFY_LOCK_FILE):
        item = load_item(settings, item_id, ALL).item  # the province confirms grades of every unit
        if item.get("grade_review") != "pending":
            state = pair({"confirmed": "msg.grade_review.state_confirmed", "rejected": "msg.grade_review.state_rejected"}
                         .get(item.get("grade_review"), "msg.grade_review.state_none"))
            raise ReviewError("msg.grade_review.not_pending", item_id=item_id, state=Both(*state))
        after = {"grade_review": DECISIONS[decision], "grade_review_note": note or None,
                 "grade_reviewed_by": by, "grade_reviewed_at": at}
        change = Change(item_id, before={k: item.get(k) for k in after}, after=after,
                        note=f"等级{item.get('grade')}级{'确认' if decision == 'confirm' else '退回'}")
        Journal(settings.journal_dir).append(CHANGES_KIND, [changes_table([change], at, user.username)],
                                             source=f"grade:{user.username}", note=f"等级确认 {item_id}",
                                             schema=CHANGES_SCHEMA)
    audit.record(settings, "grade_review", user.username, item_id=item_id, decision=decision, grade=item.get("grade"))
    rebuild_soon(settings)
    return change
