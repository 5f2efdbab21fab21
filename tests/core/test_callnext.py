"""The call-next rule: priority, promotion, the streak limit, fifo and ordered counters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.callnext import choose_next
from core.models import CallMode, Candidate, Priority, ServiceId, TicketId

A, B, C = ServiceId(1), ServiceId(2), ServiceId(3)
NOW = 10_000.0


def ticket(ticket_id: int, service: ServiceId = A, priority: Priority = Priority.NORMAL, waited: float = 60, max_wait: int | None = 1800) -> Candidate:
    return Candidate(TicketId(ticket_id), service, priority, NOW - waited, max_wait)


def pick(candidates, services=(A,), mode=CallMode.FIFO, streak=0, limit=2):
    return choose_next(candidates, list(services), mode, streak, limit, NOW)


def test_nobody_waiting_gives_none():
    """An empty queue, or only tickets of other services, gives no ticket."""
    assert pick([]) is None
    assert pick([ticket(1, service=B)], services=(A,)) is None


def test_fifo_takes_the_earliest_issue():
    """fifo takes the ticket issued first across the counter's services."""
    choice = pick([ticket(1, A, waited=100), ticket(2, B, waited=300), ticket(3, A, waited=200)], services=(A, B))
    assert choice.candidate.ticket_id == 2


def test_ordered_takes_the_first_service_with_someone_waiting():
    """ordered serves the first service in the counter's list before looking at the next."""
    candidates = [ticket(1, A, waited=100), ticket(2, B, waited=900)]
    assert pick(candidates, services=(A, B), mode=CallMode.ORDERED).candidate.ticket_id == 1
    assert pick(candidates, services=(B, A), mode=CallMode.ORDERED).candidate.ticket_id == 2
    assert pick([ticket(2, B, waited=900)], services=(A, B), mode=CallMode.ORDERED).candidate.ticket_id == 2


def test_priority_goes_before_earlier_normal_tickets():
    """An elderly visitor who just arrived is called before normal visitors who waited longer."""
    choice = pick([ticket(1, waited=600), ticket(2, priority=Priority.ELDERLY, waited=5)])
    assert choice.candidate.ticket_id == 2
    assert choice.priority_streak == 1


def test_streak_limit_lets_a_normal_ticket_through():
    """After K priority calls in a row, a waiting normal ticket is taken and the streak resets."""
    candidates = [ticket(1, waited=600), ticket(2, priority=Priority.DISABLED, waited=5)]
    choice = pick(candidates, streak=2, limit=2)
    assert choice.candidate.ticket_id == 1
    assert choice.priority_streak == 0


def test_streak_limit_does_not_block_priority_when_no_normal_waits():
    """With only priority visitors waiting the limit does not leave them standing."""
    choice = pick([ticket(2, priority=Priority.PREGNANT)], streak=5, limit=2)
    assert choice.candidate.ticket_id == 2
    assert choice.priority_streak == 6


def test_zero_limit_means_no_limit():
    """A limit of 0 switches the streak rule off."""
    choice = pick([ticket(1, waited=600), ticket(2, priority=Priority.ELDERLY)], streak=50, limit=0)
    assert choice.candidate.ticket_id == 2


def test_normal_ticket_past_max_wait_is_promoted():
    """A normal ticket that waited past the service's max wait ranks with priority tickets, by time."""
    overdue = ticket(1, waited=2000, max_wait=1800)
    fresh_priority = ticket(2, priority=Priority.ELDERLY, waited=10)
    choice = pick([overdue, fresh_priority, ticket(3, waited=100)])
    assert choice.candidate.ticket_id == 1
    assert choice.promoted is True
    assert choice.priority_streak == 0


def test_no_max_wait_means_no_promotion():
    """A service without a max wait never promotes."""
    choice = pick([ticket(1, waited=99_999, max_wait=None), ticket(2, priority=Priority.APPOINTMENT, waited=1)])
    assert choice.candidate.ticket_id == 2


def test_ties_are_broken_by_ticket_id():
    """Two tickets issued in the same instant go in issue order."""
    assert pick([ticket(7, waited=10), ticket(3, waited=10)]).candidate.ticket_id == 3


candidate_lists = st.lists(
    st.builds(
        Candidate,
        ticket_id=st.integers(1, 10_000).map(TicketId),
        service_id=st.sampled_from([A, B, C]),
        priority=st.sampled_from(list(Priority)),
        queued_at=st.floats(0, NOW),
        max_wait_seconds=st.one_of(st.none(), st.integers(60, 7200)),
    ),
    max_size=40,
    unique_by=lambda c: c.ticket_id,
)


@settings(max_examples=300, deadline=None)
@given(candidates=candidate_lists, services=st.lists(st.sampled_from([A, B, C]), min_size=1, max_size=3, unique=True),
       mode=st.sampled_from(list(CallMode)), streak=st.integers(0, 5), limit=st.integers(0, 4))
def test_rule_invariants(candidates, services, mode, streak, limit):
    """For any queue: the choice is one of the counter's waiting tickets, and the rule's promises hold."""
    choice = choose_next(candidates, services, mode, streak, limit, NOW)
    mine = [c for c in candidates if c.service_id in services]
    if not mine:
        assert choice is None
        return
    chosen = choice.candidate
    assert chosen in mine
    normals = [c for c in mine if not c.priority.is_priority]
    if limit and streak >= limit and normals:
        assert not chosen.priority.is_priority, "the streak limit lets a normal ticket through"
    if chosen.priority.is_priority:
        assert choice.priority_streak == streak + 1
    else:
        assert choice.priority_streak == 0
    if mode is CallMode.FIFO:
        same_rank = [c for c in mine if c.priority.is_priority == chosen.priority.is_priority and not choice.promoted]
        if same_rank and not any(c.max_wait_seconds is not None and NOW - c.queued_at >= c.max_wait_seconds for c in normals):
            assert chosen.queued_at == min(c.queued_at for c in same_rank)
