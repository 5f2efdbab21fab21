"""Every page the hub serves (the phone page, the home page, the centre console) meets WCAG 2.2 AA contrast."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import page
from hub.routes import home
from tests import contrast

CONSOLE_CSS = Path(__file__).resolve().parents[2] / "hub" / "console" / "static" / "console.css"


@pytest.mark.parametrize(
    ("name", "sheet"),
    [("phone page", page._STYLE), ("home page", home._STYLE), ("console", CONSOLE_CSS.read_text(encoding="utf-8"))],
)
def test_every_text_colour_of_the_page_meets_4_5_to_1(name: str, sheet: str) -> None:
    """Each text colour of the sheet, on every background it can sit on, has 4.5:1 or more."""
    pairs = contrast.pairs_of(sheet, name)
    assert len(pairs) >= 5
    assert contrast.failing(pairs) == []
