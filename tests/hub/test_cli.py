"""The command line: clerk management with PINs from standard input, and clear refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT


def tabour(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def hub_database(tmp_path: Path) -> str:
    """A database as the hub leaves it after its first start."""
    from core.config import DEMO_CONFIG, load_config
    from core.commands import open_store

    path = tmp_path / "db.sqlite"
    open_store(path, load_config(DEMO_CONFIG)).close()
    return str(path)


def test_clerk_add_list_reset_remove(tmp_path: Path):
    """A clerk is added with a PIN from stdin, listed, has the PIN reset, and is removed."""
    db = hub_database(tmp_path)
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
        (("clerk", "add", " ali"), "4829\n", "user name"),
        (("clerk", "add", "x" * 41), "4829\n", "user name"),
        (("clerk", "add", "ali", "--role", "king"), "4829\n", "invalid choice"),
        (("clerk", "remove", "nobody"), "", "No clerk named 'nobody'"),
    ],
)
def test_clerk_refusals(tmp_path: Path, args, stdin, message):
    """Bad PINs, names, roles and unknown clerks are refused with a message and a non-zero exit."""
    result = tabour(*args, "--db", hub_database(tmp_path), stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr


def test_duplicate_clerk_is_refused(tmp_path: Path):
    """Adding the same user name twice (in any letter case) is refused."""
    db = hub_database(tmp_path)
    assert tabour("clerk", "add", "Omar", "--db", db, stdin="4829\n").returncode == 0
    again = tabour("clerk", "add", "omar", "--db", db, stdin="4829\n")
    assert again.returncode == 1 and "exists already" in again.stderr


def test_clerk_commands_leave_the_centre_and_the_event_log_alone(tmp_path: Path):
    """Beside a live hub with its own centre, `clerk add` without --config changes no service, counter or event."""
    import sqlite3

    from core.config import parse_config
    from core.commands import open_store
    from tests.core.test_config import MINIMAL

    path = tmp_path / "real.sqlite"
    open_store(path, parse_config(MINIMAL)).close()
    with sqlite3.connect(path) as conn:
        before = [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in ("services", "counters", "events")]
    added = tabour("clerk", "add", "fatimah", "--db", str(path), stdin="4829\n")
    assert added.returncode == 0, added.stderr
    with sqlite3.connect(path) as conn:
        after = [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in ("services", "counters", "events")]
        assert conn.execute("SELECT username FROM clerks").fetchall() == [("fatimah",)]
    assert after == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("clerk", "list", "--db", "/nonexistent/typo.sqlite"), "no database at"),
        (("clerk", "add", "ali", "--db", "NOT_SQLITE"), "not a Tabour database"),
        (("hub", "--port", "8", "--db", "NOT_SQLITE"), "not a Tabour database"),
    ],
)
def test_clerk_commands_refuse_a_missing_or_foreign_database(tmp_path: Path, args, message):
    """A mistyped --db is not created behind anyone's back; a file that is not SQLite is named."""
    foreign = tmp_path / "report.pdf"
    foreign.write_bytes(b"%PDF-1.4 not a database" * 200)
    result = tabour(*[str(foreign) if a == "NOT_SQLITE" else a for a in args], stdin="4829\n")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not Path("/nonexistent/typo.sqlite").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hub", "--port", "70000"), "is not a TCP port"),
        (("hub", "--public-url", "notaurl"), "not an address phones can open"),
        (("hub", "--public-url", "javascript:alert(1)"), "not an address phones can open"),
        (("hub", "--public-url", "http://hub:99999"), "not an address phones can open"),
        (("hub", "--config", "/nonexistent/centre.toml"), "no such file"),
        (("hub", "--enroll-code", "12"), "at least 12 letters or digits"),
        (("hub", "--enroll-code", "4711-4711-47"), "at least 12 letters or digits"),
        (("hub", "--enroll-code", "x" * 65), "at most 64"),
        (("hub", "--enroll-code", "abc\tdefghijklmnop"), "printable"),
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
