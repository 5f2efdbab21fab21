"""Why a device cannot join the hub, and what to do about it, in Arabic and English.

`explain(error, hub_url, kind)` turns the HubError that kept a client from the live state (a
refused enrollment code, a revoked device, the wrong kind of device, a hub out of reach, too
many attempts…) into a `Refusal`: a short title and the next step for the person in front of
the device. The kiosk, the counter, the board and the demo show it on screen; `HubClient`
logs it once per change. Command-line flags and addresses are fields, so they stay left to
right inside the Arabic sentences.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from qt_common.i18n import Language, Text, format_duration, register_catalogue, tr_in

if TYPE_CHECKING:
    from qt_common.hub_errors import HubError

#: the hub's codes for a refused device token (hub-side names; both mean "enroll again")
REVOKED_CODES = frozenset({"revoked_device"})
UNKNOWN_TOKEN_CODES = frozenset({"bad_token", "unauthorized"})
ENROLL_CODE_REFUSED = frozenset({"wrong_enroll_code"})

REFUSAL_STRINGS: dict[str, tuple[str, str]] = {
    "refusal.unreachable.title": ("تعذّر الوصول إلى الخادم على {address}", "The hub at {address} cannot be reached"),
    "refusal.unreachable.action": (
        "تأكّد أن جهاز الخادم يعمل وأنه على الشبكة نفسها وأن العنوان {flag} صحيح. يحاول هذا الجهاز مجددًا تلقائيًا.",
        "Check that the hub PC is on, on the same network, and that the address ({flag}) is right. "
        "This device keeps trying by itself.",
    ),
    "refusal.wrong_enroll_code.title": ("رفض الخادم رمز التسجيل", "The hub refused the enrollment code"),
    "refusal.wrong_enroll_code.action": (
        "استخدم الرمز الذي طبعه الخادم عند تشغيله: أدخله هنا، أو شغّل الجهاز مع {flag}.",
        "Use the code the hub printed when it started: type it here, or start this device with {flag}.",
    ),
    "refusal.not_enrolled.title": ("هذا الجهاز غير مسجّل لدى الخادم", "This device is not enrolled with the hub"),
    "refusal.not_enrolled.action": (
        "أدخل رمز التسجيل الذي طبعه الخادم عند تشغيله، أو شغّل الجهاز مع {flag}.",
        "Type the enrollment code the hub printed when it started, or start this device with {flag}.",
    ),
    "refusal.revoked_device.title": ("ألغى مسؤول النظام تسجيل هذا الجهاز", "The hub's administrator revoked this device"),
    "refusal.revoked_device.action": (
        "اسأل المسؤول إن كان يجب أن يعود؛ يلزمه حينها تسجيل جديد برمز التسجيل ({flag}).",
        "Ask the administrator whether it should come back; it then needs enrolling again with the enrollment code ({flag}).",
    ),
    "refusal.bad_token.title": ("الخادم لا يعرف هذا الجهاز", "The hub does not know this device"),
    "refusal.wrong_kind.title": ("الخادم لا يقبل هذا الجهاز {kind}", "The hub does not accept this device as a {kind}"),
    "refusal.wrong_kind.action": (
        "سُجّل الجهاز بنوع آخر. ألغِ تسجيله على الخادم ({command}) ثم سجّله من جديد لهذا الدور.",
        "It is enrolled as another kind of device. Revoke it on the hub ({command}), then enroll it again for this role.",
    ),
    "refusal.rate_limited.title": ("الخادم يرفض مؤقتًا: محاولات كثيرة", "The hub is refusing for now: too many attempts"),
    "refusal.rate_limited.action": (
        "مدة الانتظار: {wait}. يحاول الجهاز مجددًا تلقائيًا؛ إن تكرّر ذلك فتحقّق من رمز التسجيل.",
        "Wait: {wait}. This device tries again by itself; if it keeps happening, check the enrollment code.",
    ),
    "refusal.certificate.title": ("شهادة الخادم ليست التي سُجّل بها هذا الجهاز", "The hub's certificate is not the one this device enrolled with"),
    "refusal.server.title": ("ردّ الخادم بخطأ ({code})", "The hub answered with an error ({code})"),
    "refusal.server.action": (
        "راجع سجلّ الخادم. يحاول هذا الجهاز مجددًا تلقائيًا.",
        "See the hub's log. This device tries again by itself.",
    ),
    "refusal.other.action": (
        "راجع سجلّ الخادم وسجلّ هذا الجهاز.",
        "See the hub's log and this device's log.",
    ),
    "refusal.kind.kiosk": ("ككشك تذاكر", "ticket kiosk"),
    "refusal.kind.counter": ("كشاشة شباك", "counter screen"),
    "refusal.kind.display": ("كشاشة عرض", "display board"),
    "refusal.kind.admin": ("كجهاز إدارة", "management device"),
    "refusal.kind.unknown": ("بهذا الدور", "device of this role"),
}
register_catalogue(REFUSAL_STRINGS)

ENROLL_FLAG = "--enroll-code CODE"
REVOKE_COMMAND = "python main.py device revoke"


class Refusal(NamedTuple):
    """What stops the device (`title`), the next step (`action`), and the hub's code behind it."""

    code: str
    title: Text
    action: Text

    def text(self, language: Language) -> str:
        return f"{self.title.in_language(language)}. {self.action.in_language(language)}"

    def log_line(self) -> str:
        """One line for the device's log: English, then Arabic, then the code."""
        return f"{self.text(Language.EN)} | {self.text(Language.AR)} [{self.code}]"


