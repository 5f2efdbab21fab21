"""The hub client over HTTPS: it pins the hub's certificate at enrollment and refuses any other."""

from __future__ import annotations

import hashlib
import json
import ssl
from pathlib import Path

import httpx
import pytest

from qt_common.hub_client import CERTIFICATE_CHANGED, HubClient, HubError
from tests.support import LiveHub

WAIT_MS = 20_000


def served_fingerprint(hub: LiveHub) -> str:
    pem = ssl.get_server_certificate(("127.0.0.1", hub.port))
    return "sha256:" + hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def stored_token(client: HubClient) -> dict:
    return json.loads(Path(client.token_path).read_text(encoding="utf-8"))


@pytest.fixture
def tls_hub(tmp_path: Path):
    hub = LiveHub(tmp_path / "hub", extra_args=["--tls-self-signed"]).start()
    yield hub
    hub.stop()


def make_client(hub: LiveHub, tmp_path: Path, **options) -> HubClient:
    return HubClient(
        hub.url, device_name="board-tls", kind="display", enroll_code=hub.enroll_code,
        config_dir=tmp_path / "config", timeout_ms=3000, **options,
    )


def test_a_device_enrolls_over_https_pins_the_certificate_and_goes_live(qapp, qtbot, tls_hub: LiveHub, tmp_path: Path):
    """Over HTTPS the client enrolls, keeps the hub's fingerprint with its token, and goes live."""
    client = make_client(tls_hub, tmp_path)
    client.start()
    try:
        qtbot.waitUntil(lambda: client.online, timeout=WAIT_MS)
        assert stored_token(client)["certificate_fingerprint"] == served_fingerprint(tls_hub)
        assert client.pinned_fingerprint == served_fingerprint(tls_hub)
    finally:
        client.stop()


def test_another_certificate_is_refused_with_a_clear_message(qapp, qtbot, tls_hub: LiveHub, tmp_path: Path):
    """After the hub's certificate is replaced the client sends nothing and says why, in both languages."""
    first = make_client(tls_hub, tmp_path)
    first.start()
    qtbot.waitUntil(lambda: first.online, timeout=WAIT_MS)
    pinned = first.pinned_fingerprint
    first.stop()
    tls_hub.stop()
    (tls_hub.db_path.parent / "tabour-hub.crt").unlink()  # another certificate: an impostor, for the device
    tls_hub.start()
    assert served_fingerprint(tls_hub) != pinned
    client = make_client(tls_hub, tmp_path)
    errors: list[HubError] = []
    client.error.connect(errors.append)
    answers: list[tuple] = []
    client.health(lambda answer, error: answers.append((answer, error)))
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
    answer, error = answers[0]
    assert answer is None and error.code == CERTIFICATE_CHANGED
    assert pinned in error.message_en and "enroll this device again" in error.message_en
    assert "شهادة الخادم" in error.message_ar
    client.start()
    try:
        qtbot.waitUntil(lambda: any(e.code == CERTIFICATE_CHANGED for e in errors), timeout=WAIT_MS)
        assert not client.online
        assert stored_token(client)["certificate_fingerprint"] == pinned, "the pin is kept, not replaced"
    finally:
        client.stop()


def test_a_fingerprint_given_before_enrollment_must_match(qapp, qtbot, tls_hub: LiveHub, tmp_path: Path):
    """With TABOUR_HUB_FINGERPRINT (or expected_fingerprint) a different certificate is refused at enrollment."""
    wrong = "sha256:" + "0" * 64
    client = make_client(tls_hub, tmp_path, expected_fingerprint=wrong)
    answers: list[tuple] = []
    client.enroll("board-tls", "display", tls_hub.enroll_code, lambda answer, error: answers.append((answer, error)))
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
    assert answers[0][1].code == CERTIFICATE_CHANGED and not client.is_enrolled
    right = make_client(tls_hub, tmp_path, expected_fingerprint=served_fingerprint(tls_hub))
    done: list[tuple] = []
    right.enroll("board-tls", "display", tls_hub.enroll_code, lambda answer, error: done.append((answer, error)))
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    assert done[0][1] is None and right.pinned_fingerprint == served_fingerprint(tls_hub)
    with pytest.raises(ValueError):
        make_client(tls_hub, tmp_path, expected_fingerprint="sha1:abc")
    assert httpx.get(f"{tls_hub.url}/api/v1/health", verify=False, timeout=5).status_code == 200
