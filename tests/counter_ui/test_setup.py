"""Building the window for a launcher, the device token's place, and enrollment from the login screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_ui.app import build_counter_window
from qt_common.hub_client import HubClient
from qt_common.i18n import Language, current_language
from tests.counter_ui.conftest import wait_for


def test_build_counter_window_for_a_launcher(app, hall, qtbot, tmp_path):
    """The builder starts the client, keeps the token under the given config dir, and takes the language."""
    client = HubClient(hall.hub.url, device_name="counter-launcher", kind="counter",
                       enroll_code=hall.hub.enroll_code, config_dir=tmp_path / "cfg")
    hall.clients.append(client)
    window = build_counter_window(client, counter=7, auto_login=("clerk2", "1111"), language="en")
    qtbot.addWidget(window)
    assert client.running
    assert current_language() is Language.EN
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    wait_for(qtbot, lambda: window.model.logged_in)
    assert window.model.counter.number == 7
    assert client.token_path is not None and client.token_path.is_relative_to(tmp_path / "cfg")
    assert client.token_path.exists()


def test_builder_refuses_bad_arguments(app, hall):
    """A malformed auto-login or language is refused before any window exists."""
    client = hall.client("counter-bad")
    with pytest.raises(ValueError):
        build_counter_window(client, auto_login=("only-one",))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        build_counter_window(client, language="fr")
    assert not client.running


def test_enrollment_code_typed_on_the_login_screen(app, hall, qtbot, tmp_path):
    """A device without a code asks for one; a wrong code is explained, the right one enrolls and loads the counters."""
    client = HubClient(hall.hub.url, device_name="counter-new", kind="counter", config_dir=tmp_path / "cfg2")
    hall.clients.append(client)
    window = build_counter_window(client, counter=2)
    qtbot.addWidget(window)
    window.show()
    wait_for(qtbot, lambda: window.login_page.enroll_box.isVisible())
    window.login_page.enroll_code.setText("wrong")
    window.login_page.enroll_submit.click()
    wait_for(qtbot, lambda: window.model.last_error is not None)
    assert window.message_bar.isVisible()
    window.login_page.enroll_code.setText(hall.hub.enroll_code)
    window.login_page.enroll_submit.click()
    wait_for(qtbot, lambda: not window.login_page.enroll_box.isVisible())
    wait_for(qtbot, lambda: window.login_page.counter_combo.count() == 8)
    assert window.login_page.counter_combo.currentText() == "الشباك 2"
