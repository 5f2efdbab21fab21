"""The error answers in the hub's OpenAPI schema: every operation lists the ones it can give.

FastAPI documents only the success and its own 422. The hub's handlers, dependencies and
middleware answer more (docs/api.md); `document_errors` adds them to `/openapi.json`, each with
the one error model (`core.contract.Error`), so a client generator or `schemathesis run --checks
all` sees the truth.

Which errors an operation can give follows from what it is, by rules a reader can check against
the code: a token is needed (401), a kind or role is checked (403), an id in the path (404), a
lifecycle step (409), a body (400 bad Content-Length, 413 too large), parameters or a body
(422), a rate limit (429), a write (507, the disk full). `PUBLIC`, `STEPS` and
`RATE_LIMITED` name the operations the rules cannot see. Every operation that takes a token can
answer 403: an `integration` token is refused everywhere but the booking routes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from fastapi import FastAPI

from core.contract import Error, HubHome

ERROR_SCHEMA = "Error"


DESCRIPTIONS = {
    400: "Bad request (e.g. a Content-Length that is not a number)",
    401: "No token, or a token that is unknown, revoked or expired",
    403: "This device, session or role may not do this",
    404: "Unknown id or code",
    409: "Impossible step: the ticket, counter or booking is not in a state that allows it (a full or past slot)",
    413: "Body too large",
    422: "Invalid request: a parameter or the body is wrong",
    429: "Too many: wait `Retry-After` seconds",
    507: "The hub's disk is full: nothing was saved; try again later",
}

# Operations any visitor (or a device not yet enrolled) may call: no token, so no 401/403.
PUBLIC = {
    ("get", "/api/v1/health"),
    ("post", "/api/v1/devices/enroll"),
    ("get", "/api/v1/public/tickets/{code}"),
    ("get", "/api/v1/public/tickets/{code}/stream"),
    ("get", "/t/{code}"),
    ("get", "/"),
    # the remote queue's public side (hub/routes/remote.py)
    ("get", "/join"),
    ("post", "/join"),
    ("get", "/join/poster"),
    ("get", "/sounds/nearly-due.wav"),
    ("get", "/api/v1/public/remote-services"),
    ("post", "/api/v1/public/remote-tickets"),
}
# Bookings (hub/routes/bookings.py): a slot full, past or closed, a booking in the wrong state.
BOOKINGS = {
    ("get", "/api/v1/public/services/{service_id}/slots"),
    ("post", "/api/v1/public/bookings"),
    ("get", "/api/v1/public/bookings/{code}"),
    ("delete", "/api/v1/public/bookings/{code}"),
    ("post", "/api/v1/public/bookings/{code}/reschedule"),
}
# Refused as an impossible step (409) when the ticket, counter or session is not in the right state.
STEPS_PREFIXES = ("/api/v1/tickets", "/api/v1/counters/", "/api/v1/sessions")
# Rate-limited or locked out (429).
RATE_LIMITED = {
    ("post", "/api/v1/devices/enroll"),
    ("post", "/api/v1/tickets"),
    ("post", "/api/v1/sessions"),
    ("post", "/api/v1/supervisor/check-pin"),
    *(key for key in BOOKINGS if key[0] != "get" or "{code}" in key[1]),
    ("post", "/api/v1/public/remote-tickets"),
    ("post", "/join"),
}
# Refused 409 though not a lifecycle path: a remote ticket past a cap, or not offered.
REFUSED = {("post", "/api/v1/public/remote-tickets"), ("post", "/join")}
# Answered 404 though the path holds no id: a file that may be missing, an id in the body.
NOT_FOUND = {
    ("get", "/api/v1/centre/logo"), ("post", "/api/v1/tickets"), ("post", "/api/v1/sessions"),
    ("post", "/api/v1/public/bookings"), ("post", "/api/v1/public/remote-tickets"), ("post", "/join"),
}
# Public, yet refused 403 (a wrong enrollment code).
FORBIDDEN_PUBLIC = {("post", "/api/v1/devices/enroll")}
HTML_OPERATIONS = {("get", "/t/{code}"), ("get", "/")}  # their answers are pages, in HTML
HTML_REFUSALS = {("post", "/join")}  # its refusals are the page again, with the reason
HTML_REFUSAL_STATUSES = {404, 409, 422, 429, 507}
WRITES = {"post", "put", "patch", "delete"}  # each may meet a full disk (check-pin records attempts)


def errors_of(method: str, path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses `method path` can answer, by the rules of this module."""
    key = (method, path)
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses: set[int] = set()
    if key not in PUBLIC:
        statuses.update((401, 403))
    elif key in FORBIDDEN_PUBLIC:
        statuses.add(403)
    if any(p.get("in") == "path" for p in parameters) or key in NOT_FOUND:
        statuses.add(404)
    if (method in WRITES and (path.startswith(STEPS_PREFIXES) or key in REFUSED)) or key in BOOKINGS:
        statuses.add(409)
    if has_body:
        statuses.update((400, 413))
    if has_body or parameters:
        statuses.add(422)
    if key in RATE_LIMITED:
        statuses.add(429)
    if method in WRITES:
        statuses.add(507)
    return sorted(statuses)


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` list every error answer of every operation, with the error model."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = plain_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Error, HubHome):  # named by hand: the error answers, and `GET /`'s JSON beside its page
            components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in list(components[model.__name__].pop("$defs", {}).items()):
                components[name] = definition
        reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in errors_of(method, path, operation):
                    html = (method, path) in HTML_REFUSALS and status in HTML_REFUSAL_STATUSES
                    if html or ((method, path) in HTML_OPERATIONS and status == 404):
                        content = {"text/html": {"schema": {"type": "string"}}}
                    else:
                        content = {"application/json": {"schema": reference}}
                    responses[str(status)] = {"description": DESCRIPTIONS[status], "content": content}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


@lru_cache(maxsize=8)
def _path_methods(app: FastAPI) -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    table = []
    for template, operations in app.openapi().get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        methods = {method.upper() for method in operations}
        if "GET" in methods:
            methods.add("HEAD")
        table.append((pattern, frozenset(methods)))
    return tuple(table)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method the schema lists for `path`, for the `Allow` header of a 405 (Starlette's
    names only the methods of the first route that matched the path)."""
    methods: set[str] = set()
    for pattern, listed in _path_methods(app):
        if pattern.match(path):
            methods |= listed
    return sorted(methods)
