"""The feedback reference slip: drawn at the printer's width on both Arabic layout paths, and sent like a ticket."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from printer.layout import raqm_available
from printer.output import print_drawing
from printer.slip import ReferenceSlip, render_slip
from tests.printer.fake_printer import FakePrinter

RIYADH = timezone(timedelta(hours=3))


def slip(**changes) -> ReferenceSlip:
    fields = dict(reference="9WS4YR4CRR", kind="complaint", centre_name_ar="مركز خدمات الأعمال",
                  centre_name_en="Business Services Centre", filed_at=datetime(2026, 12, 2, 16, 33, tzinfo=RIYADH))
    return ReferenceSlip(**{**fields, **changes})


@pytest.mark.parametrize("layout", ["basic", pytest.param("raqm", marks=pytest.mark.skipif(not raqm_available(), reason="no raqm"))])
@pytest.mark.parametrize("width", [576, 384])
def test_the_slip_fits_the_paper_on_both_layout_paths(layout: str, width: int) -> None:
    """A mode "1" image exactly the paper's width, shorter than a ticket, with ink in it."""
    image = render_slip(slip(language="en"), width, text_layout=layout)
    assert image.mode == "1" and image.width == width and 200 < image.height < 700
    assert image.getbbox() is not None and image.info["text_layout"] == layout


def test_hostile_centre_names_and_references_are_drawn_not_obeyed() -> None:
    """Bidi overrides and control characters in the names are taken out; a very long name wraps, the slip stays small."""
    image = render_slip(slip(centre_name_ar="\u202e" + "مركز " * 200, centre_name_en="\x1b@\x1dV" + "Centre " * 200,
                             reference="\u202eABC\x00DEF"))
    assert image.width == 576 and image.height < 900


def test_a_wrong_slip_is_refused_clearly() -> None:
    """An unknown kind, a language other than ar/en, a time without its zone: ValueError naming the field."""
    with pytest.raises(ValueError, match="kind"):
        slip(kind="praise")
    with pytest.raises(ValueError, match="language"):
        slip(language="fr")
    with pytest.raises(ValueError, match="time zone"):
        slip(filed_at=datetime(2026, 12, 2, 16, 33))


def test_the_slip_goes_to_the_printer_like_a_ticket() -> None:
    """Status, raster, cut; out of paper nothing is cut and the outcome says so."""
    with FakePrinter("ready") as printer:
        outcome = print_drawing(printer.uri, lambda dots: render_slip(slip(), dots), timeout=1.0)
        assert outcome.printed and printer.cuts == 1
        (image,) = printer.tickets()
        assert image.width == 576
    with FakePrinter("paper_out") as printer:
        outcome = print_drawing(printer.uri, lambda dots: render_slip(slip(), dots), timeout=1.0)
        assert not outcome.printed and printer.cuts == 0


def test_the_slip_carries_the_qr_code_of_the_references_page() -> None:
    """With the page's address the slip grows by a QR code and its caption; an address too long for a code is left out with a warning."""
    plain = render_slip(slip())
    with_code = render_slip(slip(follow_url="http://192.168.1.10:8470/f/9WS4YR4CRR"))
    assert with_code.height > plain.height + 150 and with_code.info["warnings"] == []
    too_long = render_slip(slip(follow_url="http://h/f/" + "X" * 700))
    assert too_long.height == plain.height and "QR code left out" in too_long.info["warnings"][0]
