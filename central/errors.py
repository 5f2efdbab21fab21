"""Refusals of the central service: a stable code, an HTTP status and both languages."""

from __future__ import annotations

from typing import Any

from core.errors import BilingualError


class CentralError(BilingualError):
    status = 400
    code = "bad_request"

    def __init__(self, message_en: str, message_ar: str, *, code: str | None = None, status: int | None = None, **extra: Any) -> None:
        super().__init__(message_en, message_ar)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message_en, "message_ar": self.message_ar, **self.extra}


class Invalid(CentralError):
    status = 422
    code = "validation_error"


class Conflict(CentralError):
    status = 409
    code = "conflict"


class Unauthorized(CentralError):
    status = 401
    code = "unauthorized"


class NotFound(CentralError):
    status = 404
    code = "not_found"
