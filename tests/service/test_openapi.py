"""The OpenAPI document: valid OpenAPI 3.1, every endpoint exactly once with every refusal it
may give, the rules' codes read from the domain's source, and answer schemas that real answers
of the demo meet."""

from __future__ import annotations

import ast
import inspect
import json
import re
import typing
from pathlib import Path
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from service.app import create_app
from service.commands.table import Kind
from service.errors import CATALOGUE, RULES
from service.http import ENDPOINTS
from service.http.openapi import PATH, codes, document
from service.settings import Settings
from service.tools.demo import TRACK_ID
from tests.service.demo_app import Seeded, demo_settings, seed_demo

ROOT = Path(__file__).parents[2]
DOC: dict[str, Any] = json.loads(msgspec.json.encode(document(ENDPOINTS)))
"""The document as served: JSON, not the Python values it was built from."""


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in DOC["paths"].items()
        for method, operation in item.items()
    ]


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"] == "3.1.0"
    validate(DOC)


def test_it_describes_every_endpoint_exactly_once() -> None:
    described = {
        (method, path, next(s for s in op["responses"] if s < "400"))
        for method, path, op in operations()
    }
    declared = {(e.method, e.path, str(e.status)) for e in ENDPOINTS}
    assert described == declared
    assert len(operations()) == len(ENDPOINTS)
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(set(ids)) == len(ids), "operation ids are unique"


def test_each_operation_says_its_credential_body_and_parameters() -> None:
    for endpoint in ENDPOINTS:
        op = DOC["paths"][endpoint.path][endpoint.method.lower()]
        assert op["security"] == ([] if endpoint.credential is None else [{"bearer": []}])
        assert ("requestBody" in op) == (endpoint.body is not None)
        names = {(p["in"], p["name"]) for p in op.get("parameters", [])}
        path = {("path", name) for name in re.findall(r"{(\w+)}", endpoint.path)}
        assert names == path | {("query", q.name) for q in endpoint.query}
        assert op["summary"]
        assert op["operationId"] == endpoint.handler.__name__


def test_every_refusal_listed_is_catalogued_under_its_status() -> None:
    for endpoint in ENDPOINTS:
        assert set(codes(endpoint)) <= set(CATALOGUE), endpoint.path
        op = DOC["paths"][endpoint.path][endpoint.method.lower()]
        listed = []
        for status, response in op["responses"].items():
            if int(status) >= 400:
                enum = response["content"]["application/json"]["schema"]["allOf"][1]
                found = enum["properties"]["error"]["properties"]["code"]["enum"]
                assert all(CATALOGUE[code].status == int(status) for code in found)
                listed += found
        assert sorted(listed) == sorted(codes(endpoint))


def test_an_endpoint_of_commands_lists_every_refusal_of_their_rules() -> None:
    board_commands = DOC["paths"]["/api/boards/{board_id}/commands"]["post"]["responses"]
    listed = {c for r in board_commands.values() for c in _enum(r)}
    assert {"vote_budget_exceeded", "not_author", "unknown_note", "conflict"} <= listed
    health = DOC["paths"]["/api/health"]["get"]["responses"]
    assert {c for r in health.values() for c in _enum(r)} == {"store_unavailable"}


def test_rate_limited_is_listed_for_the_requests_that_change_something() -> None:
    exchanges = {"/api/auth/session", "/api/workshops/{workshop_id}/enter"}
    exchanges.add("/api/boards/{board_id}/ticket")
    changing = {e.path for e in ENDPOINTS if e.method == "POST" and e.path not in exchanges}
    assert {e.path for e in ENDPOINTS if "rate_limited" in codes(e)} == changing


