"""A bounded schemathesis run over the hub's OpenAPI schema finds no server error and no
answer the schema does not document; every error answer has the one error model."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.core import NOT_SET
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from core import commands
from core.models import Role
from core.security import hash_pin
from core.commands import open_store
from hub.app import HubSettings, create_app
from tests.support import demo_config

EXAMPLES_PER_OPERATION = 30


@pytest.mark.slow
def test_no_server_errors_anywhere(tmp_path):
    """Generated requests to every operation never get a 5xx, nor a status the schema leaves out."""
    with open_store(tmp_path / "tabour.sqlite", demo_config()) as store:
        store.call(commands.add_clerk, "clerk1", Role.SUPERVISOR, hash_pin("1111"))
        app = create_app(store, HubSettings(enroll_code="4711"))
        with TestClient(app) as client:
            token = client.post("/api/v1/devices/enroll", json={"name": "admin", "kind": "admin", "code": "4711", "username": "clerk1", "pin": "1111"}).json()["token"]
            kiosk = client.post("/api/v1/devices/enroll", json={"name": "k", "kind": "kiosk", "code": "4711"}).json()["token"]
            for _ in range(5):
                client.post("/api/v1/tickets", json={"service_id": 1}, headers={"Authorization": f"Bearer {kiosk}"})
            session = client.post(
                "/api/v1/sessions", json={"username": "clerk1", "pin": "1111", "counter_id": 1},
                headers={"Authorization": f"Bearer {token}"},
            ).json()["token"]
            schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
            failures: list[tuple] = []
            undocumented: set[tuple] = set()
            operations = 0
            for result in schema.get_all_operations():
                operation = result.ok()
                operations += 1

                @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None)
                @given(case=operation.as_strategy())
                def check(case) -> None:
                    # Clerk actions with the clerk's session (at counter 1), the rest as the admin device.
                    clerk_path = "/counters/" in case.path or case.path.endswith(("/recall", "/start", "/finish", "/no-show", "/transfer"))
                    bearer = session if clerk_path else token
                    response = client.request(
                        case.method,
                        case.formatted_path,
                        params=case.query,
                        json=None if case.body is NOT_SET else case.body,
                        headers={**{k: str(v) for k, v in (case.headers or {}).items()}, "Authorization": f"Bearer {bearer}"},
                    )
                    if response.status_code >= 500:
                        failures.append((case.method, case.formatted_path, case.query, case.body, response.text[:300]))
                    documented = case.operation.definition.raw.get("responses", {})
                    if str(response.status_code) not in documented:
                        undocumented.add((case.method, case.path, response.status_code))
                    elif response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
                        body = response.json()
                        if not (isinstance(body, dict) and {"error", "message", "message_ar"} <= body.keys()):
                            failures.append((case.method, case.formatted_path, "error model", response.text[:300]))

                check()
    assert operations >= 20, "the schema lists every operation"
    assert not failures, failures[:5]
    assert not undocumented, sorted(undocumented)


def test_every_operation_documents_its_errors_with_the_error_model(tmp_path):
    """Each operation that needs a token lists 401; bodies 413 and 422; writes 507; all point at Error."""
    with open_store(tmp_path / "tabour.sqlite", demo_config()) as store:
        schema = create_app(store, HubSettings(enroll_code="4711")).openapi()
    assert {"error", "message", "message_ar"} <= set(schema["components"]["schemas"]["Error"]["required"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            if "requestBody" in operation:
                assert {400, 413, 422} <= errors, (method, path)
            if method in ("post", "delete"):
                assert 507 in errors, (method, path)
            if path.startswith("/api/v1/") and path not in ("/api/v1/health", "/api/v1/devices/enroll") and "/public/" not in path:
                assert 401 in errors, (method, path)
            for code in errors:
                content = responses[str(code)]["content"]
                assert content.get("application/json", {}).get("schema") == {"$ref": "#/components/schemas/Error"} or "text/html" in content


def test_a_wrong_method_names_every_method_of_the_path(tmp_path):
    """A 405 lists in Allow all the methods the path has, not only those of its first route."""
    with open_store(tmp_path / "tabour.sqlite", demo_config()) as store:
        with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as client:
            answer = client.request("OPTIONS", "/api/v1/tickets")
            assert answer.status_code == 405 and answer.json()["error"] == "method_not_allowed"
            assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
            assert set(client.request("PUT", "/api/v1/sessions/current").headers["allow"].split(", ")) == {"DELETE", "GET", "HEAD"}
