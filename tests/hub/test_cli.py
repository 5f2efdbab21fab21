"""The command line: clerk management with PINs from standard input, and clear refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT


def tabour(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_clerk_add_list_reset_remove(tmp_path: Path):
    """A clerk is added with a PIN from stdin, listed, has the PIN reset, and is removed."""
    db = str(tmp_path / "db.sqlite")
    added = tabour("clerk", "add", "fatimah", "--role", "supervisor", "--db", db, stdin="482913\n")
    assert added.returncode == 0, added.stderr
    listed = tabour("clerk", "list", "--db", db)
    assert "fatimah\tsupervisor\tactive" in listed.stdout
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT pin_hash FROM clerks").fetchone()[0]
    assert "482913" not in stored and stored.startswith("scrypt$")
    assert tabour("clerk", "reset-pin", "fatimah", "--db", db, stdin="111222\n").returncode == 0
    assert tabour("clerk", "remove", "fatimah", "--db", db).returncode == 0
    assert "fatimah\tsupervisor\tremoved" in tabour("clerk", "list", "--db", db).stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("clerk", "add", "ali"), "12\n", "PIN is 4 to 12 digits"),
        (("clerk", "add", "ali"), "\n", "PIN is 4 to 12 digits"),
        (("clerk", "add", "ali"), "abcd\n", "PIN is 4 to 12 digits"),
        (("clerk", "add", " ali"), "1234\n", "user name"),
        (("clerk", "add", "x" * 41), "1234\n", "user name"),
        (("clerk", "add", "ali", "--role", "king"), "1234\n", "invalid choice"),
        (("clerk", "remove", "nobody"), "", "No clerk named 'nobody'"),
    ],
)
def test_clerk_refusals(tmp_path: Path, args, stdin, message):
    """Bad PINs, names, roles and unknown clerks are refused with a message and a non-zero exit."""
    result = tabour(*args, "--db", str(tmp_path / "db.sqlite"), stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr


def test_duplicate_clerk_is_refused(tmp_path: Path):
    """Adding the same user name twice (in any letter case) is refused."""
    db = str(tmp_path / "db.sqlite")
    assert tabour("clerk", "add", "Omar", "--db", db, stdin="1234\n").returncode == 0
    again = tabour("clerk", "add", "omar", "--db", db, stdin="1234\n")
    assert again.returncode == 1 and "exists already" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hub", "--port", "70000"), "is not a TCP port"),
        (("hub", "--config", "/nonexistent/centre.toml"), "no such file"),
        (("hub", "--enroll-code", "12"), "4 to 64 printable characters"),
        (("hub", "--synchronous", "OFF"), "invalid choice"),
        (("backup", "/tmp/x.sqlite", "--db", "/nonexistent/db.sqlite"), "no database at"),
    ],
)
def test_hub_refuses_bad_options(tmp_path: Path, args, message):
    """The hub refuses bad ports, configs and codes with a message before starting."""
    result = tabour(*args, *(("--db", str(tmp_path / "db.sqlite")) if args[0] == "hub" else ()))
    assert result.returncode == 2
    assert message in result.stderr


def test_bad_config_file_names_the_key(tmp_path: Path):
    """A hub started with a broken centre file says which file and key are wrong."""
    config = tmp_path / "centre.toml"
    config.write_text((ROOT / "assets" / "demo-centre.toml").read_text(encoding="utf-8").replace('time_zone = "Asia/Riyadh"', 'time_zone = "Asia/Atlantis"'), encoding="utf-8")
    result = tabour("hub", "--config", str(config), "--db", str(tmp_path / "db.sqlite"))
    assert result.returncode == 2
    assert str(config) in result.stderr and "centre.time_zone" in result.stderr and "Asia/Atlantis" in result.stderr


def test_help_explains_every_option():
    """`--help` of the hub names each option with an explanation."""
    result = tabour("hub", "--help")
    for option in ("--config", "--db", "--host", "--port", "--enroll-code", "--synchronous"):
        assert option in result.stdout
