"""An admin uploads the ticket logo: checked like the config's logo, decoded safely, set at once;
hostile files (huge, not an image, wrong type, a zip-bomb PNG, truncated) are refused plainly."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from core import audit, commands
from core.models import Role
from core.security import hash_pin
from tests.hub.console.test_console_rules import csrf_of, log_in


@pytest.fixture
def admin(hall):
    hall.store.call(commands.add_clerk, "boss", Role.ADMIN, hash_pin("2468"))
    assert log_in(hall.client, "boss", "2468").status_code == 303
    return hall


def png(width: int = 120, height: int = 40, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, kind)
    return out.getvalue()


def bomb_png(side: int = 60_000) -> bytes:
    """A valid PNG a few KiB long that would decode to side × side bytes (3.6 GB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00" * (side + 1) * 100, 9)  # the first rows only; the header is what matters
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def upload(hall, content: bytes, name: str = "logo.png", media: str = "image/png", lang: str = "en"):
    token = csrf_of(hall.client.get("/console/centre/texts").text)
    return hall.client.post(f"/console/centre/logo?lang={lang}", data={"csrf": token},
                            files={"logo": (name, content, media)}, follow_redirects=False)


def test_a_logo_is_uploaded_served_to_kiosks_and_audited(admin):
    picture = png()
    answer = upload(admin, picture)
    assert answer.status_code == 303, answer.text[-1500:]
    logo = admin.store.catalogue.config.centre.logo
    assert logo and logo.endswith(".png")
    kiosk = admin.enroll("kiosk", "kiosk-logo")
    served = admin.client.get("/api/v1/centre/logo", headers=kiosk)
    assert served.status_code == 200 and served.content == picture
    assert admin.client.get("/console/logo.img").content == picture
    entry = audit.recent(admin.store)[0]
    assert entry["action"] == "logo.set" and entry["after"]["logo"] == logo
    assert upload(admin, png(kind="JPEG"), "logo.jpg", "image/jpeg").status_code == 303
    assert admin.store.catalogue.config.centre.logo.endswith(".jpg")


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"GIF89a" + b"\x00" * 40, "damaged"),
    (b"%PDF-1.7\n" + b"x" * 100, "not a PNG"),
    (b"PK\x03\x04" + b"\x00" * 100, "not a PNG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a PNG"),
    (png()[:60], "damaged"),
    (png(5000, 10), "at most 4000"),
    (bomb_png(), "at most 4000"),
])
def test_hostile_logos_are_refused_and_nothing_changes(admin, content: bytes, words: str):
    before = admin.store.catalogue.config
    answer = upload(admin, content)
    assert answer.status_code == 422 and words in answer.text, (words, answer.status_code, answer.text[-1200:])
    assert 'id="logo-error"' in answer.text
    assert admin.store.catalogue.config == before and audit.recent(admin.store) == []


def test_a_huge_upload_is_stopped_by_the_hubs_body_limit(admin):
    answer = upload(admin, b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000_000)
    assert answer.status_code == 413 and admin.store.catalogue.config.centre.logo is None


def test_the_refusal_is_said_in_arabic(admin):
    answer = upload(admin, b"not an image at all", lang="ar")
    assert answer.status_code == 422 and "ليس صورة" in answer.text


def test_a_logo_needs_an_admin_and_the_token(admin):
    assert admin.client.post("/console/centre/logo", data={"csrf": "x"}, files={"logo": ("l.png", png(), "image/png")}).status_code == 403
    other = admin.client.__class__(admin.client.app)
    assert log_in(other).status_code == 303
    token = csrf_of(other.get("/console/hall").text)
    assert other.post("/console/centre/logo", data={"csrf": token}, files={"logo": ("l.png", png(), "image/png")}).status_code == 403
    assert admin.store.catalogue.config.centre.logo is None
