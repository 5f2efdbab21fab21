"""The visitor's phone page (`GET /t/{code}`): their place in the queue, updating by itself.

Server-rendered so it reads at once on a slow phone, then kept current by an EventSource on
`/api/v1/public/tickets/{code}/stream`, which the hub pushes each change of the ticket's place
to (hub/phones.py); the browser reconnects by itself, and the page closes it once the visit is
over. No login, no cookies, nothing about other visitors.
"""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

from core.bilingual import by_language
from core.plural import MINUTES_AR, MINUTES_EN, minutes_parts
from hub.qr import qr_svg

#: statuses after which nothing more happens to a ticket: the page says so and stops listening
OVER = ("done", "cancelled", "expired", "transferred")

#: `core.plural.arabic_plural_category` and `minutes_parts` in JavaScript (tested against them)
MINUTES_SCRIPT = """
function pluralCategory(n) {
  if (n === 0) return 'zero';
  if (n === 1) return 'one';
  if (n === 2) return 'two';
  const r = n % 100;
  if (r >= 3 && r <= 10) return 'few';
  if (r >= 11 && r <= 99) return 'many';
  return 'other';
}
function minutesParts(n, lang, words) {
  n = Math.max(0, Math.floor(n + 0.5));  // halves up, as eta_html does
  if (lang !== 'ar') return [n, words[n === 1 ? 'one' : 'other']];
  const c = pluralCategory(n);
  return [(c === 'one' || c === 'two') ? null : n, words[c]];
}
"""

