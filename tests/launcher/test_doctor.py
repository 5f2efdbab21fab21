"""`main.py doctor`: each check tells the truth about this machine and says what to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from launcher.doctor import Finding, Verdict, check_hub, check_python, check_speech, probe_qt, check_qt, report
from launcher.embedded import EmbeddedHub

ROOT = Path(__file__).resolve().parents[2]


def test_hub_check_tells_a_live_hub_from_a_dead_or_foreign_one(tmp_path: Path):
    """A running hub is OK; a closed port and a non-Tabour HTTP server fail with a fix."""
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=0).start()
    try:
        assert check_hub(hub.url).verdict is Verdict.OK
        foreign = check_hub(hub.url + "/api/v1/state")  # answers 401/404, not health
    finally:
        hub.stop()
    dead = check_hub(hub.url)
    assert dead.verdict is Verdict.FAIL and "refused" in dead.detail.lower() and "8470" in dead.fix
    assert foreign.verdict is Verdict.FAIL
    assert check_hub(None).verdict is Verdict.SKIP
    assert check_hub("not a url at all").verdict is Verdict.FAIL


def test_qt_probe_runs_in_a_child_and_reports_the_platform():
    """Offscreen Qt starts in a child process; the doctor warns that windows will not be seen."""
    found, why = probe_qt()
    assert found is not None, why
    assert found["platform"] == "offscreen"
    assert check_qt((found, why)).verdict is Verdict.WARN


def test_broken_qt_is_reported_with_the_packages_to_install():
    """When Qt cannot start, the finding fails and names the Debian packages and the offscreen switch."""
    finding = check_qt((None, "could not load the Qt platform plugin \"xcb\""))
    assert finding.verdict is Verdict.FAIL
    assert "libxcb-cursor0" in finding.fix and "QT_QPA_PLATFORM" in finding.fix


def test_speech_check_synthesises_real_arabic_audio():
    """The Arabic voice is really used: the check passes only with over half a second of audio."""
    finding = check_speech()
    assert finding.verdict is Verdict.OK, finding
    assert "s of audio" in finding.detail


def test_report_fails_only_on_failures():
    """Warnings keep exit code 0; one failure makes it 1, and its fix is printed under it."""
    ok = [check_python(), Finding("x", Verdict.WARN, "meh", "do y")]
    text, code = report(ok)
    assert code == 0 and "fix: do y" in text
    text, code = report([*ok, Finding("hub", Verdict.FAIL, "down", "start it")])
    assert code == 1 and "[FAIL] hub: down" in text and "fix: start it" in text


def test_doctor_command_exits_non_zero_for_an_unreachable_hub():
    """`python main.py doctor --hub` against a closed port prints the failure and exits 1."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "doctor", "--no-speech", "--hub", "http://127.0.0.1:9"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[FAIL] hub" in result.stdout and "[ ok ] python" in result.stdout


def test_a_hub_address_without_http_is_read_as_http_and_anything_else_says_what_is_wanted(tmp_path: Path):
    """`--hub 127.0.0.1:8470` works as people type it; a wrong address names the form wanted."""
    from launcher.doctor import check_phone_address, hub_base_url

    assert hub_base_url("127.0.0.1:8470") == "http://127.0.0.1:8470"
    assert hub_base_url("hub-pc") == "http://hub-pc:8470"
    assert hub_base_url("https://hub.branch.local:8470/") == "https://hub.branch.local:8470"
    hub = EmbeddedHub(tmp_path / "hub.sqlite", simulated_clerks=0).start()
    try:
        bare = hub.url.removeprefix("http://")
        finding = check_hub(bare)
        assert finding.verdict is Verdict.OK, finding
        # The embedded hub has no --public-url: phones would get whatever address a kiosk uses.
        phones = check_phone_address(bare)
        assert phones.verdict is Verdict.WARN and "--public-url" in phones.fix and "127.0.0.1" in phones.detail
    finally:
        hub.stop()
    for wrong in ("ftp://hub:8470", "hub:port", "http://hub:8470/api?x=1", "", "a b", "h" * 400, "127.0.0.1:99999"):
        finding = check_hub(wrong or " ")
        assert finding.verdict is Verdict.FAIL and "HOST:PORT" in finding.detail, (wrong, finding)


def test_doctor_without_a_screen_says_no_display_not_what_to_install():
    """With no DISPLAY Qt is still checked (offscreen): the doctor says "no display", and fonts are found."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "doctor", "--no-speech"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )
    qt_line = next(line for line in result.stdout.splitlines() if "qt platform" in line)
    assert "no display" in qt_line and "[warn]" in qt_line, result.stdout
    assert "apt install libxcb" not in result.stdout, result.stdout
    assert "[ ok ] arabic font" in result.stdout, result.stdout
