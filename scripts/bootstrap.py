#!/usr/bin/env python3
"""Set up Tabour on this machine, then run it or its tests.

    python3 scripts/bootstrap.py run [ROLE ARGS...]   set up, then `python main.py ...`
    python3 scripts/bootstrap.py test [PYTEST ARGS]   set up, then the whole test suite

Set-up is idempotent and quick when nothing changed: on Debian/Ubuntu as root it installs the
system packages Tabour needs (speech, Arabic fonts, Qt's libraries, Xvfb, libusb); everywhere
it creates `.venv` beside the project and installs the project into it, again only when
pyproject.toml has changed since the last time. Only the standard library is used here, so it
runs on a machine that has nothing but Python.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".tabour-installed"
DEBIAN_PACKAGES = [
    "espeak-ng",  # speech for the display boards
    "fonts-noto-core",  # Arabic fonts (Noto Naskh/Sans/Kufi Arabic)
    "fonts-hosny-amiri",  # Amiri, a classic Naskh face
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libegl1", "libgl1", "libxkbcommon-x11-0", "libfontconfig1", "libdbus-1-3",  # Qt
    "xvfb",  # screenshots on machines without a screen
    "libusb-1.0-0",  # USB printers
    "chromium",  # the web pages' tests run in a real browser (Playwright drives it; no download)
    "postgresql",  # the ministry's central service stores every branch's events in PostgreSQL
]


def say(message: str) -> None:
    print(f"[tabour set-up] {message}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def missing_debian_packages() -> list[str]:
    missing = []
    for package in DEBIAN_PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def install_system_packages(extra: list[str] | None = None) -> None:
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None or shutil.which("dpkg-query") is None:
        return
    missing = missing_debian_packages() + (extra or [])
    if not missing:
        return
    if os.geteuid() != 0:
        say("not root, so not installing system packages; if something is missing, run as root:")
        say("  apt-get install " + " ".join(missing))
        return
    say("installing system packages: " + " ".join(missing))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)


def ensure_venv() -> None:
    if venv_python().exists():
        return
    say(f"creating {VENV}")
    try:
        venv.create(VENV, with_pip=True, clear=True)
    except (subprocess.CalledProcessError, OSError):
        # Debian ships venv's pip separately (python3-venv); install it and try once more.
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        install_system_packages(["python3-venv", version])
        venv.create(VENV, with_pip=True, clear=True)


def requirements_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_installed() -> None:
    fingerprint = requirements_fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == fingerprint:
        return
    say("installing Tabour and its Python packages into .venv (first time: a few minutes)")
    python = str(venv_python())
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(fingerprint)


def set_up() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Tabour needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    install_system_packages()
    ensure_venv()
    ensure_installed()


STOP_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK") if hasattr(signal, name)]


def run_child(command: list[str], env: dict[str, str]) -> int:
    """Run `command`, hand every stop signal this process gets on to it, and wait for it.

    A service manager stops `bootstrap.py run` with SIGTERM to this process only: without passing
    it on, main.py (and the hub in it) kept running after its parent was gone. Ctrl+C in a
    terminal reaches the whole process group, so the child has its SIGINT already; a second
    SIGINT would make the hub's server abandon its shutdown half-way, so an interrupt is passed
    on as SIGTERM, which every role takes as "stop" and which never forces anything. Either way
    this process waits for the child to finish closing and returns its exit code, with no
    traceback.
    """
    child = subprocess.Popen(command, cwd=ROOT, env=env)

    def pass_on(signum: int, _frame: object) -> None:
        if child.poll() is None:
            try:
                child.send_signal(signal.SIGTERM if signum == getattr(signal, "SIGINT", None) else signum)
            except OSError:  # it ended in between
                pass

    previous = {number: signal.signal(number, pass_on) for number in STOP_SIGNALS}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # only where SIGINT could not be caught above
                continue
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    try:
        set_up()
    except KeyboardInterrupt:
        say("set-up interrupted; run the same command again to finish it")
        return 130
    python = str(venv_python())
    env = dict(os.environ)
    if action == "setup":
        return 0
    if action == "run":
        code = run_child([python, str(ROOT / "main.py"), *rest], env)
        # A child ended by a signal reports -N; a shell reports 128+N, which is what callers expect.
        return 128 - code if code < 0 else code
    # Tests never need a screen; keep Qt off any display the machine may have.
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    code = subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT, env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
