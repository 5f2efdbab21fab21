"""What kind of image a file is, from its first bytes: the ticket logo's one check.

The hub checks the logo when it loads the config and names its media type when a kiosk asks
for it; the kiosk checks what it downloaded before it prints it.
"""

from __future__ import annotations

IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF", b"BM": "BMP"}
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp"}


def image_kind(head: bytes) -> str | None:
    """"PNG", "JPEG", "GIF" or "BMP" when `head` (a file's first 8 bytes or more) starts one."""
    return next((kind for signature, kind in IMAGE_SIGNATURES.items() if head.startswith(signature)), None)


def media_type(data: bytes) -> str:
    """The HTTP media type of an image's bytes (`application/octet-stream` for anything else)."""
    return MEDIA_TYPES.get(image_kind(data) or "", "application/octet-stream")
