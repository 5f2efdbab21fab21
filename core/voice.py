"""The visitor's voice on the store's side: ratings after a visit, the complaints and
suggestions box, and the removal of what visitors wrote once the centre's retention is over.

Writes run on the store's writer (`command(tx, ...)`); reads take a read connection. The
events these emit carry no personal data (no comment, text or mobile number): the event log
is kept for ever and shipped to the central, and retention must be able to remove it all.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from core.errors import BadInput, ImpossibleStep, NotFound
from core.models import EventType, TicketStatus
from core.store import Store, Tx
from core.views import iso

MAX_COMMENT = 500
MAX_FEEDBACK_TEXT = 2000
RATING_WINDOW_SECONDS = 24 * 3600
KINDS = ("complaint", "suggestion", "thanks")
STATUSES = ("new", "in_progress", "answered", "closed")
RATING_SOURCES = ("phone", "feedback")
FEEDBACK_SOURCES = ("phone", "kiosk", "api")
MAX_ANSWER = 2000
MAX_LISTED = 500

# A reference a visitor can read out on the telephone: no 0/O, 1/I/L. Ten of these letters
# are about 48 bits, so references cannot be guessed to read someone else's answer.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 10
REFERENCE_PATTERN = r"^[2-9A-HJKMNP-Z]{10}$"

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_MOBILE = re.compile(r"^\+?[0-9]{7,15}$")


# ── what visitors type ───────────────────────────────────────────────────────────────────


def _clean_text(value: str | None, limit: int, what_en: str, what_ar: str, *, required: bool) -> str | None:
    text = (value or "").strip()
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    if not text:
        if required:
            raise BadInput(f"Write the {what_en} first.", f"اكتب {what_ar} أولاً.", code="empty_text")
        return None
    if len(text) > limit:
        raise BadInput(
            f"The {what_en} is {len(text)} characters long; at most {limit} are kept.",
            f"{what_ar} طويل: \u2066{len(text)}\u2069 حرفاً، والحد \u2066{limit}\u2069 حرف.",
            code="text_too_long",
        )
    return text


def normalise_mobile(value: str | None) -> str | None:
    """A mobile number as typed (Arabic-Indic digits, spaces, hyphens), in Western digits; None if none."""
    if value is None:
        return None
    number = re.sub(r"[\s\-().]", "", value.translate(_ARABIC_DIGITS))
    if not number:
        return None
    if not _MOBILE.match(number):
        raise BadInput(
            "The mobile number should have 7 to 15 digits, e.g. 0501234567.",
            "رقم الجوال يتكون من \u20667\u2069 إلى \u206615\u2069 رقماً، مثل \u20660501234567\u2069.",
            code="bad_mobile",
        )
    return number


# ── ratings ──────────────────────────────────────────────────────────────────────────────


def _visit_by_code(tx: Tx, code: str):
    """The ticket a phone code stands for now (a transfer goes on under the same code)."""
    return tx.one("SELECT * FROM tickets WHERE code = ? ORDER BY id DESC LIMIT 1", (code,))


def _rating_view(store: Store, row: Any, label: str | None = None) -> dict[str, Any]:
    return {"number": label if label is not None else row["label"], "score": row["score"], "comment": row["comment"],
            "source": row["source"], "at": iso(row["at"], store.catalogue)}


def rate(
    tx: Tx,
    score: int,
    comment: str | None,
    *,
    source: str,
    code: str | None = None,
    ticket_id: int | None = None,
    device_id: int | None = None,
) -> dict[str, Any]:
    """Record the visitor's rating of a finished visit: once per ticket (the first wins), for 24 h
    after the visit ended. Found by the phone's code or, for the counter-top screen, the ticket id."""
    if source not in RATING_SOURCES:
        raise BadInput(f"Unknown source {source!r}.", "مصدر غير معروف.")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise BadInput("The score is a whole number from 1 to 5.", "التقييم رقم صحيح من \u20661\u2069 إلى \u20665\u2069.", code="bad_score")
    comment = _clean_text(comment, MAX_COMMENT, "comment", "التعليق", required=False)
    row = _visit_by_code(tx, code) if code is not None else tx.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    if row is None:
        raise NotFound("No such ticket.", "لا توجد تذكرة بهذا الرمز.")
    if row["status"] != TicketStatus.DONE.value or row["finished_at"] is None:
        raise ImpossibleStep(
            "This visit has not ended with a service yet; rate it once you have been served.",
            "لم تنتهِ هذه الزيارة بخدمة بعد؛ يمكنك التقييم بعد أن تُخدم.",
            code="visit_not_finished",
        )
    if tx.now - row["finished_at"] > RATING_WINDOW_SECONDS:
        raise ImpossibleStep(
            "A visit can be rated for 24 hours after it ended; this one is older.",
            "يمكن تقييم الزيارة خلال \u206624\u2069 ساعة من انتهائها، وقد مضت هذه المدة.",
            code="rating_closed",
        )
    if tx.one("SELECT 1 FROM ratings WHERE ticket_id = ?", (row["id"],)) is not None:
        raise ImpossibleStep(
            "This visit has been rated already; thank you. Only the first rating counts.",
            "تم تقييم هذه الزيارة من قبل، شكراً لك. يُحتسب التقييم الأول فقط.",
            code="already_rated",
        )
    tx.conn.execute(
        "INSERT INTO ratings (ticket_id, business_day, service_id, counter_id, clerk_id, score, comment, source, device_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row["id"], row["business_day"], row["service_id"], row["counter_id"], row["clerk_id"], score, comment, source,
         device_id, tx.now),
    )
    saved = tx.one("SELECT * FROM ratings WHERE ticket_id = ?", (row["id"],))
    tx.emit(
        EventType.RATING_RECORDED, ticket_id=row["id"], counter_id=row["counter_id"],
        rating={"ticket_id": row["id"], "number": row["label"], "service_id": row["service_id"],
                "counter_id": row["counter_id"], "score": score, "source": source, "business_day": row["business_day"]},
    )
    return _rating_view(tx.store, saved, row["label"])