TEXT = by_language({
    "title": ("تذكرتك", "Your ticket"),
    "number": ("رقم التذكرة", "Ticket number"),
    "service": ("الخدمة", "Service"),
    "status": ("الحالة", "Status"),
    "ahead": ("عدد المنتظرين قبلك", "People ahead of you"),
    "eta": ("الانتظار المتوقع", "Estimated wait"),
    "minutes": (MINUTES_AR, MINUTES_EN),
    "less_than_minute": ("أقل من دقيقة", "under a minute"),
    "unknown": ("غير محدد", "not known yet"),
    "called": ("حان دورك! توجّه إلى", "It's your turn! Please go to"),
    "not_found": (
        "لم نجد هذه التذكرة. تأكد من الرمز أو امسح الرمز المطبوع على التذكرة مرة أخرى.",
        "We could not find this ticket. Check the address or scan the code printed on your ticket again.",
    ),
    "live": ("تتحدث هذه الصفحة تلقائياً", "This page updates by itself"),
    "offline": ("انقطع الاتصال، جارٍ إعادة المحاولة…", "Connection lost, retrying…"),
    "over": ("انتهت هذه التذكرة، ولن يتغير دورها بعد الآن.", "This ticket is over: its place in the queue no longer changes."),
    "switch": ("English", "العربية"),
    "rate_question": ("كيف كانت خدمتك اليوم؟", "How was your service today?"),
    "faces": (
        ["سيئة جداً", "سيئة", "مقبولة", "جيدة", "ممتازة"],
        ["Very bad", "Bad", "Okay", "Good", "Excellent"],
    ),
    "comment": ("تعليق (اختياري، حتى ٥٠٠ حرف)", "Comment (optional, up to 500 characters)"),
    "send_rating": ("إرسال التقييم", "Send rating"),
    "pick_face": ("اختر وجهاً أولاً.", "Choose a face first."),
    "thanks_rating": ("شكراً لك! وصلنا تقييمك.", "Thank you! We received your rating."),
    "voice_title": ("شكوى أو اقتراح أو شكر", "A complaint, a suggestion or thanks"),
    "kind": ("النوع", "Kind"),
    "kinds": {
        "complaint": ("شكوى", "Complaint"),
        "suggestion": ("اقتراح", "Suggestion"),
        "thanks": ("شكر", "Thanks"),
    },
    "text": ("رسالتك", "Your message"),
    "mobile": ("رقم الجوال للرد (اختياري)", "Mobile number for a reply (optional)"),
    "send_feedback": ("إرسال", "Send"),
    "filed": ("وصلتنا رسالتك. رقمها المرجعي:", "We received your message. Its reference:"),
    "your_messages": ("رسائلك", "Your messages"),
    "answer": ("رد المركز", "The centre's answer"),
    "feedback_statuses": {
        "new": ("جديدة", "New"),
        "in_progress": ("قيد المعالجة", "In progress"),
        "answered": ("تم الرد", "Answered"),
        "closed": ("مغلقة", "Closed"),
    },
    "failed": ("تعذّر الإرسال، حاول مرة أخرى.", "Could not send; please try again."),
    "arrival_title": ("رمز تأكيد الحضور", "Your arrival code"),
    "arrival_help": (
        "عند وصولك إلى المركز امسح هذا الرمز عند جهاز التذاكر.",
        "When you reach the centre, scan this code at the ticket kiosk.",
    ),
    "arrival_qr": ("رمز QR لتأكيد حضورك عند جهاز التذاكر", "QR code to confirm you are here, for the ticket kiosk"),
    "not_arrived": ("لم تؤكد حضورك بعد", "Not yet confirmed at the kiosk"),
    "arrived": ("تم تأكيد حضورك، انتظر النداء", "You are confirmed here; wait for your call"),
    "near": (
        "اقترب دورك! أمامك {n}. توجّه إلى المركز وأكّد حضورك عند جهاز التذاكر.",
        "Your turn is near! {n} ahead of you. Come to the centre and confirm you are here at the ticket kiosk.",
    ),
    "near_arrived": (
        "اقترب دورك! أمامك {n}، ابقَ قريباً من الشاشات.",
        "Your turn is near! {n} ahead of you; stay close to the screens.",
    ),
    "near_next": (
        "أنت التالي! توجّه إلى المركز وأكّد حضورك عند جهاز التذاكر.",
        "You are next! Come to the centre and confirm you are here at the ticket kiosk.",
    ),
    "near_next_arrived": ("أنت التالي! ابقَ قريباً من الشاشات.", "You are next! Stay close to the screens."),
    "skipped": (
        "جاء دورك قبل أن تؤكد حضورك، فأعدناك إلى آخر الطابور مرة واحدة. تعال الآن وأكّد حضورك عند جهاز التذاكر، وإلا عُدّت التذكرة غياباً.",
        "Your turn came before you confirmed you were here, so you went to the back of the queue once. Come now and confirm at the ticket kiosk, or the ticket will count as absent.",
    ),
    "notify": ("نبّهني حين يقترب دوري", "Tell me when my turn is near"),
    "notify_on": ("سننبّهك على هذا الجوال حين يقترب دورك.", "This phone will tell you when your turn is near."),
    "notification_title": ("اقترب دورك", "Your turn is near"),
    "notification_body": ("التذكرة \u2066{number}\u2069: أمامك \u2066{n}\u2069.", "Ticket {number}: {n} ahead of you."),
    "remote_no_show": (
        "لم تؤكد حضورك حين جاء دورك، فعُدّت التذكرة غياباً. خذ تذكرة جديدة إن احتجت.",
        "You had not confirmed you were here when your turn came, so the ticket counts as absent. Take a new one if you need to.",
    ),
    "statuses": {
        "waiting": ("في الانتظار", "Waiting"),
        "called": ("تم النداء", "Called"),
        "serving": ("قيد الخدمة", "Being served"),
        "done": ("انتهت الخدمة، شكراً لزيارتكم", "Finished, thank you for your visit"),
        "no_show": ("تم النداء ولم تحضر؛ راجع الموظف", "Called but not present; please see a clerk"),
        "transferred": ("تم تحويلك إلى خدمة أخرى", "Transferred to another service"),
        "cancelled": ("ألغيت التذكرة", "Cancelled"),
        "expired": ("انتهت صلاحية التذكرة", "Expired"),
    },
})

