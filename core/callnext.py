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


def queue_fronts(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Per service, its earliest normal and its earliest priority candidate: all `choose_next`
    needs to choose as it would from every waiting ticket (what the store's queries return)."""
    fronts: dict[tuple[ServiceId, bool], Candidate] = {}
    for candidate in candidates:
        key = (candidate.service_id, candidate.priority.is_priority)
        best = fronts.get(key)
        if best is None or (candidate.queued_at, candidate.ticket_id) < (best.queued_at, best.ticket_id):
            fronts[key] = candidate
    return list(fronts.values())


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
    promoted = [c for c in pool if is_promoted(c, now)]
    genuine_priority = [c for c in pool if c.priority.is_priority]
    normal = [c for c in pool if not c.priority.is_priority]

    streak_full = priority_streak_limit > 0 and priority_streak >= priority_streak_limit
    if streak_full and normal:
        # Enough priority in a row: a normal ticket now, the longest-overdue ones first.
        chosen = _pick(promoted, services, mode) if promoted else _pick(normal, services, mode)
    elif genuine_priority or promoted:
        chosen = _pick(genuine_priority + promoted, services, mode)
    else:
        chosen = _pick(normal, services, mode)

    took_priority = chosen.priority.is_priority
    return Choice(
        candidate=chosen,
        priority_streak=priority_streak + 1 if took_priority else 0,
        promoted=not took_priority and is_promoted(chosen, now),
    )


def remote_turn(remote: bool, arrived: bool, skips: int) -> str:
    """What happens to a ticket taken from a phone when its turn comes: `call` it if it is not
    remote or its visitor confirmed arrival at the kiosk; the first time it comes up unconfirmed
    `skip` it to the back of its queue; the second time mark it `no_show`."""
    if not remote or arrived:
        return "call"
    return "skip" if skips < 1 else "no_show"