def rating_state(store: Store, code: str) -> dict[str, Any] | None:
    """What the phone page shows under a visit: may it be rated now, and the rating if given."""
    with store.read() as conn:
        row = conn.execute("SELECT * FROM tickets WHERE code = ? ORDER BY id DESC LIMIT 1", (code,)).fetchone()
        if row is None:
            return None
        rating = conn.execute("SELECT * FROM ratings WHERE ticket_id = ?", (row["id"],)).fetchone()
    finished = row["status"] == TicketStatus.DONE.value and row["finished_at"] is not None
    closes = row["finished_at"] + RATING_WINDOW_SECONDS if finished else None
    open_now = finished and rating is None and store.clock() <= closes
    return {
        "number": row["label"],
        "can_rate": bool(open_now),
        "closes_at": iso(closes, store.catalogue),
        "rating": _rating_view(store, rating, row["label"]) if rating is not None else None,
    }


# ── complaints, suggestions, thanks ──────────────────────────────────────────────────────


def _new_reference(tx: Tx) -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if tx.one("SELECT 1 FROM visitor_feedback WHERE reference = ?", (reference,)) is None:
            return reference


def feedback_view(store: Store, row: Any, *, personal: bool = True) -> dict[str, Any]:
    """A complaint, suggestion or thanks. `personal=False` leaves out what the visitor wrote and
    their number (events, lists shown on screens others see)."""
    view = {
        "reference": row["reference"],
        "kind": row["kind"],
        "status": row["status"],
        "source": row["source"],
        "business_day": row["business_day"],
        "created_at": iso(row["created_at"], store.catalogue),
        "updated_at": iso(row["updated_at"], store.catalogue),
        "answered_at": iso(row["answered_at"], store.catalogue),
        "closed_at": iso(row["closed_at"], store.catalogue),
        "assignee": row["assignee"],
        "answer": row["answer"],
        "redacted": row["redacted_at"] is not None,
    }
    if personal:
        view["text"] = row["text"]
        view["mobile"] = row["mobile"]
    return view


def _public_feedback_view(store: Store, row: Any) -> dict[str, Any]:
    """What the visitor following a reference sees: the state and the centre's answer."""
    return {
        "reference": row["reference"],
        "kind": row["kind"],
        "status": row["status"],
        "created_at": iso(row["created_at"], store.catalogue),
        "answered_at": iso(row["answered_at"], store.catalogue),
        "answer": row["answer"],
    }


