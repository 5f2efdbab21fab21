"""The fast lane: the hot ticket routes' well-formed requests, answered before FastAPI's stack.

A busy hall sends the hub little else than four requests: issue a ticket, call the next, start
and finish (and the other steps of a called ticket). Through FastAPI each cost ~0.5 ms of the
hub's one core, and the handlers' own work was a tenth of it: the rest was the middleware
stack, dependency solving, body parsing and routing. `HubApp` (the hub's FastAPI app) hands
each HTTP request to `FastLane.serve` first, which serves only what it is sure of:

- `POST /api/v1/tickets` with `Content-Type: application/json`, a `Content-Length` within the
  hub's body limit, and a body `IssueBody.model_validate_json` accepts;
- `POST /api/v1/counters/{id}/call-next` and `POST /api/v1/tickets/{id}/<step>` (the steps of
  `hub.routes.tickets.TICKET_STEPS`) with no body, and an id of plain digits within `MAX_ID`;
- a token `bearer_principal` accepts.

It runs the routes' own code (`issue_ticket`, `call_next_at`, `ticket_step`: the same rules,
rate limits, command and `answer()`), and a TabourError from them is answered by the app's own
handler. Everything else (another path or method, a malformed or unusual body or header, a
refused token) goes to the FastAPI app unchanged, with any body already read handed on as it
came, so every refusal there is FastAPI's own, byte for byte (tests/hub/test_fastlane.py).
FastAPI keeps these routes registered, for `/openapi.json`, docs/api.md and the refusals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from core.errors import TabourError
from hub.routes.common import MAX_ID, HubContext, bearer_principal, on_tabour_error, on_unexpected
from hub.routes.counters import call_next_at
from hub.routes.tickets import TICKET_STEPS, IssueBody, issue_ticket, ticket_step

__all__ = ["FastLane", "HubApp"]

log = logging.getLogger(__name__)

ISSUE_PATH = "/api/v1/tickets"
# Plain digits without a leading zero: exactly the ids FastAPI's `int` path parameter reads the
# same way ("007", "7.0", "+7" and the like are left to it).
_ID = r"([1-9][0-9]{0,15})"
_TICKET_STEP = re.compile(rf"/api/v1/tickets/{_ID}/({'|'.join(re.escape(name) for name in TICKET_STEPS)})")
_CALL_NEXT = re.compile(rf"/api/v1/counters/{_ID}/call-next")
_JSON = b"application/json"


def _path_id(pattern: re.Pattern[str], path: str) -> tuple[int, str] | None:
    """The id in `path` (and the step, if the pattern names one), or None when it is not one of ours."""
    match = pattern.fullmatch(path)
    if match is None or int(match.group(1)) > MAX_ID:
        return None
    return int(match.group(1)), match.group(match.lastindex or 1)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first gives back the body messages already read."""
    pending = list(messages)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


class FastLane:
    """Serves the hot routes' well-formed requests for the hub behind `app` (see the module)."""

    def __init__(self, hub: HubContext, max_body_bytes: int) -> None:
        self.hub = hub
        self.max_body_bytes = max_body_bytes
        self.served = 0  # requests answered here
        self.handed_on = 0  # requests to the hot paths that were left to FastAPI

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """None when the request was answered here; else the `receive` to hand FastAPI."""
        path = scope["path"]
        if path == ISSUE_PATH:
            route: Callable[..., Awaitable[Response]] | None = None
            args: tuple[Any, ...] = ()
        elif path.startswith("/api/v1/tickets/"):
            found = _path_id(_TICKET_STEP, path)
            if found is None:
                return receive
            route, args = ticket_step, (TICKET_STEPS[found[1]], found[0])
        elif path.startswith("/api/v1/counters/"):
            found = _path_id(_CALL_NEXT, path)
            if found is None:
                return receive
            route, args = call_next_at, (found[0],)
        else:
            return receive
        if scope["method"] != "POST" or scope.get("root_path"):
            return receive
        authorization = content_type = length = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                if authorization is None:
                    authorization = value
            elif name == b"content-type":
                if content_type is not None:
                    return self._hand_on(receive)
                content_type = value
            elif name == b"content-length":
                if length is not None:
                    return self._hand_on(receive)
                length = value
            elif name == b"transfer-encoding":
                return self._hand_on(receive)
        if authorization is None:
            return self._hand_on(receive)
        handed = receive  # what FastAPI is to read the request from, if it answers after all
        if route is None:  # POST /tickets: a JSON body within the limit
            if content_type is None or content_type.lower() != _JSON or length is None or not length.isdigit():
                return self._hand_on(receive)
            if not 0 < int(length) <= self.max_body_bytes:
                return self._hand_on(receive)
            messages: list[Message] = []
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    return self._hand_on(_replay(messages, receive))
                chunk = message.get("body", b"")
                size += len(chunk)
                chunks.append(chunk)
                if size > self.max_body_bytes:
                    return self._hand_on(_replay(messages, receive))
                if not message.get("more_body", False):
                    break
            handed = _replay(messages, receive)
            try:
                body = IssueBody.model_validate_json(b"".join(chunks))
            except ValidationError:
                return self._hand_on(handed)
            route, args = issue_ticket, (body,)
        elif length not in (None, b"0"):
            return self._hand_on(receive)
        try:
            who = bearer_principal(self.hub, authorization.decode("latin-1"))
        except TabourError:
            # FastAPI asks the same question again and gives its own answer: a refused token
            # changes nothing, and on `POST /tickets` a malformed body would be answered first.
            return self._hand_on(handed)
        self.served += 1
        try:
            response = await route(self.hub, who, *args)
        except TabourError as error:
            response = await on_tabour_error(Request(scope, receive), error)
        except Exception as error:
            # As Starlette's ServerErrorMiddleware does: the app's 500, then the error goes on
            # up to the server, which logs it too.
            await (await on_unexpected(Request(scope, receive), error))(scope, receive, send)
            raise
        await response(scope, receive, send)
        return None

    def _hand_on(self, receive: Receive) -> Receive:
        self.handed_on += 1
        return receive


class HubApp(FastAPI):
    """The hub's FastAPI app, with the fast lane (`fast_lane`, set by `hub.app.create_app`) in front."""

    fast_lane: FastLane | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = self.fast_lane
        if lane is not None and scope["type"] == "http":
            handed = await lane.serve(scope, receive, send)
            if handed is None:
                return
            receive = handed
        await super().__call__(scope, receive, send)
