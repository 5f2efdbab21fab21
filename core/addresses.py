"""A hub's address as people type it: "192.168.1.10:8470", "hub-pc", or a full http(s) URL."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_HUB_PORT = 8470
HUB_ADDRESS_WANTED = "the hub's address as http://HOST:PORT or HOST:PORT, e.g. http://192.168.1.10:8470 or 192.168.1.10:8470"


def hub_base_url(given: str) -> str:
    """`given` as a hub's base URL: "127.0.0.1:8470" and "hub-pc" (port 8470) are read as http;
    a ValueError that says what is wanted for anything else."""
    text = (given or "").strip()
    if not text or len(text) > 300 or any(ch.isspace() for ch in text):
        raise ValueError(f"--hub {given[:80]!r} is not an address: give {HUB_ADDRESS_WANTED}")
    if "://" not in text:
        text = f"http://{text}"
        try:
            if urlsplit(text).port is None:
                text = f"{text.rstrip('/')}:{DEFAULT_HUB_PORT}"
        except ValueError:
            pass
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — raises for a port that is not a number or out of range
    except ValueError:
        raise ValueError(f"--hub {given[:80]!r} has no valid port: give {HUB_ADDRESS_WANTED}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.path.strip("/"):
        raise ValueError(f"--hub {given[:80]!r} is not a hub's address: give {HUB_ADDRESS_WANTED}")
    return f"{parts.scheme}://{parts.netloc}"
