"""The look and call-signal settings of boards and counters in the centre file: read, defaulted,
and every wrong value refused with the key named."""

from __future__ import annotations

import pytest

from core.config import parse_config
from core.errors import ConfigError
from tests.support import demo_config_text

BOARD = "[boards.floor1]\n"
COUNTER = 'number = 1\nservices = ["A", "D"]\n'


def with_board(lines: str) -> str:
    return demo_config_text().replace(BOARD, BOARD + lines + "\n", 1)


def with_counter(lines: str) -> str:
    return demo_config_text().replace(COUNTER, COUNTER + lines + "\n", 1)


def test_board_and_counter_settings_are_read_and_default_to_the_usual_look():
    """Set keys are read; a board or counter without them has standard colours, no flash, no
    lasting highlight, one full chime, normal text."""
    config = parse_config(with_board('theme = "high-contrast"\nflash = 3\nhighlight_until_next = true\nchime_volume = 0.4\nchime_repeats = 2'))
    board = config.boards["floor1"]
    assert (board.theme, board.flash, board.highlight_until_next, board.chime_volume, board.chime_repeats) == (
        "high-contrast", 3, True, 0.4, 2,
    )
    hall = config.boards["hall"]
    assert (hall.theme, hall.flash, hall.highlight_until_next, hall.chime_volume, hall.chime_repeats) == ("standard", 0, False, 1.0, 1)
    counters = {c.number: c for c in parse_config(with_counter('theme = "high-contrast"\nlarge_text = true')).counters}
    assert (counters[1].theme, counters[1].large_text) == ("high-contrast", True)
    assert (counters[2].theme, counters[2].large_text) == ("standard", False)


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        ("flash = 11", "boards.floor1.flash"),
        ("flash = -1", "boards.floor1.flash"),
        ('flash = "3"', "boards.floor1.flash"),
        ("flash = 2.5", "boards.floor1.flash"),
        ("flash = true", "boards.floor1.flash"),
        ("chime_volume = 1.5", "boards.floor1.chime_volume"),
        ("chime_volume = nan", "boards.floor1.chime_volume"),
        ("chime_volume = inf", "boards.floor1.chime_volume"),
        ('chime_volume = "loud"', "boards.floor1.chime_volume"),
        ("chime_repeats = 0", "boards.floor1.chime_repeats"),
        ("chime_repeats = 999999999999", "boards.floor1.chime_repeats"),
        ('highlight_until_next = "yes"', "boards.floor1.highlight_until_next"),
        ("highlight_until_next = 1", "boards.floor1.highlight_until_next"),
        ('theme = "neon"', "boards.floor1.theme"),
        ('theme = ""', "boards.floor1.theme"),
        (f'theme = "{"x" * 100_000}"', "boards.floor1.theme"),
        ("flashes = 2", "boards.floor1.flashes"),
    ],
)
def test_wrong_board_settings_are_refused_naming_the_key(lines: str, key: str):
    """A wrong, empty, huge or misspelt board setting stops the load with the key in the message."""
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config(with_board(lines), "centre.toml")


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        ('theme = "dark"', "counters[0].theme"),
        ("theme = 1", "counters[0].theme"),
        ('large_text = "true"', "counters[0].large_text"),
        ("large_text = 2", "counters[0].large_text"),
    ],
)
def test_wrong_counter_settings_are_refused_naming_the_key(lines: str, key: str):
    """A wrong counter look stops the load with the counter's place in the file."""
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        parse_config(with_counter(lines), "centre.toml")


def with_kiosk(lines: str) -> str:
    return demo_config_text().replace("[rules]\n", "[kiosk]\n" + lines + "\n\n[rules]\n", 1)


def test_the_kiosk_placement_is_read_and_optional():
    """`[kiosk]` gives the screens' bottom edge and size in mm; without it all three are unknown."""
    kiosk = parse_config(with_kiosk("screen_bottom_mm = 750\nscreen_width_mm = 400\nscreen_height_mm = 710.5")).kiosk
    assert (kiosk.screen_bottom_mm, kiosk.screen_width_mm, kiosk.screen_height_mm) == (750, 400, 710.5)
    plain = parse_config(demo_config_text()).kiosk
    assert (plain.screen_bottom_mm, plain.screen_width_mm, plain.screen_height_mm) == (None, None, None)


@pytest.mark.parametrize(
    "lines",
    ["screen_bottom_mm = 750", "screen_bottom_mm = -1\nscreen_width_mm = 400\nscreen_height_mm = 700",
     "screen_bottom_mm = nan\nscreen_width_mm = 400\nscreen_height_mm = 700",
     'screen_bottom_mm = "750"\nscreen_width_mm = 400\nscreen_height_mm = 700',
     "screen_bottom_mm = 750\nscreen_width_mm = 0\nscreen_height_mm = 700",
     "screen_bottom_mm = 750\nscreen_width_mm = 400\nscreen_height_mm = 1e9", "screen_height = 700"],
)
def test_wrong_kiosk_placements_are_refused_naming_the_key(lines: str):
    """Half a placement, negative, not a number, text, zero, absurd or misspelt: refused, naming `kiosk`."""
    with pytest.raises(ConfigError, match=r"kiosk"):
        parse_config(with_kiosk(lines), "centre.toml")
