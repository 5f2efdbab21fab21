"""The central's systemd unit starts `main.py central` with options the central really accepts."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from main import build_parser

UNIT = Path(__file__).resolve().parents[2] / "assets" / "deploy" / "tabour-central.service"


def test_systemd_unit_runs_the_central_with_valid_options():
    """ExecStart parses as `main.py central …` over HTTPS, the database from the environment file, restarting always."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read_string(UNIT.read_text(encoding="utf-8"))
    service = unit["Service"]
    words = shlex.split(service["ExecStart"])
    assert words[0].endswith("/.venv/bin/python") and words[1] == "main.py"
    args = build_parser().parse_args(words[2:])
    assert args.role == "central" and args.central_command is None and args.host == "0.0.0.0" and args.port == 8480
    assert args.tls_cert is not None and args.tls_key is not None
    assert args.pg is None and service["EnvironmentFile"] == "/etc/tabour/central.env"  # no password in `ps`
    assert service["Restart"] == "always" and "postgresql.service" in unit["Unit"]["After"]
