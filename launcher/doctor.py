"""`python main.py doctor`: check a machine before it joins a branch, and say what to fix.

Each check runs on its own and can only report: a failing check never stops the others. Checks
that need a window system or sound run in a child process, so a broken Qt installation is
reported instead of crashing the doctor.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.addresses import HUB_ADDRESS_WANTED, hub_base_url  # noqa: F401 — also for callers of the doctor

MIN_PYTHON = (3, 11)
DEBIAN_QT_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libegl1 libgl1 libxkbcommon-x11-0"


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Finding:
    name: str
    verdict: Verdict
    detail: str
    fix: str = ""

    def lines(self) -> list[str]:
        mark = {Verdict.OK: "[ ok ]", Verdict.WARN: "[warn]", Verdict.FAIL: "[FAIL]", Verdict.SKIP: "[skip]"}[self.verdict]
        out = [f"{mark} {self.name}: {self.detail}"]
        if self.fix and self.verdict in (Verdict.WARN, Verdict.FAIL):
            out.append(f"       fix: {self.fix}")
        return out


def check_python() -> Finding:
    version = sys.version_info
    text = f"Python {platform.python_version()} ({sys.executable})"
    if version[:2] < MIN_PYTHON:
        return Finding("python", Verdict.FAIL, text, f"install Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer")
    return Finding("python", Verdict.OK, text)


def check_packages() -> Finding:
    from importlib import metadata

    wanted = ["PySide6-Essentials", "PySide6-Addons", "fastapi", "uvicorn", "sqlite-utils", "python-escpos",
              "Pillow", "pyttsx3", "arabic-reshaper", "python-bidi", "hijridate", "qrcode"]
    missing, found = [], []
    for name in wanted:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Finding("packages", Verdict.FAIL, "missing: " + ", ".join(missing), "run `python3 scripts/bootstrap.py setup`")
    return Finding("packages", Verdict.OK, f"{len(found)} required packages installed")


_QT_PROBE = r"""
import json, sys
from PySide6.QtGui import QFontDatabase, QGuiApplication
app = QGuiApplication(sys.argv[:1])
arabic = QFontDatabase.families(QFontDatabase.WritingSystem.Arabic)
outputs = []
try:
    from PySide6.QtMultimedia import QMediaDevices
    outputs = [d.description() for d in QMediaDevices.audioOutputs()]
except Exception as error:  # Qt Multimedia missing its backend
    outputs = None
