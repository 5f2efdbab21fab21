"""A bounded schemathesis run over the hub's OpenAPI schema finds no server error."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.core import NOT_SET
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from core import commands
from core.models import Role
from core.security import hash_pin
from core.store import Store
from hub.app import HubSettings, create_app
from tests.support import demo_config

EXAMPLES_PER_OPERATION = 30


@pytest.mark.slow
def test_no_server_errors_anywhere(tmp_path):
    """Generated requests to every operation, with an admin token, never get a 5xx answer."""
    with Store(tmp_path / "tabour.sqlite", demo_config()) as store:
        store.call(commands.add_clerk, "clerk1", Role.SUPERVISOR, hash_pin("1111"))
        app = create_app(store, HubSettings(enroll_code="4711"))
        with TestClient(app) as client:
            token = client.post("/api/v1/devices/enroll", json={"name": "admin", "kind": "admin", "code": "4711"}).json()["token"]
            kiosk = client.post("/api/v1/devices/enroll", json={"name": "k", "kind": "kiosk", "code": "4711"}).json()["token"]
            for _ in range(5):
                client.post("/api/v1/tickets", json={"service_id": 1}, headers={"Authorization": f"Bearer {kiosk}"})
            session = client.post(
                "/api/v1/sessions", json={"username": "clerk1", "pin": "1111", "counter_id": 1},
                headers={"Authorization": f"Bearer {token}"},
            ).json()["token"]
            schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
            failures: list[tuple] = []
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

                check()
    assert operations >= 20, "the schema lists every operation"
    assert not failures, failures[:5]
