"""The `counter` sub-command: its options, their help, and refusals of bad values."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counter_ui import cli

ROOT = Path(__file__).resolve().parents[2]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tabour")
    cli.register(top.add_subparsers(dest="role"))
    return top


def test_options_and_defaults():
    """--hub, --counter, --enroll-code, --lang and --compact parse, and run is the entry point."""
    args = parser().parse_args(
        ["counter", "--hub", "http://10.0.0.2:8470/", "--counter", "3", "--enroll-code", "4711", "--lang", "en", "--compact"]
    )
    assert (args.hub, args.counter, args.enroll_code, args.lang, args.compact) == ("http://10.0.0.2:8470", 3, "4711", "en", True)
    assert args.func is cli.run
    plain = parser().parse_args(["counter"])
    assert plain.lang == "ar" and plain.counter is None and plain.compact is False


def test_contrast_and_text_size_are_settings_of_each_counter():
    """--theme high-contrast and --large-text choose the counter's look; standard and normal size by default."""
    args = parser().parse_args(["counter", "--theme", "high-contrast", "--large-text"])
    assert (args.theme, args.large_text) == ("high-contrast", True)
    plain = parser().parse_args(["counter"])
    assert (plain.theme, plain.large_text) == (None, False)  # the centre file's entry for the counter decides


def test_every_option_has_help():
    """Each option of the sub-command explains itself."""
    top = parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices["counter"]
    for action in sub._actions:
        if action.option_strings and action.dest != "help":
            assert action.help and len(action.help) > 10, action.option_strings


@pytest.mark.parametrize(
    "argv",
    [
        ["counter", "--counter", "abc"],
        ["counter", "--counter", "0"],
        ["counter", "--counter", "9" * 400],
        ["counter", "--hub", "ftp://x"],
        ["counter", "--hub", ""],
        ["counter", "--hub", "http://user:pw@host:1"],
        ["counter", "--lang", "fr"],
        ["counter", "--theme", "dark"],
        ["counter", "--theme", ""],
    ],
)
def test_bad_values_are_refused(argv, capsys):
    """Wrong, empty, huge and hostile values stop with a usage error that names the problem."""
    with pytest.raises(SystemExit) as stop:
        parser().parse_args(argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_device_name_is_printable_and_short():
    """The enrolled device's name comes from the counter number, or a cleaned host name."""
    assert cli.device_name(4) == "counter-4"
    name = cli.device_name(None)
    assert name.startswith("counter-") and name.isprintable() and len(name) <= 80


def test_help_runs_without_a_display():
    """`python -m` style help of the sub-command works (no window is opened to print help)."""
    code = (
        "import argparse, sys; from counter_ui import cli; p = argparse.ArgumentParser(prog='tabour'); "
        "cli.register(p.add_subparsers()); p.parse_args(['counter', '--help'])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0
    for option in ("--hub", "--counter", "--enroll-code", "--lang", "--compact"):
        assert option in done.stdout


def test_windowed_gives_a_normal_window_and_the_default_fills_the_screen(app, hall, qtbot):
    """`counter --windowed` like the kiosk and the board; without it the window is maximized, and the
    compact strip still shrinks from there and gives the full screen back."""
    args = parser().parse_args(["counter", "--windowed"])
    assert args.windowed is True and parser().parse_args(["counter"]).windowed is False
    window = hall.window(qtbot, counter=1)
    cli.present(window, windowed=True)
    assert not window.isMaximized()
    cli.present(window, windowed=False)
    qtbot.waitUntil(window.isMaximized)
    window.set_compact(True)
    qtbot.waitUntil(lambda: not window.isMaximized())
    assert window.width() < 1000
    window.set_compact(False)
    qtbot.waitUntil(window.isMaximized)
