"""The hub client's error: the hub's refusal (its code and both messages) or a failure to reach it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import BilingualError
from qt_common.i18n import Language, current_language, parse_language, text_of

#: error codes the client produces itself (the hub's own codes pass through unchanged)
UNREACHABLE = "unreachable"
BAD_RESPONSE = "bad_response"
RESPONSE_TOO_LARGE = "response_too_large"
NOT_ENROLLED = "not_enrolled"
CERTIFICATE_CHANGED = "certificate_changed"


class HubError(BilingualError):
    """A refusal from the hub (its code and both messages) or a failure to reach it (status 0)."""

    def __init__(
        self,
        status: int,
        code: str,
        message_en: str,
        message_ar: str,
        *,
        retry_after: float | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message_en, message_ar, summary=f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.details = details

    @classmethod
    def from_catalogue(cls, http_status: int, code: str, key: str, /, **fields: object) -> HubError:
        """An error of the client's own, worded from the i18n catalogue."""
        text = text_of(key)
        return cls(http_status, code, text.en.format(**fields), text.ar.format(**fields))

    @property
    def unreachable(self) -> bool:
        return self.code == UNREACHABLE

    def message(self, lang: str | Language | None = None) -> str:
        language = parse_language(lang) if lang is not None else current_language()
        return self.message_ar if language is Language.AR else self.message_en

    def __repr__(self) -> str:
        return f"HubError(status={self.status}, code={self.code!r}, message_en={self.message_en!r})"


Callback = Callable[[Any, "HubError | None"], None]


def worth_retrying(error: HubError) -> bool:
    """The hub is away, busy or broken for now; a 4xx other than 408/429 will not change by waiting."""
    return error.unreachable or error.code == BAD_RESPONSE or error.status >= 500 or error.status in (408, 429)