_STYLE = """
body{margin:0;font-family:"Noto Naskh Arabic","Noto Sans Arabic",Tahoma,"Segoe UI",Arial,sans-serif;
background:#f4f6f5;color:#1b1f1d}
header{background:#006c35;color:#fff;padding:14px 18px;font-size:1.1rem;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}
main{max-width:480px;margin:0 auto;padding:18px}
.card{background:#fff;border-radius:14px;padding:18px;box-shadow:0 1px 4px rgba(0,0,0,.08);margin-bottom:14px}
.number{font-size:3.6rem;font-weight:700;text-align:center;letter-spacing:.04em;color:#006c35}
.row{display:flex;justify-content:space-between;gap:12px;padding:8px 0;border-bottom:1px solid #eef1ef;font-size:1.1rem}
.row:last-child{border-bottom:none}
.called{background:#006c35;color:#fff;text-align:center;font-size:1.6rem;font-weight:700}
.note{text-align:center;color:#5b635f;font-size:.9rem}
.hidden{display:none}
h2{font-size:1.2rem;margin:0 0 12px}
.faces{display:flex;justify-content:space-between;gap:6px;margin-bottom:12px}
.face{flex:1;min-height:64px;border:2px solid #c9d1cc;border-radius:12px;background:#fff;font-size:2rem;cursor:pointer;color:#1b1f1d}
.face span{display:block;font-size:.75rem}
.face[aria-pressed="true"]{border-color:#006c35;background:#e3f2e9}
label{display:block;margin:8px 0 4px}
textarea,input,select{width:100%;box-sizing:border-box;font:inherit;padding:8px;border:1px solid #8a948f;border-radius:8px}
button.send{margin-top:10px;width:100%;min-height:48px;background:#006c35;color:#fff;border:none;border-radius:10px;font:inherit;font-size:1.1rem}
fieldset{border:none;padding:0;margin:0}
.kinds label{display:inline-block;margin-inline-end:14px}
.kinds input{width:auto}
.error{color:#a11a1a}
.entry{border-top:1px solid #eef1ef;padding:8px 0}
.near{background:#fff4d6;border:2px solid #b57a00;color:#3d2a00;font-size:1.15rem;font-weight:700;line-height:1.6}
.skipped{background:#fdecec;border:2px solid #a11a1a;color:#5c0d0d;line-height:1.6}
.qr{display:block;width:220px;height:220px;margin:8px auto}
.arrival{text-align:center}
.arrival-state{font-weight:700;font-size:1.1rem}
.arrival-state.done{color:#006c35}
button.notify{margin-top:0;background:#fff;color:#006c35;border:2px solid #006c35}
"""


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '</script>' can close it early."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _ltr(text: Any) -> str:
    """Numbers and codes keep their order inside Arabic text."""
    return f'<bdi dir="ltr">{escape(str(text))}</bdi>'


def eta_html(eta_seconds: int | None, lang: str) -> str:
    """The estimated wait as the page first shows it (the script keeps it current the same way)."""
    text = TEXT["ar" if lang == "ar" else "en"]
    if eta_seconds is None:
        return escape(text["unknown"])
    if eta_seconds < 60:
        return escape(text["less_than_minute"])
    number, words = minutes_parts(math.floor(eta_seconds / 60 + 0.5), lang)
    return escape(words) if number is None else f"{_ltr(number)} {escape(words)}"


# Faces every Arabic-capable font set draws (DejaVu Sans has these, not U+1F641/1F642).
FACES = ("😣", "😞", "😐", "😊", "😄")


def _voice_html(text: dict[str, Any]) -> str:
    """The rating (shown once the visit ends) and the complaints and suggestions box."""
    faces = "".join(
        f'<button type="button" class="face" data-score="{score}" aria-pressed="false" '
        f'aria-label="{escape(text["faces"][score - 1])}">{face}<span aria-hidden="true">{escape(text["faces"][score - 1])}</span></button>'
        for score, face in enumerate(FACES, start=1)
    )
    kinds = "".join(
        f'<label><input type="radio" name="kind" value="{kind}"{" checked" if kind == "complaint" else ""}> {escape(name)}</label>'
        for kind, name in text["kinds"].items()
    )
    return f"""
<section class="card hidden" id="rating" aria-labelledby="rating-title">
  <h2 id="rating-title">{escape(text['rate_question'])}</h2>
  <form id="rating-form">
  <div class="faces" role="group" aria-labelledby="rating-title">{faces}</div>
  <label for="rating-comment">{escape(text['comment'])}</label>
  <textarea id="rating-comment" maxlength="500" rows="3"></textarea>
  <p class="error" id="rating-error" role="alert"></p>
  <button type="submit" class="send">{escape(text['send_rating'])}</button>
  </form>
</section>
<section class="card hidden" id="rating-thanks" role="status"><h2>{escape(text['thanks_rating'])}</h2></section>
<section class="card" id="voice" aria-labelledby="voice-title">
  <h2 id="voice-title">{escape(text['voice_title'])}</h2>
  <form id="voice-form">
  <fieldset class="kinds"><legend>{escape(text['kind'])}</legend>{kinds}</fieldset>
  <label for="voice-text">{escape(text['text'])}</label>
  <textarea id="voice-text" maxlength="2000" rows="4" required></textarea>
  <label for="voice-mobile">{escape(text['mobile'])}</label>
  <input id="voice-mobile" type="tel" inputmode="tel" maxlength="40" dir="ltr" autocomplete="tel">
  <p class="error" id="voice-error" role="alert"></p>
  <button type="submit" class="send">{escape(text['send_feedback'])}</button>
  </form>
  <p id="voice-filed" class="hidden" role="status"></p>
  <div id="voice-list" class="hidden"><h2>{escape(text['your_messages'])}</h2><div id="voice-entries"></div></div>
</section>"""


