"""HTTPS: the hub's own certificate, its fingerprint at start-up, the API, events and phone page on one port."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import websockets

from tests.support import ROOT, LiveHub, bearer, run_async


def served_fingerprint(port: int) -> str:
    pem = ssl.get_server_certificate(("127.0.0.1", port))
    return "sha256:" + hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def printed_fingerprint(hub: LiveHub) -> str:
    lines = [line for line in hub.log_path.read_text(errors="replace").splitlines() if line.startswith("TLS certificate fingerprint: ")]
    return lines[-1].split(": ", 1)[1]


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory: pytest.TempPathFactory):
    hub = LiveHub(tmp_path_factory.mktemp("tls"), extra_args=["--tls-self-signed"]).start()
    yield hub
    hub.stop()


def test_the_self_signed_hub_prints_the_fingerprint_it_serves(tls_hub: LiveHub):
    """The fingerprint on the start-up lines is the SHA-256 of the certificate the hub presents."""
    assert printed_fingerprint(tls_hub) == served_fingerprint(tls_hub.port)
    key = tls_hub.db_path.parent / "tabour-hub.key"
    if sys.platform != "win32":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_api_the_events_and_the_phone_page_work_over_https(tls_hub: LiveHub):
    """Enrollment, a ticket, its phone page and the event socket all work on the HTTPS port."""
    with httpx.Client(base_url=tls_hub.url, verify=False, timeout=10) as client:
        token = client.post(
            "/api/v1/devices/enroll", json={"name": "kiosk-tls", "kind": "kiosk", "code": tls_hub.enroll_code}
        ).json()["token"]
        ticket = client.post("/api/v1/tickets", json={"service_id": 1}, headers=bearer(token)).json()
        page = client.get(f"/t/{ticket['code']}")
        assert page.status_code == 200 and ticket["number"] in page.text
        assert client.get("/api/v1/health").json()["status"] == "ok"

    async def first_frame() -> dict:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        async with websockets.connect(f"{tls_hub.ws_url}/api/v1/events?since=0&token={token}", ssl=context) as socket:
            import json

            return json.loads(await asyncio.wait_for(socket.recv(), 10))

    assert (run_async(first_frame()))["seq"] == 1


def test_a_caught_up_event_socket_gets_new_events_over_https(tls_hub: LiveHub):
    """Past its replay a socket is written by the broadcaster straight to its transport, here a
    TLS one: the next ticket's event arrives whole and in order."""
    with httpx.Client(base_url=tls_hub.url, verify=False, timeout=10) as client:
        token = client.post(
            "/api/v1/devices/enroll", json={"name": "kiosk-tls-live", "kind": "kiosk", "code": tls_hub.enroll_code}
        ).json()["token"]
        since = client.get("/api/v1/health").json()["seq"]

        async def next_frames() -> tuple[list[dict], list[str]]:
            import json

            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            async with websockets.connect(f"{tls_hub.ws_url}/api/v1/events?since={since}&token={token}", ssl=context) as socket:
                await socket.ping()  # the hub has taken the socket before the tickets are issued
                issued = [await asyncio.to_thread(client.post, "/api/v1/tickets", json={"service_id": 1}, headers=bearer(token)) for _ in range(2)]
                frames = [json.loads(await asyncio.wait_for(socket.recv(), 10)) for _ in range(2)]
                return frames, [answer.json()["code"] for answer in issued]

        frames, codes = run_async(next_frames())
    assert [frame["type"] for frame in frames] == ["ticket.issued", "ticket.issued"]
    assert [frame["ticket"]["code"] for frame in frames] == codes
    assert frames[1]["seq"] == frames[0]["seq"] + 1 > since


def test_plain_http_is_not_served_on_the_https_port(tls_hub: LiveHub):
    """Nothing is answered in clear on the HTTPS port: a plain-HTTP request gets no JSON."""
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{tls_hub.port}/api/v1/health", timeout=5).json()


def test_the_certificate_is_kept_across_restarts_and_a_new_one_changes_the_fingerprint(tmp_path: Path):
    """A restart serves the same certificate (pins hold); deleting it makes a new one, another fingerprint."""
    hub = LiveHub(tmp_path / "hub", extra_args=["--tls-self-signed"]).start()
    try:
        first = served_fingerprint(hub.port)
        hub.restart()
        assert served_fingerprint(hub.port) == first
        hub.stop()
        (hub.db_path.parent / "tabour-hub.crt").unlink()
        hub.start()
        assert served_fingerprint(hub.port) != first
        assert printed_fingerprint(hub) == served_fingerprint(hub.port)
    finally:
        hub.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-self-signed", "--tls-key", "key.pem"], "either --tls-self-signed"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing.key"], "does not exist"),
        (["--tls-cert", "garbage.pem", "--tls-key", "garbage.pem"], "cannot be used together"),
    ],
)
def test_bad_tls_options_stop_the_hub_with_a_message(tmp_path: Path, args: list[str], message: str):
    """A missing half, both modes at once, a missing or unusable file: exit 2 with the reason."""
    (tmp_path / "garbage.pem").write_text("not a certificate", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "hub", "--db", str(tmp_path / "db.sqlite"), "--port", "1", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and message in done.stderr, done.stderr
