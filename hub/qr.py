"""QR codes drawn as inline SVG for the hub's pages (the phone page's arrival code, the /join poster).

Inline, so a page under a strict Content-Security-Policy shows it without loading anything, and
it prints sharp at any size. The modules are drawn by the `qrcode` library; only the wrapping
(size, label, colours) is ours.
"""

from __future__ import annotations

import re
from html import escape

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

_SIZE = re.compile(r'\swidth="[^"]*"\s+height="[^"]*"')


def qr_svg(text: str, label: str, css_class: str = "qr") -> str:
    """`text` as a QR code: an `<svg role="img">` named `label`, as wide as its box."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    svg = svg.split("?>", 1)[-1].strip()  # no XML declaration inside HTML
    svg = _SIZE.sub("", svg, count=1)
    return svg.replace(
        "<svg", f'<svg class="{escape(css_class)}" role="img" aria-label="{escape(label)}" shape-rendering="crispEdges"', 1
    ).replace("<path", '<rect width="100%" height="100%" fill="#fff"/><path', 1)
