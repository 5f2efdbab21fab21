"""`print-test`: prints a sample or writes its PNG; a clear message and non-zero exit otherwise."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from printer import cli
from tests.printer.fake_printer import FakePrinter

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tabour")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_prints_on_a_fake_printer(capsys: pytest.CaptureFixture[str]) -> None:
    """print-test --printer tcp://… sends one cut ticket and exits 0 with a bilingual message."""
    with FakePrinter() as printer:
        code = _run(["print-test", "--printer", printer.uri, "--lang", "en", "--width", "384"])
        printer.wait_for_cuts(1)
        assert printer.tickets()[0].width == 384
    assert code == 0
    out = capsys.readouterr().out
    assert "printed" in out and "طُبعت" in out


def test_writes_png(tmp_path: Path) -> None:
    """--png writes the ticket image at the asked width instead of printing."""
    target = tmp_path / "ticket.png"
    assert _run(["print-test", "--png", str(target), "--width", "384"]) == 0
    with Image.open(target) as image:
        assert image.width == 384


@pytest.mark.parametrize("mode", ["paper_out", "silent"])
def test_printer_trouble_exits_non_zero(mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A printer out of paper or silent gives exit 3 and says why, in both languages."""
    with FakePrinter(mode) as printer:
        code = _run(["print-test", "--printer", printer.uri, "--timeout", "0.5"])
    assert code == cli.EXIT_PRINTER
    err = capsys.readouterr().err
    assert ("paper" in err or "answer" in err) and "الطابعة" in err


def test_bad_uri_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong printer address gives exit 2 and the parser's explanation."""
    assert _run(["print-test", "--printer", "tcp://host:70000"]) == cli.EXIT_USAGE
    assert "65535" in capsys.readouterr().err


def test_unwritable_png_exits_2(tmp_path: Path) -> None:
    """A PNG path in a missing folder is reported, not raised."""
    assert _run(["print-test", "--png", str(tmp_path / "no" / "dir" / "t.png")]) == cli.EXIT_USAGE


def test_printer_or_png_is_required() -> None:
    """Without --printer or --png argparse stops with a usage error."""
    with pytest.raises(SystemExit) as caught:
        _run(["print-test"])
    assert caught.value.code == 2


def test_runs_as_a_process(tmp_path: Path) -> None:
    """A tiny main wired like main.py runs print-test in its own process and returns its exit code."""
    script = tmp_path / "tiny_main.py"
    script.write_text(
        "import argparse, sys\n"
        "from printer import cli\n"
        "parser = argparse.ArgumentParser()\n"
        "cli.register(parser.add_subparsers(dest='command', required=True))\n"
        "args = parser.parse_args()\n"
        "sys.exit(args.func(args))\n"
    )
    uri = FakePrinter.refused_uri()
    done = subprocess.run(
        [sys.executable, str(script), "print-test", "--printer", uri, "--timeout", "1"],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == cli.EXIT_PRINTER
    assert "refused" in done.stderr


def test_print_test_speaks_to_the_person_testing(capsys: pytest.CaptureFixture[str]) -> None:
    """Success says what to look at on the paper; trouble says what to check. Never "note your number"."""
    with FakePrinter() as printer:
        assert _run(["print-test", "--printer", printer.uri]) == 0
        printer.wait_for_cuts(1)
    out = capsys.readouterr().out
    assert "test ticket" in out and "scans the code" in out and "التذكرة التجريبية" in out
    with FakePrinter("paper_out") as printer:
        assert _run(["print-test", "--printer", printer.uri, "--timeout", "0.5"]) == cli.EXIT_PRINTER
    err = capsys.readouterr().err
    assert "note your number" not in err and "تدوين رقمك" not in err
    assert "test ticket was not printed" in err and "doctor --printer" in err


def _centre_config(tmp_path: Path) -> Path:
    from core.config import DEMO_CONFIG

    text = DEMO_CONFIG.read_text(encoding="utf-8")
    import re

    text = re.sub(r'(?m)^name_ar = ".*"$', 'name_ar = "مركز الاختبار في جدة"', text, count=1)
    text = re.sub(r'(?m)^name_en = ".*"$', 'name_en = "Jeddah Test Centre"', text, count=1)
    path = tmp_path / "centre.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_print_test_prints_the_configured_centre_from_config_or_hub(tmp_path: Path, capsys) -> None:
    """--config and --hub put the centre's own name on the sample (it is what the paper shows)."""
    from tests.support import LiveHub

    config = _centre_config(tmp_path)
    with FakePrinter() as printer:
        assert _run(["print-test", "--printer", printer.uri, "--config", str(config), "--lang", "en"]) == 0
        printer.wait_for_cuts(1)
    assert "Jeddah Test Centre" in capsys.readouterr().out
    hub = LiveHub(tmp_path / "hub", config_text=config.read_text(encoding="utf-8")).start()
    try:
        with FakePrinter() as printer:
            assert _run(["print-test", "--printer", printer.uri, "--hub", hub.url.removeprefix("http://")]) == 0
            printer.wait_for_cuts(1)
        out = capsys.readouterr().out
        assert "مركز الاختبار في جدة" in out and "Jeddah Test Centre" in out
        assert _run(["print-test", "--png", str(tmp_path / "t.png"), "--hub", hub.url]) == 0
    finally:
        hub.stop()
    # A hub that is not there, a foreign server, a broken config: exit 2 with the reason.
    assert _run(["print-test", "--png", str(tmp_path / "t.png"), "--hub", hub.url, "--timeout", "0.5"]) == cli.EXIT_USAGE
    assert "did not give its centre" in capsys.readouterr().err
    assert _run(["print-test", "--png", str(tmp_path / "t.png"), "--hub", "ftp://x"]) == cli.EXIT_USAGE
    (tmp_path / "bad.toml").write_text("[centre]\nname_ar = 5\n", encoding="utf-8")
    assert _run(["print-test", "--png", str(tmp_path / "t.png"), "--config", str(tmp_path / "bad.toml")]) == cli.EXIT_USAGE
    assert "error" in capsys.readouterr().err


@pytest.mark.parametrize(
    "body",
    [
        b'{"service": "some-other-app", "centre": {"name_ar": "x", "name_en": "y"}}',
        b'{"service": "tabour-hub", "version": "1", "centre": {"name_ar": 5, "name_en": "y"}}',
        b"[1, 2, 3]",
        b"<html>not json</html>",
        b"",
    ],
)
def test_print_test_refuses_a_server_that_is_not_a_hub(tmp_path: Path, capsys, body: bytes) -> None:
    """Whatever a foreign server answers at GET /, the sample is not printed and the reason is said."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Foreign(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Foreign)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert _run(["print-test", "--png", str(tmp_path / "t.png"), "--hub", url]) == cli.EXIT_USAGE
    finally:
        server.shutdown()
        server.server_close()
    err = capsys.readouterr().err
    assert "not a Tabour hub's" in err and "بيانات المركز" in err
    assert not (tmp_path / "t.png").exists()