#: the rating and the box on the phone page: plain fetches to the public API (same origin)
VOICE_SCRIPT = """
const API = '/api/v1/public/tickets/' + CODE;
let score = null;
function message(answer, body) { return (body && (LANG === 'ar' ? body.message_ar : body.message)) || T.failed; }
async function loadRating() {
  try {
    const r = await fetch(API + '/rating');
    if (!r.ok) return;
    const state = await r.json();
    document.getElementById('rating').classList.toggle('hidden', !state.can_rate);
    document.getElementById('rating-thanks').classList.toggle('hidden', !state.rating);
  } catch (e) {}
}
document.querySelectorAll('.face').forEach((b) => b.addEventListener('click', () => {
  score = Number(b.dataset.score);
  document.querySelectorAll('.face').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
}));
document.getElementById('rating-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = document.getElementById('rating-error');
  if (score === null) { error.textContent = T.pick_face; return; }
  const comment = document.getElementById('rating-comment').value.trim();
  const body = comment ? { score, comment } : { score };
  try {
    const r = await fetch(API + '/rating', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await r.json().catch(() => null);
    if (r.status === 201 || (answer && answer.error === 'already_rated')) {
      document.getElementById('rating').classList.add('hidden');
      document.getElementById('rating-thanks').classList.remove('hidden');
    } else error.textContent = message(r, answer);
  } catch (err) { error.textContent = T.failed; }
});
function entryNode(f) {
  const d = document.createElement('div'); d.className = 'entry';
  const head = document.createElement('div');
  head.append(T.kinds[f.kind] + ' · ', ltr(f.reference), ' · ' + (T.feedback_statuses[f.status] || f.status));
  d.append(head);
  if (f.answer) {
    const label = document.createElement('div'); label.className = 'note'; label.textContent = T.answer;
    const a = document.createElement('p'); a.dir = 'auto'; a.textContent = f.answer;
    d.append(label, a);
  }
  return d;
}
function showFeedback(entries) {
  document.getElementById('voice-list').classList.toggle('hidden', entries.length === 0);
  document.getElementById('voice-entries').replaceChildren(...entries.map(entryNode));
}
// While anything filed here is still open, the centre's status and answer are pushed to the page.
let feedSource = null;
function followFeedback(entries) {
  const open = entries.some((f) => f.status !== 'closed');
  if (!open) { if (feedSource) { feedSource.close(); feedSource = null; } return; }
  if (feedSource) return;
  feedSource = new EventSource(API + '/feedback/stream');
  feedSource.onmessage = (m) => {
    let list = null;
    try { list = JSON.parse(m.data); } catch (e) { return; }
    if (!Array.isArray(list)) return;
    showFeedback(list);
    followFeedback(list);
  };
  feedSource.onerror = () => { if (feedSource && feedSource.readyState === EventSource.CLOSED) feedSource = null; };
}
async function loadFeedback() {
  try {
    const r = await fetch(API + '/feedback');
    if (!r.ok) return;
    const entries = await r.json();
    showFeedback(entries);
    followFeedback(entries);
  } catch (e) {}
}
document.getElementById('voice-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = document.getElementById('voice-error');
  error.textContent = '';
  const kind = document.querySelector('input[name=kind]:checked').value;
  const text = document.getElementById('voice-text').value;
  const mobile = document.getElementById('voice-mobile').value.trim();
  const body = { kind, text, ticket_code: CODE };
  if (mobile) body.mobile = mobile;
  try {
    const r = await fetch('/api/v1/public/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await r.json().catch(() => null);
    if (r.status !== 201) { error.textContent = message(r, answer); return; }
    const filed = document.getElementById('voice-filed');
    filed.replaceChildren(T.filed + ' ', ltr(answer.reference));
    filed.classList.remove('hidden');
    document.getElementById('voice-text').value = '';
    loadFeedback();
  } catch (err) { error.textContent = T.failed; }
});
loadRating();
loadFeedback();
"""