def _both(key: str, **fields: object) -> Text:
    return Text(tr_in(Language.AR, key, **fields), tr_in(Language.EN, key, **fields))


def _address(hub_url: str) -> str:
    for prefix in ("http://", "https://"):
        if hub_url.startswith(prefix):
            return hub_url[len(prefix):]
    return hub_url


MAX_HUB_WORDS = 300


def _shown_code(code: object) -> str:
    """The hub's code as it may appear on a screen: a short snake_case word, else "error"."""
    return code if isinstance(code, str) and re.fullmatch(r"[a-z0-9_]{1,40}", code) else "error"


def _hub_words(text: object) -> str:
    words = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text or "")).split())
    return words if len(words) <= MAX_HUB_WORDS else words[: MAX_HUB_WORDS - 1] + "…"


def explain(error: HubError, hub_url: str, kind: str | None = None) -> Refusal:
    """The words for `error` (the reason a client is not live), for a device of `kind`.

    The hub's own code and words are bounded before they reach a screen: a broken or hostile
    hub cannot fill the banner or print control characters on it."""
    code = _shown_code(error.code)
    if error.unreachable:
        return Refusal(
            code,
            _both("refusal.unreachable.title", address=_address(hub_url)),
            _both("refusal.unreachable.action", flag=f"--hub {hub_url}"),
        )
    if code == "certificate_changed":
        # The client's own message already says what to do and shows both fingerprints.
        return Refusal(code, _both("refusal.certificate.title"), Text(_hub_words(error.message_ar), _hub_words(error.message_en)))
    if code in ENROLL_CODE_REFUSED:
        return Refusal(code, _both("refusal.wrong_enroll_code.title"), _both("refusal.wrong_enroll_code.action", flag=ENROLL_FLAG))
    if code == "not_enrolled":
        return Refusal(code, _both("refusal.not_enrolled.title"), _both("refusal.not_enrolled.action", flag=ENROLL_FLAG))
    if code in REVOKED_CODES:
        return Refusal(code, _both("refusal.revoked_device.title"), _both("refusal.revoked_device.action", flag=ENROLL_FLAG))
    if code in UNKNOWN_TOKEN_CODES:
        return Refusal(code, _both("refusal.bad_token.title"), _both("refusal.not_enrolled.action", flag=ENROLL_FLAG))
    if code == "forbidden" or (error.status == 403 and code.endswith("_kind")):
        kind_key = f"refusal.kind.{kind}" if kind in ("kiosk", "counter", "display", "admin") else "refusal.kind.unknown"
        names = Text(tr_in(Language.AR, kind_key), tr_in(Language.EN, kind_key))
        return Refusal(
            code,
            Text(
                tr_in(Language.AR, "refusal.wrong_kind.title", kind=names.ar),
                tr_in(Language.EN, "refusal.wrong_kind.title", kind=names.en),
            ),
            _both("refusal.wrong_kind.action", command=REVOKE_COMMAND),
        )
    if code == "rate_limited" or error.status == 429:
        seconds = error.retry_after if isinstance(error.retry_after, int | float) and 0 < error.retry_after < 86_400 else 60
        return Refusal(
            code,
            _both("refusal.rate_limited.title"),
            Text(
                tr_in(Language.AR, "refusal.rate_limited.action", wait=format_duration(seconds, Language.AR)),
                tr_in(Language.EN, "refusal.rate_limited.action", wait=format_duration(seconds, Language.EN)),
            ),
        )
    if error.status >= 500 or error.status == 0:
        return Refusal(code, _both("refusal.server.title", code=code), _both("refusal.server.action"))
    # Anything else: the hub's own words, which it sends in both languages.
    ar, en = _hub_words(error.message_ar), _hub_words(error.message_en)
    return Refusal(code, Text(ar or en or code, en or ar or code), _both("refusal.other.action"))