def file_feedback(
    tx: Tx, kind: str, text: str, *, mobile: str | None = None, ticket_code: str | None = None, source: str = "phone"
) -> dict[str, Any]:
    """File a complaint, suggestion or thanks; the answer carries the reference the visitor follows."""
    if kind not in KINDS:
        raise BadInput("The kind is complaint, suggestion or thanks.", "النوع: شكوى أو اقتراح أو شكر.", code="bad_kind")
    if source not in FEEDBACK_SOURCES:
        raise BadInput(f"Unknown source {source!r}.", "مصدر غير معروف.")
    text = _clean_text(text, MAX_FEEDBACK_TEXT, "text", "النص", required=True)
    mobile = normalise_mobile(mobile)
    visit = None
    if ticket_code:
        visit = _visit_by_code(tx, ticket_code)
        if visit is None:
            raise NotFound("No ticket has this code.", "لا توجد تذكرة بهذا الرمز.")
    reference = _new_reference(tx)
    cursor = tx.conn.execute(
        "INSERT INTO visitor_feedback (reference, kind, text, mobile, ticket_id, business_day, service_id, counter_id, "
        "clerk_id, source, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)",
        (reference, kind, text, mobile,
         visit["id"] if visit else None, visit["business_day"] if visit else tx.business_day,
         visit["service_id"] if visit else None, visit["counter_id"] if visit else None,
         visit["clerk_id"] if visit else None, source, tx.now, tx.now),
    )
    row = tx.one("SELECT * FROM visitor_feedback WHERE id = ?", (cursor.lastrowid,))
    tx.emit(EventType.FEEDBACK_FILED, ticket_id=visit["id"] if visit else None, feedback=feedback_view(tx.store, row, personal=False))
    return _public_feedback_view(tx.store, row)


