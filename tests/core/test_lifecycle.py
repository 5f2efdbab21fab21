"""The ticket lifecycle allows exactly the documented steps and explains every refusal."""

from __future__ import annotations

import pytest

from core.errors import ImpossibleStep
from core.lifecycle import TRANSITIONS, Step, next_status
from core.models import TicketStatus as S

ALLOWED = {
    (S.WAITING, Step.CALL): S.CALLED,
    (S.CALLED, Step.RECALL): S.CALLED,
    (S.NO_SHOW, Step.CALL_BACK): S.CALLED,
    (S.CALLED, Step.START): S.SERVING,
    (S.SERVING, Step.FINISH): S.DONE,
    (S.CALLED, Step.NO_SHOW): S.NO_SHOW,
    (S.SERVING, Step.TRANSFER): S.TRANSFERRED,
    (S.WAITING, Step.MOVE): S.TRANSFERRED,
    (S.WAITING, Step.CANCEL): S.CANCELLED,
    (S.WAITING, Step.EXPIRE): S.EXPIRED,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("step", list(Step))
def test_every_step_from_every_status(status, step):
    """Each (status, step) pair is either the documented transition or a refusal naming both."""
    if (status, step) in ALLOWED:
        assert next_status(status, step, "A-001") is ALLOWED[(status, step)]
    else:
        with pytest.raises(ImpossibleStep) as refused:
            next_status(status, step, "A-001")
        assert refused.value.status == 409
        assert "A-001" in refused.value.message_en and "A-001" in refused.value.message_ar
        assert refused.value.message_ar.strip() and refused.value.message_en.strip()


def test_finishing_a_waiting_ticket_is_refused_in_plain_words():
    """The example from the design: finishing a waiting ticket says why it cannot be done."""
    with pytest.raises(ImpossibleStep) as refused:
        next_status(S.WAITING, Step.FINISH, "B-042")
    assert refused.value.message_en == "Cannot finish ticket B-042 because it is waiting."
    # The label is isolated so an Arabic line keeps "B-042" in reading order.
    assert "\u2066B-042\u2069" in refused.value.message_ar


def test_terminal_statuses_allow_nothing():
    """done, cancelled, expired and transferred entries never move again."""
    for status in (S.DONE, S.CANCELLED, S.EXPIRED, S.TRANSFERRED):
        assert all(status not in allowed for allowed, _ in TRANSITIONS.values())