def _remote_html(code: str, ticket: dict[str, Any], text: dict[str, Any]) -> str:
    """A remote ticket's part: the QR the kiosk scans to confirm arrival, and whether it did
    (the banners that warn the visitor are filled in by REMOTE_SCRIPT)."""
    if not ticket.get("remote"):
        return ""
    arrived = bool(ticket.get("arrived"))
    hidden = "" if ticket["status"] == "waiting" else " hidden"
    return f"""
<div class="card skipped hidden" id="skipped" role="alert">{escape(text['skipped'])}</div>
<section class="card arrival{hidden}" aria-labelledby="arrival-title" id="arrival">
  <h2 id="arrival-title">{escape(text['arrival_title'])}</h2>
  <p class="arrival-state{' done' if arrived else ''}" id="arrival-state" role="status">{escape(text['arrived' if arrived else 'not_arrived'])}</p>
  {qr_svg(code, text['arrival_qr'])}
  <p class="note">{escape(text['arrival_help'])}</p>
  <p class="note">{_ltr(code)}</p>
  <button type="button" class="send notify hidden" id="notify">{escape(text['notify'])}</button>
  <p class="note hidden" id="notify-on">{escape(text['notify_on'])}</p>
</section>"""


#: a remote ticket's page: the warning once `ahead` reaches `warn_places` (a sound, a vibration,
#: a notification where the visitor allowed them, and the banner), and its arrival state
REMOTE_SCRIPT = """
const NEAR_SOUND = new Audio('/sounds/nearly-due.wav');
let warned = false;
function withAhead(template, ahead) {
  const s = document.createElement('span');
  const [before, after] = template.split('{n}');
  s.append(before, ltr(ahead), after || '');
  return s;
}
function warn(t) {
  try { const played = NEAR_SOUND.play(); if (played && played.catch) played.catch(() => {}); } catch (e) {}
  if (navigator.vibrate) navigator.vibrate([200, 100, 200, 100, 400]);
  if ('Notification' in window && Notification.permission === 'granted') {
    const body = T.notification_body.replace('{number}', t.number).replace('{n}', String(t.ahead));
    try { new Notification(T.notification_title, { body, tag: 'tabour-' + CODE, lang: LANG }); } catch (e) {}
  }
}
function renderRemote(t) {
  const waiting = t.status === 'waiting';
  const state = document.getElementById('arrival-state');
  if (!state) return;
  state.textContent = t.arrived ? T.arrived : T.not_arrived;
  state.classList.toggle('done', t.arrived);
  document.getElementById('arrival').classList.toggle('hidden', !waiting);
  const near = waiting && t.ahead !== null && t.warn_places !== null && t.ahead <= t.warn_places;
  const banner = document.getElementById('near');
  banner.classList.toggle('hidden', !near);
  if (near && t.ahead === 0) banner.replaceChildren(t.arrived ? T.near_next_arrived : T.near_next);
  else if (near) banner.replaceChildren(withAhead(t.arrived ? T.near_arrived : T.near, t.ahead));
  document.getElementById('skipped').classList.toggle('hidden', !(waiting && t.skipped && !t.arrived));
  if (near && !warned) { warned = true; warn(t); }
  if (!waiting) warned = false;
}
function showNotifyChoice() {
  const button = document.getElementById('notify');
  if (!button) return;
  const can = 'Notification' in window;
  button.classList.toggle('hidden', !can || Notification.permission !== 'default');
  document.getElementById('notify-on').classList.toggle('hidden', !can || Notification.permission !== 'granted');
}
if (document.getElementById('notify')) {
  document.getElementById('notify').addEventListener('click', async () => {
    // A tap is what lets a phone play the warning sound later: play it once, silently, now.
    NEAR_SOUND.muted = true;
    try { await NEAR_SOUND.play(); NEAR_SOUND.pause(); NEAR_SOUND.currentTime = 0; } catch (e) {}
    NEAR_SOUND.muted = false;
    try { await Notification.requestPermission(); } catch (e) {}
    showNotifyChoice();
  });
  showNotifyChoice();
}
"""


