"""The call-next rule: which waiting ticket a counter takes. Pure; the store feeds it.

Priority tickets (elderly, disabled, pregnant, appointment) go first, and a normal ticket
that has waited past its service's max wait is promoted to their rank. A counter never takes
more than `priority_streak_limit` priority tickets in a row while normal ones wait. Within a
rank, `fifo` takes the earliest first-issued ticket across the counter's services; `ordered`
takes the first service in the counter's list that has anyone in that rank.

The rule only ever takes the earliest ticket of a service within a rank, and a service's
most overdue normal ticket is its earliest one, so it needs no more than the front of each
queue: per service, the earliest waiting normal ticket and the earliest waiting priority one
(`queue_fronts`). The store asks the database for just those, with indexed `ORDER BY … LIMIT 1`
queries, so a call costs the same with 20 or 2,000 people waiting.

Appointment tickets (checked in at the kiosk for a booked slot) are a third queue per service,
ordered by slot. The order a counter follows (docs/decisions/appointments-in-the-call-order.md):

1. priority walk-ins (elderly, disabled, pregnant) and walk-ins past their service's max wait,
   together by time, as before: an appointment never holds back a walk-in past its max wait;
2. appointment tickets whose slot has begun, earliest slot first;
3. normal walk-ins;
4. appointment tickets whose slot has not begun yet (only when nobody else waits).

The streak limit still lets a walk-in through after `priority_streak_limit` priority tickets in
a row (a walk-in past its max wait first, then a due appointment, then the earliest walk-in);
appointment tickets neither add to the streak nor end it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.models import CallMode, Candidate, ServiceId


@dataclass(frozen=True, slots=True)
class Choice:
    candidate: Candidate
    priority_streak: int  # the counter's streak after taking it
    promoted: bool  # a normal ticket taken at priority rank because it waited too long


def is_promoted(candidate: Candidate, now: float) -> bool:
    return (
        not candidate.priority.is_priority
        and candidate.max_wait_seconds is not None
        and now - candidate.queued_at >= candidate.max_wait_seconds
    )


def _pick(pool: Sequence[Candidate], services: Sequence[ServiceId], mode: CallMode) -> Candidate:
    if mode is CallMode.ORDERED:
        rank = {service_id: index for index, service_id in enumerate(services)}
        return min(pool, key=lambda c: (rank.get(c.service_id, len(rank)), c.queued_at, c.ticket_id))
    return min(pool, key=lambda c: (c.queued_at, c.ticket_id))


def _pick_slot(pool: Sequence[Candidate], services: Sequence[ServiceId], mode: CallMode) -> Candidate:
    """The appointment to take: the earliest slot (of the first service with one, for `ordered`)."""
    if mode is CallMode.ORDERED:
        rank = {service_id: index for index, service_id in enumerate(services)}
        return min(pool, key=lambda c: (rank.get(c.service_id, len(rank)), c.slot_start, c.ticket_id))
    return min(pool, key=lambda c: (c.slot_start, c.ticket_id))


def queue_of(candidate: Candidate) -> str:
    """Which of a service's three queues the ticket stands in."""
    if candidate.is_appointment:
        return "appointment"
    return "priority" if candidate.priority.is_priority else "normal"


def queue_fronts(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Per service, its earliest normal and earliest priority walk-in and its earliest-slot
    appointment: all `choose_next` needs to choose as it would from every waiting ticket (what
    the store's queries return)."""
    fronts: dict[tuple[ServiceId, str], Candidate] = {}
    for candidate in candidates:
        key = (candidate.service_id, queue_of(candidate))
        best = fronts.get(key)
        if best is None or _front_key(candidate) < _front_key(best):
            fronts[key] = candidate
    return list(fronts.values())


def _front_key(candidate: Candidate) -> tuple[float, int]:
    if candidate.is_appointment:
        return (candidate.slot_start, candidate.ticket_id)
    return (candidate.queued_at, candidate.ticket_id)


def choose_next(
    candidates: Sequence[Candidate],
    services: Sequence[ServiceId],
    mode: CallMode,
    priority_streak: int,
    priority_streak_limit: int,
    now: float,
) -> Choice | None:
    """The ticket the counter should call next, or None when nobody waits for its services."""
    served = set(services)
    pool = [c for c in candidates if c.service_id in served]
    if not pool:
        return None
    walk_ins = [c for c in pool if not c.is_appointment]
    due = [c for c in pool if c.is_appointment and c.slot_start <= now]
    early = [c for c in pool if c.is_appointment and c.slot_start > now]
    promoted = [c for c in walk_ins if is_promoted(c, now)]
    genuine_priority = [c for c in walk_ins if c.priority.is_priority]
    normal = [c for c in walk_ins if not c.priority.is_priority]

    streak_full = priority_streak_limit > 0 and priority_streak >= priority_streak_limit
    if streak_full and normal:
        # Enough priority in a row: a walk-in now, the longest-overdue ones first; a due
        # appointment still goes before a walk-in who is not overdue.
        if promoted:
            chosen = _pick(promoted, services, mode)
        elif due:
            chosen = _pick_slot(due, services, mode)
        else:
            chosen = _pick(normal, services, mode)
    elif genuine_priority or promoted:
        chosen = _pick(genuine_priority + promoted, services, mode)
    elif due:
        chosen = _pick_slot(due, services, mode)
    elif normal:
        chosen = _pick(normal, services, mode)
    else:
        chosen = _pick_slot(early, services, mode)

    if chosen.is_appointment:
        streak = priority_streak
    elif chosen.priority.is_priority:
        streak = priority_streak + 1
    else:
        streak = 0
    return Choice(
        candidate=chosen,
        priority_streak=streak,
        promoted=not chosen.priority.is_priority and is_promoted(chosen, now),
    )


def remote_turn(remote: bool, arrived: bool, skips: int) -> str:
    """What happens to a ticket taken from a phone when its turn comes: `call` it if it is not
    remote or its visitor confirmed arrival at the kiosk; the first time it comes up unconfirmed
    `skip` it to the back of its queue; the second time mark it `no_show`."""
    if not remote or arrived:
        return "call"
    return "skip" if skips < 1 else "no_show"
