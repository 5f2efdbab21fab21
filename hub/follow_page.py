"""The page a reference opens (`/f/{reference}`): a complaint, suggestion or thanks filed at the
kiosk (or anywhere) followed without a ticket's page: its status and the centre's answer, kept
current by an EventSource on `/api/v1/public/feedback/{reference}/stream`.

It shows what `GET /api/v1/public/feedback/{reference}` shows and nothing more (no text, no
number); the reference is ten unguessable letters, printed with its QR code on the kiosk's slip.
Built like the ticket's phone page (hub/page.py): its style, its headers, one nonce'd script.
"""

from __future__ import annotations

from html import escape
from typing import Any

from core.bilingual import by_language
from hub.page import _STYLE, TEXT, _ltr, _script_json

# Ten letters, not a ticket's five characters: smaller than a ticket number, and never wider than a phone.
_REFERENCE_STYLE = ".number.reference{font-size:clamp(1.6rem,9vw,2.6rem);overflow-wrap:anywhere}"

FOLLOW_TEXT = by_language({
    "title": ("متابعة رسالتك", "Following your message"),
    "reference": ("الرقم المرجعي", "Reference"),
    "filed": ("تاريخ الإرسال", "Filed"),
    "not_found": (
        "لم نجد رسالة بهذا الرقم المرجعي. تأكد من الرقم المطبوع على الإيصال.",
        "We could not find a message with this reference. Check the number printed on your slip.",
    ),
    "waiting": (
        "لم يصل رد المركز بعد؛ ستظهر الإجابة هنا حين تصل.",
        "The centre has not answered yet; the answer will show here when it comes.",
    ),
    "closed": ("أُغلقت هذه الرسالة.", "This message is closed."),
})


def follow_page(reference: str, entry: dict[str, Any] | None, centre_name: str, lang: str, nonce: str) -> str:
    lang = "ar" if lang == "ar" else "en"
    text = {**TEXT[lang], **FOLLOW_TEXT[lang]}
    other = "en" if lang == "ar" else "ar"
    safe = escape(reference)
    if entry is None:
        body, script = f'<div class="card">{escape(text["not_found"])}</div>', ""
    else:
        body = f"""
<div class="card">
  <div class="note">{escape(text['reference'])} · {escape(text['kinds'][entry['kind']])}</div>
  <div class="number reference">{_ltr(entry['reference'])}</div>
</div>
<div class="card" role="status" aria-live="polite" aria-atomic="true">
  <div class="row"><span>{escape(text['status'])}</span><span id="status"></span></div>
  <div class="row"><span>{escape(text['filed'])}</span><span>{_ltr(entry['created_at'][:16].replace('T', ' '))}</span></div>
  <div class="note" id="answer-label">{escape(text['answer'])}</div>
  <p id="answer" dir="auto"></p>
</div>
<p class="note" id="live">{escape(text['live'])}</p>"""
        script = f"""<script nonce="{escape(nonce)}">
const T = {_script_json(text)};
function render(f) {{
  document.getElementById('status').textContent = T.feedback_statuses[f.status] || f.status;
  const answer = document.getElementById('answer');
  answer.textContent = f.answer ? f.answer : (f.status === 'closed' ? T.closed : T.waiting);
  document.getElementById('answer-label').classList.toggle('hidden', !f.answer);
}}
const FIRST = {_script_json(entry)};
render(FIRST);
if (FIRST.status !== 'closed') {{
  const source = new EventSource('/api/v1/public/feedback/{safe}/stream');
  source.onmessage = (m) => {{
    let f = null;
    try {{ f = JSON.parse(m.data); }} catch (e) {{ return; }}
    render(f);
    document.getElementById('live').textContent = T.live;
    if (f.status === 'closed') source.close();
  }};
  source.onerror = () => {{ if (source.readyState !== EventSource.CLOSED) document.getElementById('live').textContent = T.offline; }};
}}
</script>"""
    return f"""<!doctype html>
<html lang="{lang}" dir="{'rtl' if lang == 'ar' else 'ltr'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{escape(text['title'])}</title><style nonce="{escape(nonce)}">{_STYLE}{_REFERENCE_STYLE}</style></head>
<body><header><span>{escape(centre_name)}</span>
<a href="/f/{safe}?lang={other}">{escape(text['switch'])}</a></header>
<main>{body}</main>{script}</body></html>"""
