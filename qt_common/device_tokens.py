"""Device tokens on disk, one JSON file per hub URL and device name, readable only by the user.

A device enrolls once (`POST /devices/enroll`) and keeps the token here for every later
start; the file also pins the HTTPS hub's certificate seen at enrollment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QUrl

log = logging.getLogger(__name__)

CONFIG_DIR_ENV = "TABOUR_CONFIG_DIR"
MAX_NAME_LENGTH = 80


def normalize_hub_url(url: str) -> str:
    """"http://10.0.0.2:8470/" → "http://10.0.0.2:8470"; a ValueError for anything but an http(s) base URL."""
    if not isinstance(url, str) or not url.strip() or len(url) > 2000:
        raise ValueError(f"not a hub URL: {str(url)[:80]!r}")
    parsed = QUrl(url.strip(), QUrl.ParsingMode.StrictMode)
    if (
        not parsed.isValid()
        or parsed.scheme() not in ("http", "https")
        or not parsed.host()
        or parsed.hasQuery()
        or parsed.hasFragment()
        or parsed.userInfo()
    ):
        raise ValueError(f"not a hub URL (expected http://HOST:PORT): {url[:80]!r}")
    return parsed.toString().rstrip("/")


def check_device_name(name: str) -> str:
    if not isinstance(name, str):
        raise ValueError(f"device name must be text, not {type(name).__name__}")
    stripped = name.strip()
    if not stripped or len(stripped) > MAX_NAME_LENGTH or not stripped.isprintable():
        raise ValueError(f"device name must be 1–{MAX_NAME_LENGTH} printable characters, got {name[:90]!r}")
    return stripped


def default_config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("tabour", appauthor=False))


@dataclass(frozen=True, slots=True)
class StoredDevice:
    hub_url: str
    device_name: str
    kind: str
    token: str
    device_id: int | None = None
    enrolled_at: float | None = None
    #: "sha256:…" of the HTTPS hub's certificate seen at enrollment: no other is accepted after
    certificate_fingerprint: str | None = None



def fingerprint_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"sha256:[0-9a-f]{64}", value) else None


class TokenStore:
    """Device tokens on disk: one JSON file per hub URL and device name, readable only by the user."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_config_dir()

    def path_for(self, hub_url: str, device_name: str) -> Path:
        # A readable slug for people, a hash so that no name can reach outside the folder or collide.
        digest = hashlib.sha256(f"{hub_url}\n{device_name}".encode()).hexdigest()[:16]
        slug = re.sub(r"[^A-Za-z0-9]+", "_", f"{QUrl(hub_url).host()}_{QUrl(hub_url).port()}_{device_name}")
        return self.directory / f"device-{slug.strip('_')[:60]}-{digest}.json"

    def load(self, hub_url: str, device_name: str) -> StoredDevice | None:
        path = self.path_for(hub_url, device_name)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("cannot read the device token %s: %s", path, error)
            return None
        try:
            data = json.loads(raw)
            token = data["token"]
            if (
                not isinstance(token, str)
                or not 0 < len(token) <= 200
                or data.get("hub_url") != hub_url
                or data.get("device_name") != device_name
            ):
                raise ValueError("fields do not match")
            device_id = data.get("device_id")
            return StoredDevice(
                hub_url,
                device_name,
                str(data.get("kind", "")),
                token,
                device_id if isinstance(device_id, int) else None,
                data.get("enrolled_at") if isinstance(data.get("enrolled_at"), int | float) else None,
                fingerprint_or_none(data.get("certificate_fingerprint")),
            )
        except (ValueError, KeyError, TypeError) as error:
            log.warning("ignoring the unreadable device token %s (%s); the device will enroll again", path, error)
            return None

    def save(self, device: StoredDevice) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.path_for(device.hub_url, device.device_name)
        payload = json.dumps(
            {
                "hub_url": device.hub_url,
                "device_name": device.device_name,
                "kind": device.kind,
                "token": device.token,
                "device_id": device.device_id,
                "enrolled_at": device.enrolled_at,
                "certificate_fingerprint": device.certificate_fingerprint,
            },
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8")
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # Created 0600 from the start, written whole, then moved over the old file in one step.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path

    def forget(self, hub_url: str, device_name: str) -> None:
        self.path_for(hub_url, device_name).unlink(missing_ok=True)

    def find(self, hub_url: str, kind: str) -> StoredDevice | None:
        """The device of `kind` this computer enrolled with `hub_url` most recently, whatever its name.

        A counter PC moved from `--counter 3` to `--counter 5` (or a board given another
        `--board`) is still the same enrolled device; it must not need the code again.
        """
        try:
            paths = sorted(self.directory.glob("device-*.json"))
        except OSError:
            return None
        found: list[StoredDevice] = []
        for path in paths[:500]:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(data, dict) or data.get("hub_url") != hub_url or data.get("kind") != kind:
                continue
            name = data.get("device_name")
            # Only a file that sits where its own fields say it should: no copied or planted files.
            if not isinstance(name, str) or self.path_for(hub_url, name) != path:
                continue
            device = self.load(hub_url, name)
            if device is not None:
                found.append(device)
        if not found:
            return None
        return max(found, key=lambda device: device.enrolled_at or 0.0)
