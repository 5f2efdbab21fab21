"""Printer states: status bytes decode to distinct states, each with bilingual messages."""

from __future__ import annotations

import pytest

from printer.status import PrinterState, decode_status


@pytest.mark.parametrize(
    ("online", "cause", "paper", "state"),
    [
        (0x12, None, 0x12, PrinterState.READY),
        (0x12, None, 0x1E, PrinterState.PAPER_NEAR_END),
        (0x1A, 0x32, 0x7E, PrinterState.PAPER_OUT),
        (0x1A, 0x16, 0x12, PrinterState.COVER_OPEN),
        (0x1A, 0x32, 0x12, PrinterState.PAPER_OUT),
        (0x1A, 0x52, 0x12, PrinterState.ERROR),
        (0x1A, 0x12, 0x12, PrinterState.OFFLINE),
        (0x1A, None, 0x12, PrinterState.OFFLINE),
    ],
)
def test_status_bytes_decode(online: int, cause: int | None, paper: int | None, state: PrinterState) -> None:
    """DLE EOT 1/2/4 answers map to the worst condition they report."""
    assert decode_status(online, cause, paper) is state


def test_every_state_has_both_messages() -> None:
    """Each state has an Arabic and an English message, all different from each other."""
    arabic = [s.message_ar for s in PrinterState]
    english = [s.message_en for s in PrinterState]
    assert len(set(arabic)) == len(arabic) and len(set(english)) == len(english)
    for text in arabic:
        assert any("\u0600" <= ch <= "\u06ff" for ch in text)


def test_which_states_print() -> None:
    """Only ready, paper near end and unknown let a ticket go out; the rest ask the visitor to note the number."""
    printable = {s for s in PrinterState if s.ok_to_print}
    assert printable == {PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN}
    assert PrinterState.SILENT.visitor_should_note_number
    assert not PrinterState.SILENT.ok_to_print
    assert PrinterState.PAPER_NEAR_END.needs_staff and not PrinterState.UNKNOWN.needs_staff


def test_state_values_are_stable_codes() -> None:
    """The codes sent to the hub in device.status are fixed strings (e.g. paper_out)."""
    assert PrinterState.PAPER_OUT.value == "paper_out"
    assert PrinterState("silent") is PrinterState.SILENT
