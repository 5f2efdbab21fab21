"""docs/api.md and the hub's OpenAPI schema name the same routes, and the docs name the contract's module."""

from __future__ import annotations

import re
from pathlib import Path

from core.store import Store
from hub.app import HubSettings, create_app
from tests.support import ROOT, demo_config

API_DOC = ROOT / "docs" / "api.md"
# A row of a routes table: "| `POST /tickets/{id}/recall` | …"; the method and path come first.
ROW = re.compile(r"^\|\s*`(GET|POST|PUT|PATCH|DELETE|WS)\s+([^`\s]+)[^|]*\|", re.MULTILINE)
# Paths the hub serves outside the API's base path.
OUTSIDE_BASE = ("/t/", "/api/v1/", "/join", "/sounds/")


def normalise(path: str) -> str:
    """`/tickets/{id}?status=` → `/api/v1/tickets/{}`: the base path added, parameters unnamed."""
    path = path.split("?", 1)[0]
    if path != "/" and not path.startswith(OUTSIDE_BASE):
        path = "/api/v1" + path
    return re.sub(r"\{[^}]*\}", "{}", path)


def documented_routes(text: str) -> set[tuple[str, str]]:
    """Every `METHOD path` a routes table of the hub's half of docs/api.md lists (WebSockets aside:
    OpenAPI has no place for them)."""
    hub_half = text.split("\n# Central API", 1)[0]
    return {(method, normalise(path)) for method, path in ROW.findall(hub_half) if method != "WS"}


def schema_routes(tmp_path: Path) -> set[tuple[str, str]]:
    with Store(tmp_path / "tabour.sqlite", demo_config()) as store:
        schema = create_app(store, HubSettings(enroll_code="4711")).openapi()
    return {(method.upper(), normalise(path)) for path, methods in schema["paths"].items() for method in methods}


def test_docs_and_schema_list_the_same_routes(tmp_path):
    """Every operation of `/openapi.json` has its row in docs/api.md, with the same method and path, and
    every row there is an operation of the hub."""
    documented = documented_routes(API_DOC.read_text(encoding="utf-8"))
    served = schema_routes(tmp_path)
    assert sorted(served - documented) == [], "routes the hub serves that docs/api.md does not list"
    assert sorted(documented - served) == [], "routes docs/api.md lists that the hub does not serve"


def test_the_comparison_sees_a_difference():
    """A missing row, a wrong method or a wrong path is noticed (so the test above can fail)."""
    text = "| method path | auth |\n| `GET /state` | device |\n| `POST /tickets/{id}/start` | session |\n"
    assert documented_routes(text) == {("GET", "/api/v1/state"), ("POST", "/api/v1/tickets/{}/start")}
    assert documented_routes(text.replace("POST /tickets", "GET /tickets")) != documented_routes(text)
    assert documented_routes(text.replace("/start", "/begin")) != documented_routes(text)
    assert ("GET", "/") in documented_routes("| `GET /` | none |\n| `GET /t/{code}` | none |")
    assert documented_routes("| `WS /events?since=SEQ` | device |") == set()


def test_docs_name_the_contract_module_as_the_source_of_truth():
    """docs/api.md sends readers to core/contract.py, whose models `/openapi.json` is built from."""
    text = API_DOC.read_text(encoding="utf-8")
    assert "core/contract.py" in text.split("\n## Objects", 1)[0]
