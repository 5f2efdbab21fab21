"""`GET /`: what runs at the hub's address, for whoever opens it in a browser.

Someone who types the hub's address into a browser (to see that it is up, or because a device
asks for "the hub's address") gets a small bilingual page: the centre, the version, and what is
served here (the devices' API, the visitors' phone pages, the supervisors' console). With
`Accept: application/json` the same facts come as JSON, which `main.py doctor` reads to check
the address phones are sent to.
"""

from __future__ import annotations

import secrets
from html import escape
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

import core
from core import contract
from core.bilingual import by_language
from hub.page import security_headers
from hub.routes.common import Hub, answer

router = APIRouter()

TEXT = by_language({
    "title": ("خادم طابور", "Tabour hub"),
    "intro": (
        "هذا خادم نظام طابور لإدارة الانتظار في هذا المركز. تتصل به أجهزة الإصدار وشاشات الموظفين وشاشات العرض.",
        "This is the hub of Tabour, this centre's queue system. Kiosks, clerks' counters and display boards connect to it.",
    ),
    "what": ("ما يعمل هنا", "What runs here"),
    "api": ("واجهة الأجهزة (أجهزة الإصدار، الشبابيك، شاشات العرض)", "The devices' API (kiosks, counters, display boards)"),
    "phone": (
        "صفحات الزوار على الجوال: يفتحها الزائر بمسح الرمز المطبوع على تذكرته",
        "Visitors' phone pages: a visitor opens theirs by scanning the code printed on the ticket",
    ),
    "console": ("لوحة المشرفين", "The supervisors' console"),
    "book": ("حجز المواعيد للزوار", "Visitors book appointments"),
    "join": ("أخذ الدور من الجوال", "Visitors take a turn from their phone"),
    "phones_at": ("عنوان الجوالات في رمز التذكرة", "Address in the ticket's code for phones"),
    "phones_unset": (
        "غير محدد: يحمل رمز التذكرة العنوان الذي يستخدمه كل جهاز إصدار؛ شغّل الخادم مع الخيار",
        "not set: the ticket's code carries whichever address each kiosk uses; start the hub with",
    ),
    "version": ("الإصدار", "Version"),
    "switch": ("English", "العربية"),
})

_STYLE = """
body{margin:0;font-family:"Noto Naskh Arabic","Noto Sans Arabic",Tahoma,"Segoe UI",Arial,sans-serif;background:#f4f6f5;color:#1b1f1d}
header{background:#006c35;color:#fff;padding:14px 18px;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:1.3rem;margin:0}
header a{color:#fff}
main{max-width:720px;margin:0 auto;padding:18px}
section{background:#fff;border-radius:14px;padding:6px 18px 14px;box-shadow:0 1px 4px rgba(0,0,0,.08);margin-bottom:14px}
h2{font-size:1.1rem;color:#006c35}
li{margin:8px 0;line-height:1.6}
code,bdi{font-family:"DejaVu Sans Mono",Consolas,monospace}
a{color:#005028}
.muted{color:#4d5651}
"""


def phone_address_problem(public_url: str | None) -> str | None:
    """Why phones could not open the code printed on a ticket, or None when they can."""
    if not public_url:
        return "unset"
    host = urlsplit(public_url).hostname or ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    return "loopback" if loopback else None


def facts(hub: Hub) -> dict[str, Any]:
    centre = hub.store.catalogue.config.centre
    public_url = hub.settings.public_url
    return {
        "service": "tabour-hub",
        "version": core.__version__,
        "centre": {"name_ar": centre.name_ar, "name_en": centre.name_en},  # print-test --hub prints it
        "phone_address": public_url,
        "phone_address_problem": phone_address_problem(public_url),
        "api": "/api/v1",
        "phone_pages": "/t/{code}",
        "console": "/console",
    }


def home_page(found: dict[str, Any], lang: str, nonce: str) -> str:
    text = TEXT["ar" if lang == "ar" else "en"]
    other = "en" if lang == "ar" else "ar"
    direction = "rtl" if lang == "ar" else "ltr"
    centre = found["centre"]["name_ar" if lang == "ar" else "name_en"]
    phones = (
        f'<bdi dir="ltr">{escape(found["phone_address"])}</bdi>' if found["phone_address"]
        else f'{escape(text["phones_unset"])} <bdi dir="ltr">--public-url</bdi>'
    )
    return f"""<!doctype html>
<html lang="{lang}" dir="{direction}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{escape(text['title'])}: {escape(centre)}</title>
<style nonce="{escape(nonce)}">{_STYLE}</style></head>
<body><header><h1>{escape(text['title'])}: {escape(centre)}</h1><a href="/?lang={other}" lang="{other}">{escape(text['switch'])}</a></header>
<main>
<section><p>{escape(text['intro'])}</p>
<p class="muted">{escape(text['version'])}: <bdi dir="ltr">{escape(found['version'])}</bdi></p></section>
<section><h2>{escape(text['what'])}</h2><ul>
<li>{escape(text['api'])}: <a href="/docs"><bdi dir="ltr">/api/v1</bdi></a></li>
<li>{escape(text['phone'])}: <bdi dir="ltr">/t/{{code}}</bdi></li>
<li>{escape(text['phones_at'])}: {phones}</li>
<li><a href="/console">{escape(text['console'])}</a>: <bdi dir="ltr">/console</bdi></li>
<li><a href="/book?lang={lang}">{escape(text['book'])}</a>: <bdi dir="ltr">/book</bdi></li>
<li><a href="/join?lang={lang}">{escape(text['join'])}</a>: <bdi dir="ltr">/join</bdi></li>
</ul></section>
</main></body></html>"""


@router.get(
    "/",
    response_class=HTMLResponse,
    responses={200: {
        "description": "The hub's page in HTML; with `Accept: application/json`, its facts",
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/HubHome"}},
        },
    }},
)
async def home(request: Request, hub: Hub, lang: str = "ar") -> Response:
    """The hub's own page (HTML), or its facts as JSON for `Accept: application/json`."""
    found = facts(hub)
    accept = request.headers.get("accept", "")[:500]
    if "application/json" in accept and "text/html" not in accept:
        return answer(found, contract.HubHome)
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(home_page(found, "en" if lang == "en" else "ar", nonce), headers=security_headers(nonce))
