"""The service definitions we ship start the hub with options the hub really accepts."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

from main import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "assets" / "deploy"


def test_systemd_unit_runs_the_hub_with_valid_options():
    """ExecStart parses as `main.py hub ...` and restarts always, as a branch server needs."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read_string((DEPLOY / "tabour-hub.service").read_text(encoding="utf-8"))
    words = shlex.split(unit["Service"]["ExecStart"])
    assert words[0].endswith("/.venv/bin/python") and words[1] == "main.py"
    args = build_parser().parse_args(words[2:])
    assert args.role == "hub" and args.host == "0.0.0.0" and args.port == 8470
    assert unit["Service"]["Restart"] == "always"
    assert "/var/lib/tabour" in unit["Service"]["ReadWritePaths"] and str(args.db).startswith("/var/lib/tabour/")


def test_windows_task_runs_the_hub_with_valid_options():
    """The PowerShell task's argument line parses as `main.py hub ...` with the script's defaults filled in."""
    script = (DEPLOY / "install-hub-task.ps1").read_text(encoding="utf-8")
    line = re.search(r'\$arguments = "(.*)"\n', script).group(1)
    line = line.replace("`\"", '"').replace("$Config", "C:/Tabour/centre.toml").replace("$Database", "C:/Tabour/t.sqlite")
    line = line.replace("$Port", "8470").replace("$codeFile", "C:/Tabour/enroll-code.txt").replace("$logFile", "C:/Tabour/logs/hub.log")
    words = shlex.split(line)
    assert words[0] == "main.py"
    args = build_parser().parse_args(words[1:])
    assert args.role == "hub" and args.port == 8470 and args.host == "0.0.0.0"
    # The code is read from a file only the hub may read, never put on the command line.
    assert args.enroll_code is None and str(args.enroll_code_file) == "C:/Tabour/enroll-code.txt"
    assert "-AtStartup" in script and "-RestartCount" in script
