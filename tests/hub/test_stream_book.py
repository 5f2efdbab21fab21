"""The streams' bookkeeping both watches share: a visit's phones and the pages following its complaints."""

from __future__ import annotations

import pytest

from core.store import Store
from hub.phones import PhoneWatch, TooManyStreams
from hub.visit_feedback import VisitFeedbackWatch


def _phone_watch(store: Store):
    return PhoneWatch(store, max_streams=3, max_per_ticket=2), {"status": "done", "code": "A001"}


def _feedback_watch(store: Store):
    return VisitFeedbackWatch(store, max_streams=3, max_per_visit=2), []  # no entry: nothing to read again


@pytest.mark.parametrize("make", [_phone_watch, _feedback_watch], ids=["visit", "feedback"])
def test_both_watches_bound_their_streams_per_code_and_in_all_and_count_each_leave_once(store: Store, make):
    watch, first = make(store)
    a1, a2 = (watch.join("A001", first) for _ in range(2))
    with pytest.raises(TooManyStreams) as one_code:
        watch.check_room("A001")
    assert one_code.value.scope == "ticket"

    watch.check_room("B002")
    b1 = watch.join("B002", first)
    with pytest.raises(TooManyStreams) as all_codes:
        watch.check_room("C003")
    assert all_codes.value.scope == "hub"

    assert watch.leave(a1) is False  # A001 still has a2
    assert watch.leave(a1) is False  # again: not counted twice
    assert watch.stream_count == 2
    watch.check_room("A001")
    assert watch.leave(a2) is True
    assert "A001" not in watch.phones
    assert watch.leave(b1) is True
    assert (watch.stream_count, watch.phones) == (0, {})


def test_a_visit_phone_leaving_last_stops_its_code_being_watched(store: Store):
    watch, first = _phone_watch(store)
    phone = watch.join("A001", first)
    watch.watched[1] = {"A001", "B002"}
    watch.leave(phone)
    assert watch.watched[1] == {"B002"}


@pytest.mark.parametrize("visit, what", [(False, "ticket"), (True, "visit")])
def test_a_full_code_or_hub_is_refused_in_both_languages_before_any_stream_opens(store: Store, visit, what):
    """The three stream routes open their pages through `open_stream`: 429 `too_many_streams`,
    saying what is full, and nothing joined."""
    from core.errors import RateLimited
    from hub.routes.public import KEEP_ALIVE_RETRY, open_stream

    watch = VisitFeedbackWatch(store, max_streams=2, max_per_visit=1)
    watch.join("A001", [])
    with pytest.raises(RateLimited) as one_code:
        open_stream(watch, "A001", [], visit=visit)
    assert f"This {what} is followed by 1 pages" in str(one_code.value.message_en) and one_code.value.message_ar
    assert one_code.value.code == "too_many_streams" and one_code.value.retry_after == KEEP_ALIVE_RETRY
    watch.join("B002", [])
    with pytest.raises(RateLimited) as whole_hub:
        open_stream(watch, "C003", [], visit=visit)
    assert "as many phones as it may" in whole_hub.value.message_en
    assert watch.stream_count == 2
    assert open_stream(VisitFeedbackWatch(store), "A001", []).code == "A001"
