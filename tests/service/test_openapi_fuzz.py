"""schemathesis drives the real app (the demo on SQLite, in-process) from its OpenAPI document:
no answer is a 5xx, every refusal is the typed error body with a catalogued code that its
operation lists, and no call without a valid token gets past the credential check.

Bounded: a fixed number of derandomized examples per operation and generation mode, valid and
invalid data alike (schemathesis' positive and negative modes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from service.app import create_app
from service.errors import CATALOGUE
from service.http import ENDPOINTS
from service.http.endpoints import Endpoint
from service.http.openapi import PATH, codes
from service.tools.demo import TRACK_ID
from service.wire import ErrorOut
from tests.service.demo_app import Seeded, demo_settings, seed_demo

pytestmark = pytest.mark.slow

WITHOUT_TOKEN = 4
"""Examples per operation and mode sent with no token, and again with a forged one."""
WITH_TOKEN = 12
"""Examples per operation and mode sent with a valid token."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
_errors = msgspec.json.Decoder(ErrorOut)
Operation = APIOperation[Any, Any, Any, Any]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[OpenApiSchema, Seeded]]:
    """The document as the app on the seeded demo serves it, bound to the app (which starts on
    the first call), and the demo's tokens."""
    settings = demo_settings(tmp_path)
    seeded = asyncio.run(seed_demo(settings))
    try:
        yield schemathesis.openapi.from_asgi(PATH, create_app(settings)), seeded
    finally:
        asgi.shutdown_lifespans()  # the app's lifespan: its store closes


def endpoint_of(operation: Operation) -> Endpoint:
    return next(
        e for e in ENDPOINTS if (e.method, e.path) == (operation.method.upper(), operation.path)
    )


def operations(schema: OpenApiSchema) -> list[Operation]:
    """Every operation of the document (each must load)."""
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        found.append(result.ok())
    # schemathesis leaves out the operation it read the document from (test_openapi.py's)
    served = {f"{e.method} {e.path}" for e in ENDPOINTS if e.path != PATH}
    assert {operation.label for operation in found} == served
    return found


def fuzz(
    operation: Operation,
    examples: int,
    headers: dict[str, str],
    check: Any,
    path_parameters: dict[str, str] | None = None,
) -> None:
    """Send ``examples`` cases of each mode to ``operation`` with ``headers``; ``check`` each
    answer (and schemathesis' checks of the document)."""
    modes = [GenerationMode.POSITIVE]
    if operation.path_parameters or operation.query or operation.body:
        modes.append(GenerationMode.NEGATIVE)  # else there is nothing to make invalid
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

        @given(case=strategy)
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def send(case: Case[Any]) -> None:
            response = case.call(headers=headers)
            check(case, response.status_code, response.content)
            case.validate_response(response, checks=CHECKS)

        send()


def typed(case: Case[Any], status: int, body: bytes) -> None:
    """No 5xx; a refusal is ``{"error": {"code", "message"}}`` with a code of the catalogue, of
    its status, that the operation lists."""
    assert status < 500, body
    if status < 400:
        return
    code = _errors.decode(body).error.code
    assert code in CATALOGUE, body
    assert CATALOGUE[code].status == status, body
    assert code in codes(endpoint_of(case.operation)), f"{case.operation.label}: {code}"


def test_no_call_without_a_valid_token_gets_past_the_credential_check(
    api: tuple[OpenApiSchema, Seeded],
) -> None:
    schema, seeded = api
    for operation in operations(schema):
        open_to_all = endpoint_of(operation).credential is None

        def refused(
            case: Case[Any], status: int, body: bytes, open_to_all: bool = open_to_all
        ) -> None:
            typed(case, status, body)
            assert open_to_all or status in (401, 403), f"{case.operation.label}: {status}"

        for headers in ({}, {"Authorization": f"Bearer {seeded.forged}"}):
            fuzz(operation, WITHOUT_TOKEN, headers, refused)


def test_every_answer_to_a_valid_token_is_typed(api: tuple[OpenApiSchema, Seeded]) -> None:
    schema, seeded = api
    demo = seeded.demo
    ids = {"workshop_id": demo.workshop_id, "board_id": demo.board_id, "track_id": TRACK_ID}
    for operation in operations(schema):
        kinds = endpoint_of(operation).credential or frozenset()
        token = seeded.organiser if kinds == {"organiser"} else seeded.facilitator
        fixed = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        fuzz(operation, WITH_TOKEN, {"Authorization": f"Bearer {token}"}, typed, fixed)
