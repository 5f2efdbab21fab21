"""Domain errors: each carries a stable code, an HTTP status and a message in both languages.

The hub turns them into `{"error", "message", "message_ar"}` answers; the Qt apps show
`message_ar` or `message` as they are, so the wording here is what a clerk or visitor reads.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error whose message a person reads, in English and in Arabic.

    Mixed in before a built-in exception (`class X(BilingualError, ValueError)`) by every
    package whose errors reach a screen, a ticket or a terminal.
    """

    def __init__(self, message_en: str, message_ar: str, *, summary: str | None = None) -> None:
        """`summary` is what `str(error)` says (logs, terminals); the English message by default."""
        super().__init__(message_en if summary is None else summary)
        self.message_en = message_en
        self.message_ar = message_ar


class TabourError(BilingualError):
    """Base of every refusal the domain gives on purpose."""

    status = 400
    code = "bad_request"

    def __init__(self, message_en: str, message_ar: str, *, code: str | None = None) -> None:
        super().__init__(message_en, message_ar)
        if code is not None:
            self.code = code

    def to_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message_en, "message_ar": self.message_ar}


class BadInput(TabourError):
    status = 422
    code = "validation_error"


class NotFound(TabourError):
    status = 404
    code = "not_found"


class ImpossibleStep(TabourError):
    """A step the ticket or counter lifecycle does not allow from the current state."""

    status = 409
    code = "impossible_step"


class Unauthorized(TabourError):
    status = 401
    code = "unauthorized"


class Forbidden(TabourError):
    status = 403
    code = "forbidden"


class RateLimited(TabourError):
    status = 429
    code = "rate_limited"

    def __init__(self, message_en: str, message_ar: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message_en, message_ar, code=code)
        self.retry_after = retry_after


class DiskFull(TabourError):
    """The hub's disk has no room for the change: nothing of it was saved (HTTP 507)."""

    status = 507
    code = "disk_full"

    def __init__(self) -> None:
        super().__init__(
            "The hub's disk is full, so nothing was saved; the service is temporarily unavailable. "
            "Free space on the hub's disk and try again.",
            "قرص الخادم ممتلئ فلم يُحفظ شيء؛ الخدمة غير متاحة مؤقتاً. أفرغ مساحة على قرص الخادم ثم أعد المحاولة.",
        )


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file, the key and the fault."""
