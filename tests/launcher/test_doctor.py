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
