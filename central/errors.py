"""Refusals of the central service: the domain's bilingual errors (core/errors.py), plus fields.

A central refusal can carry more than a message, e.g. a `gap` answer tells the shipper the
highest seq held; the API writes those fields beside `error`, `message` and `message_ar`.
"""

from __future__ import annotations

from typing import Any

from core.errors import BadInput as Invalid
from core.errors import NotFound, TabourError, Unauthorized

__all__ = ["CentralError", "Conflict", "Invalid", "NotFound", "Unauthorized"]


class CentralError(TabourError):
    def __init__(self, message_en: str, message_ar: str, *, code: str | None = None, status: int | None = None,
                 **extra: Any) -> None:
        super().__init__(message_en, message_ar, code=code)
        if status is not None:
            self.status = status
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), **self.extra}


class Conflict(CentralError):
    status = 409
    code = "conflict"
