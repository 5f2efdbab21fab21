"""The hub's shipper against a real central: it catches up, never needs the writer, and says why it cannot ship."""

from __future__ import annotations

import random
import sqlite3

from hub.shipper import Shipper, ShipperSettings
from tests.central.hall import play_day
from tests.central.helpers import add_branch, bearer, simple_log, wait_for
from tests.support import free_port


def shipper_for(central, store, token: str, **options) -> Shipper:
    shipper = Shipper(store.path, ShipperSettings("http://testserver", "RUH-01", token, linger=0.01, **options), client=central)
    store.add_listener(shipper.notify)
    return shipper


def test_it_ships_while_another_connection_holds_the_write_lock(central, pg, store, clerks, clock):
    """With a write transaction held open on the hub's database the whole time, the log still reaches the central."""
    play_day(store, clock, random.Random(1), 15)
    token = add_branch(pg)
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as the hub's writer would hold it mid-batch
    shipper = shipper_for(central, store, token, batch_size=50)
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=60)
        lag = shipper.lag()
        assert lag["state"] == "ok" and lag["behind"] == 0 and lag["behind_seconds"] == 0.0 and lag["error"] is None
        assert shipper.sent_batches >= store.last_seq // 50  # in batches, not one by one nor all at once
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        shipper.stop()


def test_a_wrong_token_is_refused_and_nothing_is_sent(central, pg, store, clerks, clock):
    """A token the central does not know: state 'refused' with the central's message; no event is stored."""
    play_day(store, clock, random.Random(2), 3)
    add_branch(pg)
    shipper = shipper_for(central, store, "a-token-the-central-never-gave-out")
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["state"] == "refused", timeout=30)
        assert "token" in shipper.lag()["error"]
        assert pg.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    finally:
        shipper.stop()


def test_an_unreachable_central_is_reported_and_retried(store, clerks, clock, tmp_path):
    """Nothing listening at the central's address: state 'unreachable' with the error; the hall goes on."""
    play_day(store, clock, random.Random(3), 3)
    token_file = tmp_path / "token"
    token_file.write_text("x" * 43)
    settings = ShipperSettings.from_cli(f"http://127.0.0.1:{free_port()}", "RUH-01", token_file)
    shipper = Shipper(store.path, settings)
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["state"] == "unreachable", timeout=30)
        lag = shipper.lag()
        assert lag["error"] and lag["held"] is None and lag["behind"] is None
    finally:
        shipper.stop()


def test_a_central_holding_more_than_the_hub_is_a_diverged_log(central, pg, store, clerks, clock):
    """The central holds seqs this hub never wrote (a restored database): state 'diverged', nothing overwritten."""
    token = add_branch(pg)
    origin = simple_log(1)[0]["at"]
    central.post("/api/v1/ingest", json={"log_origin": origin, "events": simple_log(500)}, headers=bearer(token))
    shipper = shipper_for(central, store, token)
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["state"] == "diverged", timeout=30)
        assert "--central-resend" in shipper.lag()["error"]
        assert pg.execute("SELECT held_seq FROM branches").fetchone()[0] == 500
    finally:
        shipper.stop()


def test_resend_replaces_what_the_central_held(central, pg, store, clerks, clock):
    """--central-resend: the central forgets the branch's old log and takes this hub's, from seq 1."""
    play_day(store, clock, random.Random(4), 6)
    token = add_branch(pg)
    origin = simple_log(1)[0]["at"]
    central.post("/api/v1/ingest", json={"log_origin": origin, "events": simple_log(500)}, headers=bearer(token))
    shipper = shipper_for(central, store, token, resend=True)
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["state"] == "ok" and shipper.lag()["held"] == store.last_seq, timeout=60)
        seqs = [row[0] for row in pg.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, store.last_seq + 1))
    finally:
        shipper.stop()


def test_lag_counts_what_is_not_yet_held(central, pg, store, clerks, clock):
    """Before the first batch the lag is unknown; once shipped, new events show as behind until sent."""
    token = add_branch(pg)
    shipper = shipper_for(central, store, token)
    assert shipper.lag()["state"] == "starting" and shipper.lag()["held"] is None
    play_day(store, clock, random.Random(6), 2)
    shipper.start()
    try:
        wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=30)
        assert shipper.lag()["local"] == store.last_seq
    finally:
        shipper.stop()


def test_the_hubs_health_shows_the_lag_only_when_shipping(central, pg, store, clerks, clock):
    """GET /api/v1/health: `central` is null without --central; with a shipper, its lag (state, held, behind)."""
    from fastapi.testclient import TestClient

    from hub.app import HubSettings, create_app

    with TestClient(create_app(store, HubSettings(enroll_code="4711-test"))) as hub:
        assert hub.get("/api/v1/health").json()["central"] is None
    token = add_branch(pg)
    play_day(store, clock, random.Random(8), 2)
    shipper = Shipper(store.path, ShipperSettings("http://testserver", "RUH-01", token, linger=0.01), client=central)
    with TestClient(create_app(store, HubSettings(enroll_code="4711-test"), shipper)) as hub:
        wait_for(lambda: hub.get("/api/v1/health").json()["central"]["state"] == "ok", timeout=30)
        lag = hub.get("/api/v1/health").json()["central"]
        assert lag["branch"] == "RUH-01" and lag["held"] == lag["local"] == store.last_seq and lag["behind"] == 0


def test_a_branch_ships_over_https(pg_url, tmp_path, store, clerks, clock, monkeypatch):
    """The central serving HTTPS (--tls-cert/--tls-key) and a hub trusting its certificate (SSL_CERT_FILE): the log arrives."""
    import psycopg

    from hub.tls import make_self_signed
    from tests.central.live import LiveCentral

    files = make_self_signed(tmp_path / "tls", "127.0.0.1", "Ministry central")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        token = add_branch(conn)
    token_file = tmp_path / "central.token"
    token_file.write_text(token)
    central = LiveCentral(pg_url, tmp_path / "central", tls=(files.certificate, files.key)).start()
    try:
        assert central.url.startswith("https://")
        play_day(store, clock, random.Random(9), 3)
        monkeypatch.setenv("SSL_CERT_FILE", str(files.certificate))
        shipper = Shipper(store.path, ShipperSettings.from_cli(central.url, "RUH-01", token_file))
        shipper.start()
        try:
            wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=60)
        finally:
            shipper.stop()
    finally:
        central.stop()