def _enum(response: dict[str, Any]) -> list[str]:
    schema = response["content"]["application/json"]["schema"]
    if "allOf" not in schema:
        return []
    found: list[str] = schema["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
    return found


# --------------------------------------------------------------------------- rules of each kind

RAISED = re.compile(
    r"""code\s*=\s*["']([a-z_]+)["']"""  # code="…" and class-level code = "…"
    r"""|check_(?:text|characters)\([^()]*?["'](invalid_[a-z_]+)["']"""
)
KINDS = set(typing.get_args(Kind))
"""Each has its decider in ``domain/<kind>.py``."""


def _codes(text: str) -> set[str]:
    return {group for match in RAISED.finditer(text) for group in match.groups() if group}


def _functions(module: str) -> dict[str, str]:
    source = (ROOT / "domain" / f"{module}.py").read_text()
    tree = ast.parse(source)
    return {
        node.name: ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


def _function_codes(module: str, name: str, seen: set[tuple[str, str]]) -> set[str]:
    """The codes ``module.name`` raises, and those of the functions of its module it calls."""
    functions = _functions(module)
    if (module, name) in seen or name not in functions:
        return set()
    seen.add((module, name))
    found = _codes(functions[name])
    for other in functions:
        if re.search(rf"\b{other}\(", functions[name]):
            found |= _function_codes(module, other, seen)
    return found


def rule_codes(module: str, kind: str, seen: set[str]) -> set[str]:
    """Every code the decider of ``kind`` may raise: those written in its module, in the domain
    modules it imports whole, and in the functions it calls from others; another kind's rules
    are that kind's."""
    if module in seen:
        return set()
    seen.add(module)
    source = (ROOT / "domain" / f"{module}.py").read_text()
    found = _codes(source)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if node.module == "domain":
            for alias in node.names:
                if alias.name not in KINDS - {kind}:
                    found |= rule_codes(alias.name, kind, seen)
        elif node.module.startswith("domain.") and (
            (other := node.module.removeprefix("domain.")) not in KINDS - {kind}
        ):
            for alias in node.names:
                if re.search(rf"\b{alias.asname or alias.name}\(", source):
                    found |= _function_codes(other, alias.name, set())
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_rules_of_each_kind_are_the_codes_its_decider_raises(kind: str) -> None:
    found = rule_codes(kind, kind, set())
    assert "forbidden" in found  # the role table, reached through a function it calls
    assert sorted(RULES[kind]) == sorted(found)


def test_the_query_parameters_read_are_declared() -> None:
    for endpoint in ENDPOINTS:
        source = inspect.getsource(endpoint.handler)
        read = re.findall(r"(?:whole_number|instant)\(\s*\"(\w+)\"", source)
        for pair in re.findall(r"_version\(call, board_id, (\"\w+\", \"\w+\")\)", source):
            read += re.findall(r"\"(\w+)\"", pair)  # boards._version: a number or an instant
        assert sorted(read) == sorted(q.name for q in endpoint.query), endpoint.path


# --------------------------------------------------------------------------- served


def test_it_is_served_without_a_credential_and_built_once(tmp_path: Path) -> None:
    app = create_app(demo_settings(tmp_path))
    with TestClient(app) as client:
        first = client.get(PATH)
        assert first.status_code == 200
        assert first.headers["content-type"] == "application/json"
        assert first.json() == DOC
        built = app.state.openapi
        assert client.get(PATH).content == first.content
        assert app.state.openapi is built


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return demo_settings(tmp_path)


@pytest.fixture
async def seeded(settings: Settings) -> Seeded:
    return await seed_demo(settings)


def test_answers_of_the_demo_meet_their_schemas(settings: Settings, seeded: Seeded) -> None:
    demo = seeded.demo
    w, b = f"/api/workshops/{demo.workshop_id}", f"/api/boards/{demo.board_id}"
    facilitator = {"Authorization": f"Bearer {seeded.facilitator}"}
    organiser = {"Authorization": f"Bearer {seeded.organiser}"}
    with TestClient(create_app(settings)) as client:
        decision = client.get(b, headers=facilitator).json()["decisions"][0]["id"]
        calls: list[tuple[str, str, dict[str, str], Any]] = [
            ("GET", "/api/health", {}, None),
            ("GET", w, facilitator, None),
            ("GET", f"{w}/overview", facilitator, None),
            ("GET", f"{w}/decisions", facilitator, None),
            ("GET", f"{w}/invites", facilitator, None),
            ("GET", b, facilitator, None),
            ("GET", f"{b}/events?limit=20", facilitator, None),
            ("GET", f"{b}/at?version=12", facilitator, None),
            ("GET", f"{b}/rounds", facilitator, None),
            ("GET", f"{b}/decisions/{decision}/trace", facilitator, None),
            ("GET", f"/api/tracks/{TRACK_ID}", facilitator, None),
            ("GET", "/api/programme", facilitator, None),
            ("GET", "/api/programmes", organiser, None),
            ("POST", f"{b}/ticket", facilitator, None),
            ("POST", f"{b}/commands", facilitator, {"command_id": "x", "command": {}}),
            ("GET", "/api/boards/nowhere", facilitator, None),
            ("GET", b, {}, None),
        ]
        for method, url, headers, body in calls:
            answer = client.request(method, url, headers=headers, json=body)
            op = DOC["paths"][_template_of(url.split("?")[0])][method.lower()]
            response = op["responses"][str(answer.status_code)]
            _validator(response["content"]["application/json"]["schema"]).validate(answer.json())


def _template_of(path: str) -> str:
    """The document's path that ``path`` is an instance of."""
    templates: list[str] = list(DOC["paths"])
    for template in templates:
        pattern = re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return template
    raise AssertionError(f"no path of the document matches {path}")


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of ``schema`` whose ``#/components/…`` references resolve in the document."""
    root = {**schema, "components": DOC["components"]}
    return Draft202012Validator(root)
