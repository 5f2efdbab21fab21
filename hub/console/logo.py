"""The ticket logo uploaded from the console: checked before it is kept, then set like any edit.

The checks are the config logo's (`core.config.resolve_logo`: a file under its size limit that
starts like a PNG, JPEG, GIF or BMP), plus what only an upload needs: Pillow reads the header and
refuses sides or a pixel count too large to print *before* decoding (so a small "zip bomb" PNG
that would unpack to gigabytes never does), then decodes it whole to prove it is not truncated
or a different type behind a right signature. The kept file is named by its content and never
overwritten, so a kept configuration always points at the picture it was made with.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.config import MAX_LOGO_BYTES
from core.errors import BadInput
from core.images import image_kind

MAX_SIDE = 4000  # dots; a ticket is 576 wide, so this is generous and still cheap to decode
MAX_PIXELS = 4_000_000
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "BMP": "bmp"}
PILLOW_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "BMP": "BMP"}


def refuse(message_en: str, message_ar: str) -> BadInput:
    return BadInput(message_en, message_ar, code="invalid_logo")


def check_logo(raw: bytes) -> str:
    """The image's kind ("PNG", …) when `raw` is a logo fit to print; a clear refusal otherwise."""
    if not raw:
        raise refuse("The file is empty; choose a PNG, JPEG, GIF or BMP image.", "الملف فارغ؛ اختر صورة PNG أو JPEG أو GIF أو BMP.")
    if len(raw) > MAX_LOGO_BYTES:
        raise refuse(f"The image is {len(raw)} bytes; a ticket logo must be under {MAX_LOGO_BYTES} bytes.",
                     f"حجم الصورة \u2066{len(raw)}\u2069 بايت؛ يجب أن يكون الشعار أقل من \u2066{MAX_LOGO_BYTES}\u2069 بايت.")
    kind = image_kind(raw[:8])
    not_image = refuse("This is not a PNG, JPEG, GIF or BMP image.", "هذا الملف ليس صورة PNG أو JPEG أو GIF أو BMP.")
    if kind is None:
        raise not_image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:  # reads the header only
                width, height = image.size
                if image.format != PILLOW_FORMATS[kind]:
                    raise not_image
                if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise refuse(
                        f"The image is {width}×{height} dots; a ticket logo may be at most {MAX_SIDE}×{MAX_SIDE} "
                        f"and {MAX_PIXELS} dots in all.",
                        f"أبعاد الصورة \u2066{width}×{height}\u2069 نقطة؛ الحد \u2066{MAX_SIDE}×{MAX_SIDE}\u2069 نقطة.",
                    )
                image.load()  # the whole picture decodes: not truncated, not something else
    except BadInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, EOFError):
        raise refuse("The image is damaged or incomplete; save it again as PNG and retry.",
                     "الصورة تالفة أو ناقصة؛ احفظها من جديد بصيغة PNG وأعد المحاولة.") from None
    return kind


def keep_logo(raw: bytes, kind: str, folder: Path) -> Path:
    """Write a checked logo into `folder`, named by its content (an identical upload reuses it)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"logo-{hashlib.sha256(raw).hexdigest()[:16]}.{EXTENSIONS[kind]}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(raw)
        partial.replace(path)
    return path
