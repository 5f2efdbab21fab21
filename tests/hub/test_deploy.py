"""The enrollment code on a server: read from a file or the environment, never the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT, LiveHub

DEPLOY = ROOT / "assets" / "deploy"


class CodeFileHub(LiveHub):
    """A hub given its enrollment code in a file, as the systemd unit and the Windows task do."""

    def command(self) -> list[str]:
        command = super().command()
        at = command.index("--enroll-code")
        del command[at : at + 2]
        return [*command, "--enroll-code-file", str(self.workdir / "enroll-code")]


def test_the_systemd_unit_reads_the_code_from_a_file():
    """The unit's ExecStart carries no code; the hub is pointed at a code file readable by its group."""
    unit = (DEPLOY / "tabour-hub.service").read_text(encoding="utf-8")
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert "--enroll-code" not in exec_start and "TABOUR_ENROLL_CODE=" not in exec_start
    assert "Environment=TABOUR_ENROLL_CODE_FILE=/etc/tabour/enroll-code" in unit
    assert "install -m 640 -o root -g tabour /dev/null /etc/tabour/enroll-code" in unit
    assert "UMask=0077" in unit


def test_the_windows_task_reads_the_code_from_a_private_file():
    """The task's arguments name a code file (ACL: SYSTEM, Administrators, the hub) and never the code."""
    script = (DEPLOY / "install-hub-task.ps1").read_text(encoding="utf-8")
    arguments = next(line for line in script.splitlines() if line.startswith("$arguments ="))
    assert "--enroll-code-file" in arguments and "$EnrollCode" not in arguments
    assert re.search(r"icacls \$codeFile /inheritance:r /grant:r .*NETWORK SERVICE:\(R\)", script)
    assert re.search(r"icacls \(Split-Path \$Database\) /inheritance:r", script), "other users lose read access"


def test_a_hub_given_a_code_file_enrolls_with_it_and_hides_it(tmp_path: Path):
    """--enroll-code-file: devices enroll with the file's code (BOM and newline dropped); it is not in the process's arguments."""
    hub = CodeFileHub(tmp_path / "hub", enroll_code="from-the-file-5531")
    (hub.workdir / "enroll-code").write_text("\ufefffrom-the-file-5531\n", encoding="utf-8")
    hub.start()
    try:
        if sys.platform == "linux":
            arguments = Path(f"/proc/{hub.process.pid}/cmdline").read_bytes()
            assert b"from-the-file-5531" not in arguments
        assert hub.enroll("display")
        wrong = httpx.post(
            f"{hub.url}/api/v1/devices/enroll", json={"name": "x", "kind": "display", "code": "from-the-file"}, timeout=10
        )
        assert wrong.status_code == 403
    finally:
        hub.stop()
    assert "from-the-file-5531" not in hub.log_path.read_text(errors="replace")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read it"), ("", "the first line is empty"), ("\n\nsecret\n", "the first line is empty")],
)
def test_a_missing_or_empty_code_file_stops_the_hub(tmp_path: Path, content: str | None, message: str):
    """A code file that is missing or starts empty stops the hub at once with a message, exit 2."""
    code_file = tmp_path / "enroll-code"
    if content is not None:
        code_file.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "hub", "--db", str(tmp_path / "db.sqlite"), "--port", "1",
         "--enroll-code-file", str(code_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and message in done.stderr and "--enroll-code-file" in done.stderr
