"""A counter that cannot join the hub says why on screen, in both languages; another --counter keeps its enrollment."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from counter_ui import cli
from counter_ui.app import build_counter_window
from qt_common.hub_client import HubClient
from qt_common.i18n import Language, set_language, strip_bidi
from tests.counter_ui.conftest import WAIT_MS, shoot, wait_for
from tests.support import free_port


def counter_args(*argv: str) -> argparse.Namespace:
    top = argparse.ArgumentParser(prog="tabour")
    cli.register(top.add_subparsers(dest="role"))
    return top.parse_args(["counter", *argv])


def banner_texts(window) -> tuple[str, str, str, str]:
    banner = window.offline_banner
    return tuple(strip_bidi(label.text()) for label in (banner.arabic_label, banner.arabic_detail, banner.english_label, banner.english_detail))


def test_a_wrong_code_is_said_on_the_banner_not_connecting_forever(app, hall, qtbot, tmp_path: Path, out_dir: Path) -> None:
    """Started with a wrong --enroll-code, the counter's banner says the hub refused the code and what to do, in both languages."""
    client = HubClient(hall.hub.url, device_name="counter-4", kind="counter", enroll_code="WRONG-code", config_dir=tmp_path / "c")
    hall.clients.append(client)
    window = build_counter_window(client, counter=4)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_for(qtbot, lambda: window.offline_banner.isVisible() and window.offline_banner.problem is not None)
    ar_title, ar_action, en_title, en_action = banner_texts(window)
    assert en_title == "The hub refused the enrollment code"
    assert ar_title == "رفض الخادم رمز التسجيل"
    assert "--enroll-code CODE" in en_action and "--enroll-code CODE" in ar_action
    assert "Connecting" not in en_title
    for size in ((1366, 768), (1920, 1080)):
        window.resize(*size)
        for language in (Language.AR, Language.EN):
            set_language(app, language)
            shoot(window, out_dir, f"refused-code-{size[0]}x{size[1]}-{language.value}")
    set_language(app, Language.AR)
    # The right code typed on the login screen clears it.
    window.login_page.enroll_code.setText(hall.hub.enroll_code)
    window.login_page.enroll_submit.click()
    wait_for(qtbot, lambda: client.online)
    assert client.problem is None and not window.offline_banner.isVisible()


def test_an_unreachable_hub_is_named_by_its_address(app, qtbot, tmp_path: Path) -> None:
    """A --hub where nothing answers: the banner names the address and says the counter keeps trying."""
    port = free_port()
    client = HubClient(f"http://127.0.0.1:{port}", device_name="counter-1", kind="counter", enroll_code="x",
                       config_dir=tmp_path / "c", timeout_ms=2000)
    window = build_counter_window(client, counter=1)
    qtbot.addWidget(window)
    window.show()
    try:
        wait_for(qtbot, lambda: window.offline_banner.isVisible() and window.offline_banner.problem is not None)
        _, _, en_title, en_action = banner_texts(window)
        assert en_title == f"The hub at 127.0.0.1:{port} cannot be reached"
        assert "keeps trying by itself" in en_action
    finally:
        client.stop()


def test_another_counter_number_does_not_enroll_again(app, hall, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`counter --counter 3 --enroll-code C`, later `counter --counter 5` without a code: the same enrolled device."""
    monkeypatch.setenv("TABOUR_CONFIG_DIR", str(tmp_path / "pc"))
    first = cli.make_client(counter_args("--hub", hall.hub.url, "--counter", "3", "--enroll-code", hall.hub.enroll_code))
    hall.clients.append(first)
    with qtbot.waitSignal(first.enrolled, timeout=WAIT_MS):
        first.start()
    first.stop()
    moved = cli.make_client(counter_args("--hub", hall.hub.url, "--counter", "5"))
    hall.clients.append(moved)
    assert moved.is_enrolled and moved.device_token == first.device_token
    window = build_counter_window(moved, counter=5, auto_login=("clerk2", "1111"))
    qtbot.addWidget(window)
    wait_for(qtbot, lambda: window.model.logged_in)
    assert window.model.counter.number == 5
    assert not window.login_page.enroll_box.isVisible()


def test_a_token_of_another_kind_is_explained_at_login(app, hall, qtbot, tmp_path: Path) -> None:
    """The counter's token file holds a kiosk's token (a --name shared by two roles): login says the hub refuses it as a counter, and what to do."""
    from qt_common.device_tokens import StoredDevice, TokenStore

    kiosk_token = hall.hub.enroll("kiosk", "shared-name")
    TokenStore(tmp_path / "c").save(StoredDevice(hall.hub.url, "shared-name", "kiosk", kiosk_token))
    client = HubClient(hall.hub.url, device_name="shared-name", kind="counter", config_dir=tmp_path / "c")
    hall.clients.append(client)
    window = build_counter_window(client, counter=2, auto_login=("clerk1", "1111"))
    qtbot.addWidget(window)
    window.show()
    wait_for(qtbot, lambda: window.model.last_error is not None)
    assert (window.model.last_error.status, window.model.last_error.code) == (403, "forbidden")
    message = window.model.last_message
    assert message.en.startswith("The hub does not accept this device as a counter screen. It is enrolled as another kind")
    assert "python main.py device revoke" in message.en
    assert strip_bidi(message.ar).startswith("الخادم لا يقبل هذا الجهاز كشاشة شباك")
    assert window.message_bar.isVisible()
