"""`python main.py display …`: its options, their refusals, and a real run against a hub."""

from __future__ import annotations

import argparse
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from display_board import cli
from qt_common.device_tokens import TokenStore
from tests.display_board.board_support import WAIT_MS, Hall, MakeBoard
from tests.support import ROOT

OPTIONS = ["--hub", "--board", "--enroll-code", "--windowed", "--volume", "--no-english", "--clips", "--theme", "--chime-volume", "--chime-repeats", "--highlight-until-next", "--flash"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tabour")
    cli.register(top.add_subparsers(dest="role"))
    return top


def display_parser() -> argparse.ArgumentParser:
    subparsers = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return subparsers.choices["display"]


def test_display_role_has_every_option_with_help() -> None:
    """The display sub-command offers the documented options, each explained."""
    actions = {option: action for action in display_parser()._actions for option in action.option_strings}
    for option in OPTIONS:
        assert option in actions, option
        assert actions[option].help and len(actions[option].help) > 10
    args = parser().parse_args(["display", "--hub", "http://10.0.0.2:8470", "--board", "floor1", "--volume", "80%", "--no-english"])
    assert args.func is cli.run
    assert (args.hub, args.board, args.volume, args.no_english, args.windowed) == ("http://10.0.0.2:8470", "floor1", 0.8, True, False)


def test_contrast_is_a_setting_of_each_board(capsys: pytest.CaptureFixture[str]) -> None:
    """--theme high-contrast chooses the board's colours; an unknown name stops with the choices."""
    assert parser().parse_args(["display", "--theme", "high-contrast"]).theme == "high-contrast"
    assert parser().parse_args(["display"]).theme is None  # the board's entry of the centre file decides
    for bad in ("dark", "", "x" * 5000):
        with pytest.raises(SystemExit) as stopped:
            parser().parse_args(["display", "--theme", bad])
        assert stopped.value.code == 2
    assert "high-contrast" in capsys.readouterr().err


def test_chime_loudness_and_repeats_are_settings_of_each_board(capsys: pytest.CaptureFixture[str]) -> None:
    """--chime-volume takes 0-1 or a percentage like --volume; --chime-repeats a whole number."""
    args = parser().parse_args(["display", "--chime-volume", "40%", "--chime-repeats", "3"])
    assert (args.chime_volume, args.chime_repeats) == (0.4, 3)
    defaults = parser().parse_args(["display"])
    assert (defaults.chime_volume, defaults.chime_repeats) == (None, None)  # the centre file's, else 1 and 1
    for option, bad in (("--chime-volume", "loud"), ("--chime-volume", "2"), ("--chime-repeats", "two"), ("--chime-repeats", "")):
        with pytest.raises(SystemExit) as stopped:
            parser().parse_args(["display", option, bad])
        assert stopped.value.code == 2
    assert "--chime" in capsys.readouterr().err


@pytest.mark.parametrize("volume", ["abc", "-0.1", "1.5", "150%", "nan", "", "%", "1e999"])
def test_bad_volume_is_refused_by_the_parser(volume: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A volume outside 0-1 (or not a number) stops at the command line with a clear message."""
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["display", "--hub", "http://h:1", "--volume", volume])
    assert stopped.value.code == 2
    assert "volume" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--hub", "ftp://10.0.0.2"], "not a hub URL"),
        (["--hub", "http://"], "not a hub URL"),
        (["--hub", "http://h:1/?token=x"], "not a hub URL"),
        (["--hub", "http://h:1", "--board", "../../etc"], "board name"),
        (["--hub", "http://h:1", "--board", "x" * 500], "board name"),
        (["--hub", "http://h:1", "--clips", "/no/such/folder"], "no such folder"),
        (["--hub", "http://h:1", "--enroll-code", "x" * 65], "enroll-code"),
        (["--hub", "http://h:1", "--chime-repeats", "0"], "chime_repeats"),
        (["--hub", "http://h:1", "--flash", "11"], "--flash"),
        (["--hub", "http://h:1", "--flash", "-1"], "--flash"),
        (["--hub", "http://h:1", "--chime-repeats", "999999"], "chime_repeats"),
        (["--hub", "http://h:1", "--name", "\x00bad"], "device name"),
    ],
)
def test_bad_options_end_with_a_clear_error(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wrong hub URL, board name, clips folder, code or name: exit 2 and say which."""
    monkeypatch.delenv(cli.HUB_ENV, raising=False)
    args = parser().parse_args(["display", *extra])
    assert cli.run(args) == 2
    assert message in capsys.readouterr().err


def test_missing_hub_is_a_clear_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No --hub and no $TABOUR_HUB: exit 2 with an example."""
    monkeypatch.delenv(cli.HUB_ENV, raising=False)
    args = parser().parse_args(["display"])
    assert cli.run(args) == 2
    assert "--hub is required" in capsys.readouterr().err


def test_device_name_is_safe_for_any_host_name() -> None:
    """The default device name carries the board and a cleaned host name, within 80 characters."""
    assert cli.device_name_for("floor1", "hall-tv-2") == "display-floor1-hall-tv-2"
    assert cli.device_name_for(None, "tv 3/../x") == "display-all-tv-3-..-x"
    assert len(cli.device_name_for("b" * 64, "h" * 300)) <= 80
    assert cli.device_name_for(None, "!!!") == "display-all-host"


def test_present_makes_a_full_screen_frameless_board_without_cursor(
    qtbot, board_hall: Hall, make_board: MakeBoard
) -> None:
    """On a TV the board covers the screen, has no frame and hides the mouse pointer."""
    board = make_board(board_hall.hub, "board-present")
    cli.present(board.window, windowed=False)
    qtbot.waitUntil(board.window.isFullScreen, timeout=WAIT_MS)
    assert board.window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert board.window.cursor().shape() == Qt.CursorShape.BlankCursor
    windowed = make_board(board_hall.hub, "board-present-windowed")
    cli.present(windowed.window, windowed=True)
    assert not windowed.window.isFullScreen()
    assert (windowed.window.width(), windowed.window.height()) == cli.WINDOWED_SIZE


RUN_DISPLAY = (
    "import argparse, sys\n"
    "from display_board import cli\n"
    "parser = argparse.ArgumentParser(prog='tabour')\n"
    "cli.register(parser.add_subparsers(dest='role'))\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


def test_display_runs_as_its_own_process_and_stops_on_sigterm(board_hall: Hall, tmp_path: Path) -> None:
    """The display role in its own process enrolls (token 0600 in the config folder) and exits 0 on SIGTERM."""
    hub = board_hall.hub
    config_dir = tmp_path / "config"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TABOUR_CONFIG_DIR": str(config_dir),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-c", RUN_DISPLAY, "display", "--hub", hub.url, "--board", "floor1",
               "--enroll-code", hub.enroll_code, "--volume", "50%", "--name", "tv-cli"]
    log_path = tmp_path / "display.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        token_file = TokenStore(config_dir).path_for(hub.url, "tv-cli")
        deadline = time.monotonic() + 30
        while not token_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert token_file.exists(), log_path.read_text(errors="replace")
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        stored = TokenStore(config_dir).load(hub.url, "tv-cli")
        assert stored is not None and stored.kind == "display"
        time.sleep(1.0)  # the board loads the state and opens its event socket
        assert process.poll() is None, log_path.read_text(errors="replace")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log_path.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