print(json.dumps({"platform": app.platformName(), "arabic_fonts": arabic, "audio_outputs": outputs}))
"""


def has_display() -> bool:
    """Whether Qt could open windows here: always on Windows and macOS, on Linux with X11 or Wayland
    (or a platform chosen with QT_QPA_PLATFORM)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def probe_qt(timeout: float = 30.0) -> tuple[dict | None, str]:
    """Start Qt in a child process; its findings, or why it could not start.

    Without a display Qt cannot start its usual platform, which says nothing about this
    machine's Qt: the probe then runs offscreen, so fonts and sound devices are still checked,
    and reports the platform as "no display".
    """
    env = dict(os.environ)
    display = has_display()
    if not display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        result = subprocess.run([sys.executable, "-c", _QT_PROBE], capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, f"Qt did not start within {timeout:.0f} s"
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        return None, " | ".join(tail) or f"exit code {result.returncode}"
    try:
        found = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, "Qt started but said nothing readable"
    if not display:
        found["platform"] = NO_DISPLAY
    return found, ""


NO_DISPLAY = "no display"


def check_qt(probe: tuple[dict | None, str]) -> Finding:
    found, why = probe
    if found is None:
        fix = (
            f"on Debian/Ubuntu: `sudo apt install {DEBIAN_QT_PACKAGES}`; "
            "on a machine without a screen set QT_QPA_PLATFORM=offscreen"
        )
        return Finding("qt platform", Verdict.FAIL, why, fix)
    platform_name = found["platform"]
    if platform_name == NO_DISPLAY:
        return Finding(
            "qt platform", Verdict.WARN,
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so no window can open here (Qt itself works)",
            "start the kiosk, counter and board from the desktop of a PC with a screen (over SSH: DISPLAY=:0 or ssh -X); "
            "a hub needs no display",
        )
    if platform_name in ("offscreen", "minimal"):
        return Finding("qt platform", Verdict.WARN, f"'{platform_name}': windows will not be visible",
                       "run on a desktop session (X11 or Wayland) for kiosk, counter and board screens")
    return Finding("qt platform", Verdict.OK, f"'{platform_name}'")


def check_arabic_font(probe: tuple[dict | None, str]) -> Finding:
    found, _why = probe
    fix = "Debian/Ubuntu: `sudo apt install fonts-noto-core fonts-hosny-amiri`; Windows has Arabic fonts built in"
    families = found["arabic_fonts"] if found else None
    if families is None:
        families = _fontconfig_arabic()
    if not families:
        return Finding("arabic font", Verdict.FAIL, "no installed font draws Arabic", fix)
    order = ("Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Segoe UI", "Tahoma", "Arial")
    preferred = [f for f in order if f in families]
    shown = ", ".join((preferred or families)[:3])
    return Finding("arabic font", Verdict.OK, shown)


def _fontconfig_arabic() -> list[str]:
    try:
        result = subprocess.run(["fc-list", ":lang=ar", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})


def check_speech() -> Finding:
    """Synthesise a real Arabic call to a WAV file, as the board would."""
    from display_board.announcer.settings import AnnouncerSettings
    from qt_common.speech.synthesis import SynthesisError, synthesise

    fix = (
        "Debian/Ubuntu: `sudo apt install espeak-ng`; Windows: Settings > Time & language > Speech > "
        "add an Arabic voice (or give the board a folder of recorded clips with --clips)"
    )
    with tempfile.TemporaryDirectory(prefix="tabour-doctor-") as folder:
        settings = AnnouncerSettings(cache_dir=Path(folder))
        try:
            path = synthesise("الرقم A 105، الشباك 3", "ar", settings)
        except (SynthesisError, OSError, RuntimeError) as error:
            return Finding("arabic speech", Verdict.FAIL, f"could not synthesise Arabic: {error}", fix)
        import wave

        with wave.open(str(path), "rb") as wav:
            seconds = wav.getnframes() / float(wav.getframerate() or 1)
    if seconds < 0.5:
        return Finding("arabic speech", Verdict.FAIL, f"the Arabic voice produced only {seconds:.2f} s of audio", fix)
    return Finding("arabic speech", Verdict.OK, f"an Arabic call synthesised ({seconds:.1f} s of audio)")


def check_sound_output(probe: tuple[dict | None, str]) -> Finding:
    found, _why = probe
    if found is None or found.get("audio_outputs") is None:
        return Finding("sound output", Verdict.WARN, "Qt Multimedia could not list sound devices",
                       "install PySide6-Addons; on Linux check PulseAudio/PipeWire is running")
    outputs = found["audio_outputs"]
    if not outputs:
        return Finding("sound output", Verdict.WARN, "no sound device: boards will show calls but stay silent",
                       "connect speakers or the TV's HDMI audio and check the system's sound settings")
    return Finding("sound output", Verdict.OK, ", ".join(outputs[:2]))


def check_printer(uri: str | None, timeout: float = 2.0) -> Finding:
    if not uri:
        return Finding("printer", Verdict.SKIP, "no --printer given")
    from printer.status import check_status
    from printer.uri import PrinterURIError, parse_printer_uri

    try:
        target = parse_printer_uri(uri)
    except PrinterURIError as error:
        return Finding("printer", Verdict.FAIL, str(error), "see README, 'Printers', for the URI of each connection")
    state = check_status(target, timeout=timeout)
    verdict = Verdict.OK if state.name == "READY" else Verdict.WARN if state.name in ("UNKNOWN", "PAPER_NEAR_END") else Verdict.FAIL
    return Finding("printer", verdict, f"{uri}: {state.message_en}", "check the cable/network, power, paper and cover; "
                   "`python main.py print-test --printer URI` prints a sample")


def check_hub(url: str | None, timeout: float = 3.0) -> Finding:
    if not url:
        return Finding("hub", Verdict.SKIP, "no --hub given")
    try:
        base = hub_base_url(url)
    except ValueError as error:
        return Finding("hub", Verdict.FAIL, str(error), "e.g. `python main.py doctor --hub 192.168.1.10:8470`")
    health = base + "/api/v1/health"
    fix = "start the hub (`python main.py hub --host 0.0.0.0`), check the address and that the firewall allows TCP 8470"
    try:
        with urllib.request.urlopen(health, timeout=timeout) as answer:
            body = json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return Finding("hub", Verdict.FAIL, f"{health} answered {error.code}", fix)
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Finding("hub", Verdict.FAIL, f"{health}: {getattr(error, 'reason', error)}", fix)
    if not isinstance(body, dict) or body.get("status") != "ok":
        return Finding("hub", Verdict.FAIL, f"{health} did not answer like a Tabour hub", fix)
    return Finding("hub", Verdict.OK, f"Tabour hub {body.get('version', '?')} at {base}")


def check_phone_address(url: str | None, timeout: float = 3.0) -> Finding:
    """Whether the code printed on tickets sends phones somewhere they can reach (`GET /` says)."""
    name = "phone address"
    try:
        base = hub_base_url(url) if url else None
    except ValueError:
        base = None
    if base is None:
        return Finding(name, Verdict.SKIP, "no hub to ask")
    request = urllib.request.Request(base + "/", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            facts = json.loads(answer.read(64 * 1024) or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Finding(name, Verdict.SKIP, f"the hub did not say ({getattr(error, 'reason', error)})")
    if not isinstance(facts, dict) or facts.get("service") != "tabour-hub":
        return Finding(name, Verdict.SKIP, "the hub did not say (an older hub)")
    fix = "start the hub with --public-url http://<the hub PC's LAN address>:8470 (the address phones on the hall's Wi-Fi reach)"
    problem = facts.get("phone_address_problem")
    if problem == "unset":
        return Finding(name, Verdict.WARN, "the hub has no --public-url: a kiosk on the hub's PC prints a code for "
                       "127.0.0.1, which no phone can open", fix)
    if problem == "loopback":
        return Finding(name, Verdict.WARN, f"--public-url {facts.get('phone_address')} is the hub PC's loopback: no phone can open it", fix)
    return Finding(name, Verdict.OK, f"tickets send phones to {facts.get('phone_address')}")


def run_checks(hub: str | None = None, printer: str | None = None, *, speech: bool = True) -> list[Finding]:
    findings = [check_python(), check_packages()]
    probe = probe_qt()
    findings += [check_qt(probe), check_arabic_font(probe), check_sound_output(probe)]
    checks: list[Callable[[], Finding]] = []
    if speech:
        checks.append(check_speech)
    checks += [lambda: check_printer(printer), lambda: check_hub(hub), lambda: check_phone_address(hub)]
    for check in checks:
        try:
            findings.append(check())
        except Exception as error:  # a broken check must not hide the others
            findings.append(Finding(getattr(check, "__name__", "check"), Verdict.FAIL, f"the check itself failed: {error!r}"))
    return findings


def report(findings: Sequence[Finding]) -> tuple[str, int]:
    lines = [line for finding in findings for line in finding.lines()]
    failures = sum(1 for f in findings if f.verdict is Verdict.FAIL)
    warnings = sum(1 for f in findings if f.verdict is Verdict.WARN)
    lines.append("")
    lines.append(
        "All checks passed." if not failures and not warnings
        else f"{failures} problem(s) to fix, {warnings} warning(s)."
    )
    return "\n".join(lines), 1 if failures else 0
