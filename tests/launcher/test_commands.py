"""What every role's command line has in common."""

from __future__ import annotations

import pytest

from main import build_parser, resolve_role

ROLES_WITH_A_LANGUAGE = [
    ["demo"],
    ["kiosk", "--hub", "http://10.0.0.2:8470"],
    ["counter"],
    ["display", "--hub", "http://10.0.0.2:8470"],
    ["print-test", "--png", "t.png"],
    ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", "r.pdf"],
]


@pytest.mark.parametrize("role", ROLES_WITH_A_LANGUAGE, ids=lambda argv: argv[0])
def test_every_role_takes_lang_and_language_alike(role):
    parser = build_parser()
    assert resolve_role(parser, role).lang == "ar"
    assert resolve_role(parser, [*role, "--lang", "en"]).lang == "en"
    assert resolve_role(parser, [*role, "--language", "en"]).lang == "en"
    with pytest.raises(SystemExit):
        resolve_role(parser, [*role, "--lang", "fr"])


@pytest.mark.parametrize("role", ["kiosk", "counter", "display"])
def test_every_screen_takes_windowed(role):
    argv = [role] if role == "counter" else [role, "--hub", "http://10.0.0.2:8470"]
    assert resolve_role(build_parser(), [*argv, "--windowed"]).windowed is True
