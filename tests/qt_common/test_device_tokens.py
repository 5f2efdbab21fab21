"""The device token store: hub URLs and device names checked, one private file per device, hostile files ignored."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qt_common.device_tokens import StoredDevice, TokenStore, check_device_name, normalize_hub_url


# --- URLs, names, ids -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("http://10.0.0.2:8470", "http://10.0.0.2:8470"), ("http://10.0.0.2:8470/", "http://10.0.0.2:8470"),
     ("  https://hub.local  ", "https://hub.local"), ("http://hub.local/tabour/", "http://hub.local/tabour")],
)
def test_hub_url_is_normalised(given: str, expected: str) -> None:
    """Trailing slashes and spaces go; http and https with a path prefix are accepted."""
    assert normalize_hub_url(given) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "10.0.0.2:8470", "ftp://hub", "file:///etc/passwd", "javascript:alert(1)", "http://",
     "http://hub/?token=x", "http://hub/#x", "http://user:secret@hub", "http://" + "a" * 3000, None, 8470],
)
def test_hub_url_refuses_anything_else(bad: object) -> None:
    """Only an http(s) base URL without credentials, query or fragment is a hub URL."""
    with pytest.raises(ValueError):
        normalize_hub_url(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "   ", "a" * 81, "kiosk\n1", "tab\there", None, 7])
def test_device_name_refuses_bad_names(bad: object) -> None:
    """Empty, over-long or control-character names are refused."""
    with pytest.raises(ValueError):
        check_device_name(bad)  # type: ignore[arg-type]


# --- the token file -------------------------------------------------------------------------


def test_token_file_is_private_and_round_trips(tmp_path: Path) -> None:
    """The token is saved 0600 in a 0700 folder and read back unchanged."""
    store = TokenStore(tmp_path / "cfg")
    device = StoredDevice("http://10.0.0.2:8470", "kiosk-1", "kiosk", "s3cret-token", 4, 1.5)
    path = store.save(device)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.load(device.hub_url, device.device_name) == device
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
    store.forget(device.hub_url, device.device_name)
    assert not path.exists()
    store.forget(device.hub_url, device.device_name)  # forgetting twice is harmless


def test_one_file_per_hub_and_device(tmp_path: Path) -> None:
    """Two hubs or two device names never share a token file."""
    store = TokenStore(tmp_path)
    paths = {
        store.path_for("http://10.0.0.2:8470", "kiosk-1"),
        store.path_for("http://10.0.0.3:8470", "kiosk-1"),
        store.path_for("http://10.0.0.2:8470", "kiosk-2"),
        store.path_for("http://10.0.0.2:8471", "kiosk-1"),
    }
    assert len(paths) == 4


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "/abs/path", "a\\b", "شاشة الصالة", "x" * 80])
def test_hostile_names_stay_inside_the_folder(tmp_path: Path, name: str) -> None:
    """Whatever the device name, its token file is a plain file name in the config folder."""
    store = TokenStore(tmp_path / "cfg")
    path = store.save(StoredDevice("http://hub:8470", name, "display", "t"))
    assert path.parent == tmp_path / "cfg"
    assert store.load("http://hub:8470", name) is not None


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[]", '{"token": 5}', '{"token": ""}', json.dumps({"token": "x" * 500}),
     json.dumps({"token": "t", "hub_url": "http://other:1", "device_name": "kiosk-1"})],
)
def test_unreadable_token_file_means_not_enrolled(tmp_path: Path, content: str) -> None:
    """A corrupt, foreign or hostile token file is ignored (the device enrolls again), not a crash."""
    store = TokenStore(tmp_path)
    path = store.path_for("http://hub:8470", "kiosk-1")
    path.write_text(content, encoding="utf-8")
    assert store.load("http://hub:8470", "kiosk-1") is None


def test_file_mode_survives_a_permissive_umask(tmp_path: Path) -> None:
    """Even with umask 000 the token file is 0600."""
    old = os.umask(0)
    try:
        path = TokenStore(tmp_path / "cfg").save(StoredDevice("http://hub:1", "k", "kiosk", "t"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
