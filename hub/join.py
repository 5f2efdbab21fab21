"""The remote queue's public pages: `GET /join` (take a ticket from the phone) and its poster.

Server-rendered with Jinja2 (templates/ beside this file), Arabic first with English a click
away, no login, no cookies and no script: a plain form posts to `POST /join`, which answers
303 to the new ticket's phone page. The poster is a printable A4 page whose QR code opens
/join; it is bilingual on one sheet, Arabic above English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from core.bilingual import by_language
from hub.page import eta_html
from hub.qr import qr_svg

HERE = Path(__file__).resolve().parent
ENVIRONMENT = Environment(
    loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
)

TEXT: dict[str, dict[str, Any]] = by_language({
    "title": ("خذ دورك من جوالك", "Take your turn from your phone"),
    "intro": (
        "اختر الخدمة وانتظر حيث تشاء. ننبّهك على هذا الجوال حين يقترب دورك، ثم أكّد حضورك عند جهاز التذاكر بمسح الرمز الظاهر في صفحة تذكرتك.",
        "Choose a service and wait wherever you like. This phone tells you when your turn is near; then confirm you are here at the ticket kiosk by scanning the code on your ticket page.",
    ),
    "take": ("خذ تذكرة", "Take a ticket"),
    "waiting": ("المنتظرون الآن", "Waiting now"),
    "eta": ("الانتظار المتوقع", "Estimated wait"),
    "closed": ("مغلقة الآن", "Closed now"),
    "full": (
        "اكتمل عدد المنتظرين عن بُعد؛ خذ تذكرة من الجهاز في المركز",
        "As many visitors wait from their phones as this service takes; take a ticket at the kiosk",
    ),
    "none": (
        "لا يقدّم المركز التذاكر عن بُعد الآن. يمكنك أخذ تذكرة من جهاز التذاكر في المركز.",
        "The centre offers no tickets from phones now. You can take one at the ticket kiosk.",
    ),
    "switch": ("English", "العربية"),
    "services": ("الخدمات", "Services"),
    "poster_title": ("انتظر دورك من جوالك", "Wait for your turn on your phone"),
    "poster_steps": (
        ["امسح الرمز بكاميرا الجوال واختر الخدمة.", "انتظر حيث تشاء؛ ننبّهك حين يقترب دورك.", "عند وصولك امسح رمز صفحتك عند جهاز التذاكر."],
        ["Scan the code with your phone's camera and choose the service.", "Wait wherever you like; we tell you when your turn is near.", "When you arrive, scan your page's code at the ticket kiosk."],
    ),
    "poster_qr": ("رمز QR لصفحة أخذ الدور", "QR code of the page to take a turn"),
    "or_open": ("أو افتح", "or open"),
})


def join_page(services: list[dict[str, Any]], centre: dict[str, str], lang: str, nonce: str, error: tuple[str, str] | None = None) -> str:
    lang = "ar" if lang != "en" else "en"
    text = TEXT[lang]
    # eta_html escapes what it shows and keeps numbers left-to-right inside Arabic text
    rows = [{**s, "name": s["name_" + lang], "eta": Markup(eta_html(s["eta_seconds"], lang))} for s in services]
    return ENVIRONMENT.get_template("join.html").render(
        lang=lang, other="en" if lang == "ar" else "ar", dir="rtl" if lang == "ar" else "ltr", t=text,
        centre=centre["name_" + lang], services=rows, nonce=nonce,
        error=None if error is None else (error[1] if lang == "ar" else error[0]),
    )


def poster_page(join_url: str, centre: dict[str, str], nonce: str) -> str:
    return ENVIRONMENT.get_template("poster.html").render(
        ar=TEXT["ar"], en=TEXT["en"], centre=centre, join_url=join_url, nonce=nonce,
        qr=qr_svg(join_url, f"{TEXT['ar']['poster_qr']} — {TEXT['en']['poster_qr']}", "poster-qr"),
    )


def join_headers(nonce: str) -> dict[str, str]:
    """Only the page's own style; forms post to the hub itself; nothing loaded from elsewhere."""
    policy = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
