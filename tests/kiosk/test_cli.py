"""`python main.py kiosk ...`: options, their checks, and a whole run against a real hub."""

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

from kiosk import cli
from tests.support import ROOT, LiveHub


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="tabour")
    cli.register(root.add_subparsers(dest="role"))
    return root


def test_options_parse_and_each_has_help() -> None:
    """Every option of `kiosk` is there with its help text, and run is the command."""
    args = parser().parse_args(
        ["kiosk", "--hub", "http://10.0.0.2:8470", "--printer", "tcp://10.0.0.9:9100", "--enroll-code", "4711",
         "--width", "384", "--windowed", "--lang", "en"]
    )
    assert (args.hub, args.printer, args.enroll_code, args.width, args.windowed, args.lang) == (
        "http://10.0.0.2:8470", "tcp://10.0.0.9:9100", "4711", 384, True, "en"
    )
    assert args.func is cli.run
    sub = parser()._subparsers._group_actions[0].choices["kiosk"]  # type: ignore[union-attr]
    for action in sub._actions:
        if action.dest != "help":
            assert action.help and action.help != argparse.SUPPRESS, action.dest


@pytest.mark.parametrize(
    "argv",
    [["kiosk"], ["kiosk", "--hub", "http://h:1", "--width", "500"], ["kiosk", "--hub", "http://h:1", "--lang", "fr"]],
)
def test_wrong_options_are_refused(argv: list[str], capsys) -> None:
    """A missing hub, a width other than 576/384 or an unknown language stop with a usage error."""
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(argv)
    assert stopped.value.code == 2
    assert "usage" in capsys.readouterr().err


@pytest.mark.parametrize("hub", ["ftp://10.0.0.2", "", "http://", "http://user:pw@h:1", "x" * 3000])
def test_bad_hub_url_is_a_clear_error(hub: str, capsys) -> None:
    """A hub address that is not http(s)://HOST:PORT exits with 2 and says why."""
    args = parser().parse_args(["kiosk", "--hub", hub])
    assert cli.run(args) == 2
    assert "kiosk:" in capsys.readouterr().err


@pytest.mark.parametrize("printer", ["lpt://1", "tcp://", "tcp://10.0.0.9:99999", "", "file://" + "x" * 5000])
def test_bad_printer_uri_is_a_clear_error(printer: str, capsys) -> None:
    """A printer URI the printer package refuses stops the kiosk before it opens, with the reason."""
    args = parser().parse_args(["kiosk", "--hub", "http://127.0.0.1:9", "--printer", printer])
    assert cli.run(args) == 2
    assert "wrong --printer" in capsys.readouterr().err


@pytest.mark.parametrize("mode", [["--windowed"], []], ids=["windowed", "kiosk-mode"])
def test_kiosk_process_enrolls_reaches_home_and_stops_cleanly(demo_hub: LiveHub, tmp_path: Path, mode: list[str]) -> None:
    """`python -m kiosk` enrolls with the code, keeps its token, shows home, and exits 0 on SIGTERM, full-screen kiosk mode too."""
    config = tmp_path / "config"
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--hub", demo_hub.url, "--enroll-code", demo_hub.enroll_code, *mode, "--name", "kiosk-process"],
        cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TABOUR_CONFIG_DIR": str(config)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 30
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "screen: home" in line:
                break
        assert any("screen: home" in line for line in lines), "".join(lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]
    tokens = list(config.glob("device-*kiosk_process*.json"))
    assert len(tokens) == 1 and stat.S_IMODE(tokens[0].stat().st_mode) == 0o600