def ticket_page(code: str, ticket: dict[str, Any] | None, lang: str, nonce: str = "") -> str:
    """The page; `nonce` marks its one style and one script as the page's own for the
    Content-Security-Policy the route sends (see `security_headers`)."""
    text = TEXT["ar" if lang == "ar" else "en"]
    nonce_attribute = f' nonce="{escape(nonce)}"' if nonce else ""
    direction = "rtl" if lang == "ar" else "ltr"
    other = "en" if lang == "ar" else "ar"
    safe_code = escape(code)
    if ticket is None:
        body = f'<div class="card">{escape(text["not_found"])}</div>'
        script = ""
    else:
        body = f"""
<div role="alert" aria-atomic="true">
<div class="card called{'' if ticket['status'] == 'called' else ' hidden'}" id="called">
  {escape(text['called'])} <span id="counter"></span>
</div>
</div>
<div role="alert" aria-atomic="true"><div class="card near hidden" id="near"></div></div>
<div class="card">
  <div class="note">{escape(text['number'])}</div>
  <div class="number">{_ltr(ticket['number'])}</div>
</div>
<div class="card" role="status" aria-live="polite" aria-atomic="true" id="progress">
  <div class="row"><span>{escape(text['service'])}</span><span id="service"></span></div>
  <div class="row"><span>{escape(text['status'])}</span><span id="status"></span></div>
  <div class="row" id="ahead-row"><span>{escape(text['ahead'])}</span><span id="ahead"></span></div>
  <div class="row" id="eta-row"><span>{escape(text['eta'])}</span><span id="eta">{eta_html(ticket.get('eta_seconds'), lang)}</span></div>
</div>
{_remote_html(code, ticket, text)}
<p class="note" id="live">{escape(text['over' if ticket['status'] in OVER else 'live'])}</p>
{_voice_html(text)}"""
        script = f"""<script{nonce_attribute}>
const T = {_script_json(text)};
const LANG = {_script_json(lang)};
const CODE = {_script_json(code)};
{MINUTES_SCRIPT}
{REMOTE_SCRIPT}
function ltr(v) {{ const b = document.createElement('bdi'); b.dir = 'ltr'; b.textContent = String(v); return b; }}
function put(id, node) {{ const e = document.getElementById(id); e.replaceChildren(node); }}
function render(t) {{
  if (!t) return;
  put('service', document.createTextNode(LANG === 'ar' ? t.service.name_ar : t.service.name_en));
  const absentRemote = t.remote && t.status === 'no_show' && !t.called_at;
  put('status', document.createTextNode(absentRemote ? T.remote_no_show : (T.statuses[t.status] || t.status)));
  const waiting = t.status === 'waiting';
  document.getElementById('ahead-row').classList.toggle('hidden', !waiting);
  document.getElementById('eta-row').classList.toggle('hidden', !waiting);
  if (waiting) {{
    put('ahead', ltr(t.ahead));
    if (t.eta_seconds === null) put('eta', document.createTextNode(T.unknown));
    else if (t.eta_seconds < 60) put('eta', document.createTextNode(T.less_than_minute));
    else {{
      const [n, words] = minutesParts(t.eta_seconds / 60, LANG, T.minutes);
      const s = document.createElement('span');
      if (n === null) s.append(words); else s.append(ltr(n), ' ' + words);
      put('eta', s);
    }}
  }}
  const called = t.status === 'called';
  document.getElementById('called').classList.toggle('hidden', !called);
  if (called) put('counter', document.createTextNode(LANG === 'ar' ? (t.counter_name_ar || '') : (t.counter_name_en || '')));
  if (called && navigator.vibrate) navigator.vibrate([300, 100, 300]);
  if (t.remote) renderRemote(t);
}}
const FIRST = {_script_json(ticket)};
const OVER = {_script_json(list(OVER))};
render(FIRST);
// The visit is over: say so and stop listening (no "connection lost" once nothing more will come).
function over() {{ document.getElementById('live').textContent = T.over; }}
let source = null;
if (OVER.includes(FIRST.status)) over();
else {{
  source = new EventSource('/api/v1/public/tickets/{safe_code}/stream');
  source.onmessage = (m) => {{
    const t = JSON.parse(m.data);
    render(t);
    if (t && OVER.includes(t.status)) {{ source.close(); over(); loadRating(); }}
    else document.getElementById('live').textContent = T.live;
  }};
  source.onerror = () => {{ if (source.readyState !== EventSource.CLOSED) document.getElementById('live').textContent = T.offline; }};
}}
{VOICE_SCRIPT}
</script>"""
    return f"""<!doctype html>
<html lang="{lang}" dir="{direction}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{escape(text['title'])}</title><style{nonce_attribute}>{_STYLE}</style></head>
<body><header><span>{escape(ticket['centre']['name_' + lang] if ticket else text['title'])}</span>
<a href="/t/{safe_code}?lang={other}">{escape(text['switch'])}</a></header>
<main>{body}</main>{script}</body></html>"""


def security_headers(nonce: str) -> dict[str, str]:
    """Headers of the phone page: only its own script and style run, it loads nothing from
    elsewhere, no other site may frame it, and its unguessable address is never sent on."""
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; media-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
