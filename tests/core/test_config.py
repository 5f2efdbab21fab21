"""The centre file: the demo loads, and every fault names the file, the key and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DEMO_CONFIG, load_config, parse_config
from core.errors import ConfigError

MINIMAL = """
[centre]
name_ar = "مركز"
name_en = "Centre"

[[services]]
code = "A"
name_ar = "خدمة"
name_en = "Service"

[[counters]]
number = 1
services = ["*"]
"""


def test_demo_centre_is_realistic():
    """The demo has about six bilingual services, counters 1-8 and one universal counter."""
    config = load_config(DEMO_CONFIG)
    assert 5 <= len(config.services) <= 8
    assert [c.number for c in config.counters] == list(range(1, 9))
    assert any(c.services == ["*"] for c in config.counters)
    assert all(s.name_ar and s.name_en for s in config.services)
    assert config.centre.hours == "always"
    assert all(s.daily_cap >= 300 for s in config.services)


def test_minimal_file_gets_defaults():
    """A minimal file is valid: Riyadh time, rollover at 03:00, range 1-999."""
    config = parse_config(MINIMAL)
    assert config.centre.time_zone == "Asia/Riyadh"
    assert config.centre.rollover_hour == 3
    assert config.services[0].range == (1, 999)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('code = "A"', 'code = "a1"'), "services[0].code"),
        (('number = 1', 'number = 0'), "counters[0].number"),
        (('services = ["*"]', 'services = ["Z"]'), "counters[0].services: unknown service code(s) Z"),
        (('name_en = "Centre"', 'name_en = "Centre"\ntime_zone = "Mars/Olympus"'), "centre.time_zone: 'Mars/Olympus' is not a known time zone"),
        (('name_en = "Centre"', 'name_en = "Centre"\nrollover_hour = 25'), "centre.rollover_hour"),
        (('name_en = "Service"', 'name_en = "Service"\nrange = [50, 10]'), "services[0].range: the range end (10) is below its start (50)"),
        (('name_en = "Centre"', 'name_en = "Centre"\ncolour = "green"'), "centre.colour: unknown key"),
        (('name_en = "Centre"', 'name_en = "Centre"\nhours = { friday = ["08:00-12:00"] }'), "'friday' is not a weekday"),
        (('name_ar = "مركز"\n', ''), "centre.name_ar: is required but missing"),
        (('name_en = "Service"', 'name_en = ""'), "services[0].name_en"),
    ],
)
def test_faults_name_the_key(change, expected):
    """Each wrong value is reported with its key and the reason."""
    old, new = change
    with pytest.raises(ConfigError) as fault:
        parse_config(MINIMAL.replace(old, new, 1), "centre.toml")
    assert "centre.toml" in str(fault.value)
    assert expected in str(fault.value)


def test_duplicate_codes_and_numbers_are_refused():
    """Two services with one letter, or two counters with one number, are refused."""
    doubled = MINIMAL + '\n[[services]]\ncode = "A"\nname_ar = "ب"\nname_en = "B"\n'
    with pytest.raises(ConfigError, match="the code 'A' is used twice"):
        parse_config(doubled)
    with pytest.raises(ConfigError, match="the number 1 is used twice"):
        parse_config(MINIMAL + '\n[[counters]]\nnumber = 1\nservices = ["A"]\n')


def test_file_faults(tmp_path: Path):
    """Missing, binary, non-TOML, huge and directory paths each get a clear error."""
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(binary)
    broken = tmp_path / "broken.toml"
    broken.write_text("[centre\nname = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * 2_000_000)
    with pytest.raises(ConfigError, match="larger than"):
        load_config(huge)
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="centre: is required"):
        load_config(empty)


def test_hostile_strings_are_just_text():
    """SQL-looking and emoji names are accepted as plain text, not interpreted."""
    config = parse_config(MINIMAL.replace('name_en = "Service"', "name_en = \"'); DROP TABLE tickets; -- 🎫\""))
    assert config.services[0].name_en == "'); DROP TABLE tickets; -- 🎫"


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a4944415478da6360000000020001e221bc330000000049454e44ae426082"
)


def _with_logo(tmp_path: Path, logo_line: str) -> Path:
    path = tmp_path / "centre.toml"
    path.write_text(MINIMAL.replace('name_en = "Centre"', f'name_en = "Centre"\n{logo_line}', 1), encoding="utf-8")
    return path


def test_logo_is_resolved_next_to_the_config_file(tmp_path: Path):
    """A relative logo path is read beside the config file, whatever the current folder."""
    (tmp_path / "logo.png").write_bytes(PNG_1PX)
    config = load_config(_with_logo(tmp_path, 'logo = "logo.png"'))
    assert config.centre.logo == str(tmp_path.resolve() / "logo.png")


@pytest.mark.parametrize(
    "setup, logo, expected",
    [
        (None, "missing.png", "no file 'missing.png'"),
        ("folder", "folder", "is a folder"),
        ("text", "notes.png", "not a PNG, JPEG, GIF or BMP"),
        ("huge", "huge.png", "must be under"),
        ("empty", "empty.png", "not a PNG"),
    ],
)
def test_logo_faults_name_the_key(tmp_path: Path, setup, logo, expected):
    """A missing, wrong-kind, empty or huge logo stops the config with `centre.logo` named."""
    if setup == "folder":
        (tmp_path / "folder").mkdir()
    elif setup == "text":
        (tmp_path / "notes.png").write_text("<script>alert(1)</script>")
    elif setup == "huge":
        (tmp_path / "huge.png").write_bytes(PNG_1PX + b"\0" * 1_000_001)
    elif setup == "empty":
        (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ConfigError) as fault:
        load_config(_with_logo(tmp_path, f'logo = "{logo}"'))
    assert "centre.toml: centre.logo" in str(fault.value) and expected in str(fault.value)