def public_feedback(store: Store, reference: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute("SELECT * FROM visitor_feedback WHERE reference = ?", (reference.upper(),)).fetchone()
    return _public_feedback_view(store, row) if row is not None else None


def feedback_for_visit(store: Store, code: str) -> list[dict[str, Any]]:
    """Every complaint, suggestion or thanks filed from this visit's phone page, newest first."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT f.* FROM visitor_feedback f JOIN tickets t ON t.id = f.ticket_id WHERE t.code = ? "
            "ORDER BY f.id DESC LIMIT 50", (code,),
        ).fetchall()
    return [_public_feedback_view(store, row) for row in rows]


def followed_feedback(store: Store, code: str) -> list[dict[str, Any]] | None:
    """`feedback_for_visit`, or None when no ticket has this code."""
    with store.read() as conn:
        if conn.execute("SELECT 1 FROM tickets WHERE code = ? LIMIT 1", (code,)).fetchone() is None:
            return None
    return feedback_for_visit(store, code)


def get_feedback(store: Store, reference: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = conn.execute("SELECT * FROM visitor_feedback WHERE reference = ?", (reference.upper(),)).fetchone()
    return feedback_view(store, row) if row is not None else None


def list_feedback(store: Store, status: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The inbox, newest first; `status` keeps only that one."""
    if status is not None and status not in STATUSES:
        raise BadInput("The status is new, in_progress, answered or closed.", "الحالة غير معروفة.", code="bad_status")
    sql, params = "SELECT * FROM visitor_feedback", []
    if status is not None:
        sql += " WHERE status = ?"
        params.append(status)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(min(max(limit, 1), MAX_LISTED))
    with store.read() as conn:
        rows = conn.execute(sql, params).fetchall()
    return [feedback_view(store, row) for row in rows]


def _feedback_row(tx: Tx, reference: str):
    row = tx.one("SELECT * FROM visitor_feedback WHERE reference = ?", (reference.upper(),))
    if row is None:
        raise NotFound("No feedback has this reference.", "لا توجد ملاحظة بهذا الرقم المرجعي.")
    return row


def feedback_snapshot(reference: str):
    """For the audit log: the parts a supervisor changes (never the visitor's text or number)."""

    def snapshot(tx: Tx) -> dict[str, Any] | None:
        row = tx.one("SELECT status, assignee, answer FROM visitor_feedback WHERE reference = ?", (reference.upper(),))
        return dict(row) if row is not None else None

    return snapshot


def update_feedback(
    tx: Tx, reference: str, *, status: str | None = None, assignee: str | None = None, answer: str | None = None,
    unassign: bool = False,
) -> dict[str, Any]:
    """A supervisor's step on a complaint: assign it, answer it, move its status. Answering sets
    `answered`; an answer is required before `answered`; a closed one takes no answer any more."""
    row = _feedback_row(tx, reference)
    new_status = row["status"]
    if status is not None:
        if status not in STATUSES:
            raise BadInput("The status is new, in_progress, answered or closed.", "الحالة غير معروفة.", code="bad_status")
        new_status = status
    new_answer = row["answer"]
    if answer is not None:
        if row["status"] == "closed":
            raise ImpossibleStep("This one is closed; reopen it before answering.", "هذه الملاحظة مغلقة؛ أعد فتحها قبل الرد.", code="feedback_closed")
        new_answer = _clean_text(answer, MAX_ANSWER, "answer", "الرد", required=True)
        if status is None:
            new_status = "answered"
    if new_status == "answered" and not new_answer:
        raise BadInput("Write the answer before marking it answered.", "اكتب الرد قبل وضع حالة «تم الرد».", code="answer_required")
    new_assignee = None if unassign else (assignee if assignee is not None else row["assignee"])
    if new_assignee is not None and assignee is not None:
        clerk = tx.one("SELECT role, active FROM clerks WHERE username = ?", (new_assignee,))
        if clerk is None or clerk["role"] not in ("supervisor", "admin") or not clerk["active"]:
            raise BadInput(
                f"{new_assignee!r} is not an active supervisor.", "المستخدم المحدد ليس مشرفاً نشطاً.", code="not_a_supervisor"
            )
    answered_at = row["answered_at"]
    if new_status == "answered" and (answered_at is None or answer is not None and row["answer"] is None):
        answered_at = answered_at or tx.now
    closed_at = tx.now if new_status == "closed" and row["closed_at"] is None else (row["closed_at"] if new_status == "closed" else None)
    tx.conn.execute(
        "UPDATE visitor_feedback SET status = ?, assignee = ?, answer = ?, answered_at = ?, closed_at = ?, updated_at = ? "
        "WHERE id = ?",
        (new_status, new_assignee, new_answer, answered_at, closed_at, tx.now, row["id"]),
    )
    after = tx.one("SELECT * FROM visitor_feedback WHERE id = ?", (row["id"],))
    tx.emit(EventType.FEEDBACK_CHANGED, ticket_id=row["ticket_id"], feedback=feedback_view(tx.store, after, personal=False))
    return feedback_view(tx.store, after)


# ── personal data: retention, export, deletion ───────────────────────────────────────────


def apply_retention(tx: Tx) -> dict[str, int]:
    """Clear comments, complaint texts and mobile numbers older than the centre's retention
    period (setting `redacted_at`); scores, kinds, statuses and times stay for the figures.
    Run at start-up and at each day's rollover."""
    days = tx.catalogue.config.feedback.retention_days
    cutoff = tx.now - days * 86400
    ratings = tx.conn.execute(
        "UPDATE ratings SET comment = NULL, redacted_at = ? WHERE at < ? AND redacted_at IS NULL AND comment IS NOT NULL",
        (tx.now, cutoff),
    ).rowcount
    feedback = tx.conn.execute(
        "UPDATE visitor_feedback SET text = NULL, mobile = NULL, redacted_at = ? "
        "WHERE created_at < ? AND redacted_at IS NULL AND (text IS NOT NULL OR mobile IS NOT NULL)",
        (tx.now, cutoff),
    ).rowcount
    return {"ratings": ratings, "feedback": feedback}


EXPORT_FORMATS = ("json", "csv")


def export_feedback(tx: Tx, reference: str, actor: Any, file_format: str) -> dict[str, Any]:
    """A visitor's request to see what the centre holds under their reference: the entry whole,
    and the rating of the same visit (its comment is theirs too). Run on the writer so the audit
    entry (who, when, which format; never the content) commits with the read."""
    from core import audit

    if file_format not in EXPORT_FORMATS:
        raise BadInput("Export as json or csv.", "التصدير بصيغة json أو csv.", code="bad_format")
    row = _feedback_row(tx, reference)
    entry = feedback_view(tx.store, row)
    rating = tx.one("SELECT * FROM ratings WHERE ticket_id = ?", (row["ticket_id"],)) if row["ticket_id"] else None
    visit = tx.one("SELECT label FROM tickets WHERE id = ?", (row["ticket_id"],)) if row["ticket_id"] else None
    entry["visit"] = {
        "number": visit["label"],
        "rating": _rating_view(tx.store, rating, visit["label"]) if rating is not None else None,
    } if visit is not None else None
    audit.record(tx, actor, "feedback.export", row["reference"], None, {"format": file_format})
    return entry


def erase_feedback(tx: Tx, reference: str) -> dict[str, Any]:
    """A visitor's request to delete what they wrote: the entry's text and number, and the comment
    of the same visit's rating, go now; the rows (kind, status, score, times) stay so the figures
    keep their count."""
    row = _feedback_row(tx, reference)
    tx.conn.execute(
        "UPDATE visitor_feedback SET text = NULL, mobile = NULL, redacted_at = ?, updated_at = ? WHERE id = ?",
        (tx.now, tx.now, row["id"]),
    )
    if row["ticket_id"] is not None:
        tx.conn.execute(
            "UPDATE ratings SET comment = NULL, redacted_at = ? WHERE ticket_id = ? AND comment IS NOT NULL",
            (tx.now, row["ticket_id"]),
        )
    after = tx.one("SELECT * FROM visitor_feedback WHERE id = ?", (row["id"],))
    tx.emit(EventType.FEEDBACK_CHANGED, ticket_id=row["ticket_id"], feedback=feedback_view(tx.store, after, personal=False))
    return feedback_view(tx.store, after)


# ── the answer target, in working days ───────────────────────────────────────────────────


def is_working_day(hours, day) -> bool:
    """The centre opens that day: its weekday has hours (or it is always open) and no holiday closes it."""
    for special in hours.special:
        if special.covers(day):
            return bool(special.spans)
    return hours.always_open or bool(hours.weekly.get(day.weekday()))


def answer_due(catalogue, filed_at: float):
    """The day by which an entry filed at `filed_at` should be answered: the centre's target of
    working days after the day it was filed (a holiday or a closed weekday does not count)."""
    from datetime import datetime, timedelta, timezone

    from core.config import build_hours

    centre = catalogue.config.centre
    hours = build_hours(centre.hours, centre.special_days)
    day = datetime.fromtimestamp(filed_at, tz=timezone.utc).astimezone(catalogue.tz).date()
    left = catalogue.config.feedback.answer_target_working_days
    for _ in range(3660):  # ten years of days: a centre closed for longer has no target
        if left == 0:
            break
        day += timedelta(days=1)
        if is_working_day(hours, day):
            left -= 1
    return day


def working_days_between(catalogue, filed_at: float, until) -> int:
    """Working days after the day an entry was filed, up to and including `until` (a date): the
    response time the target is counted in."""
    from datetime import datetime, timedelta, timezone

    from core.config import build_hours

    centre = catalogue.config.centre
    hours = build_hours(centre.hours, centre.special_days)
    day = datetime.fromtimestamp(filed_at, tz=timezone.utc).astimezone(catalogue.tz).date()
    count = 0
    for _ in range(3660):
        day += timedelta(days=1)
        if day > until:
            break
        if is_working_day(hours, day):
            count += 1
    return count


def with_target(catalogue, entry: dict[str, Any], now: float) -> dict[str, Any]:
    """The inbox row with its due day, whether the answer came (or is) within the target, and the
    response time so far in working days (`response_days`, against `target_days`)."""
    from datetime import datetime

    filed = datetime.fromisoformat(entry["created_at"]).timestamp()
    due = answer_due(catalogue, filed)
    answered = entry["answered_at"]
    by = datetime.fromisoformat(answered).date() if answered else datetime.fromtimestamp(now, catalogue.tz).date()
    return {**entry, "due": due.isoformat(), "on_time": by <= due, "late": answered is None and by > due,
            "response_days": working_days_between(catalogue, filed, by),
            "target_days": catalogue.config.feedback.answer_target_working_days}
