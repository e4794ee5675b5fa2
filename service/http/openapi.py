"""The HTTP API's OpenAPI 3.1 document, built from ``service.http.ENDPOINTS`` alone and served at
``GET /api/openapi.json``: each endpoint's parameters, credential, body and answer (their JSON
Schema from the msgspec types), and every refusal code it may answer, grouped by status.

An endpoint's refusals are its own ``errors``, those of the rules of its ``commands`` kind
(``service.errors.RULES``), and the common ones its declaration implies: a credential, a body,
a query, a request that changes something (``service.errors``). The document is built once per
app, on its first request.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from http import HTTPStatus
from importlib.metadata import version
from typing import Any

import msgspec

from domain.board_state import Id
from service.commands.rates import spends
from service.errors import (
    ANY_REQUEST,
    CATALOGUE,
    CHANGES,
    IN_A_WORKSHOP,
    RULES,
    WITH_BODY,
    WITH_CREDENTIAL,
    WITH_QUERY,
)
from service.http.endpoints import JSON, Call, Endpoint
from service.wire import ErrorOut, encoder

PATH = "/api/openapi.json"
REF = "#/components/schemas/{name}"
BEARER: dict[str, list[str]] = {"bearer": []}
_PARAMETER = re.compile(r"{([a-z_]+)}")


def codes(endpoint: Endpoint) -> tuple[str, ...]:
    """Every refusal code ``endpoint`` may answer, in the catalogue's order (a code missing from
    the catalogue, which the tests rule out, last)."""
    found = {*ANY_REQUEST, *endpoint.errors}
    if endpoint.credential is not None:
        found.update(WITH_CREDENTIAL)
        if "{workshop_id}" in endpoint.path:
            found.update(IN_A_WORKSHOP)
    if endpoint.body is not None:
        found.update(WITH_BODY)
    if endpoint.query:
        found.update(WITH_QUERY)
    if spends(endpoint.method, endpoint.path):
        found.update(CHANGES)
    if endpoint.commands is not None:
        found.update(RULES[endpoint.commands])
    return (*(code for code in CATALOGUE if code in found), *sorted(found - CATALOGUE.keys()))


def document(endpoints: Sequence[Endpoint]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``endpoints``."""
    types = list(
        dict.fromkeys(
            [
                ErrorOut,
                *(e.answer for e in endpoints),
                *(e.body for e in endpoints if e.body is not None),
            ]
        )
    )
    schemas, components = msgspec.json.schema_components(types, ref_template=REF)
    schema_of = dict(zip(types, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        operation = _operation(endpoint, schema_of)
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Plenary",
            "version": version("plenary"),
            "description": "Event-sourced boards with live sync for facilitated co-design "
            'workshops. Every refusal is `{"error": {"code", "message"}}` with a code '
            "listed under its status.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Plenary token: `Authorization: Bearer <token>`.",
                }
            },
        },
    }


def _operation(endpoint: Endpoint, schema_of: dict[Any, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.handler.__name__,
        "summary": _markdown(endpoint.summary),
        "description": _description(endpoint),
        "tags": [endpoint.handler.__module__.rsplit(".", 1)[-1]],
        "security": [] if endpoint.credential is None else [BEARER],
    }
    parameters = _parameters(endpoint)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        body = {"schema": schema_of[endpoint.body]}
        operation["requestBody"] = {"required": True, "content": {JSON: body}}
    answer = {
        "description": HTTPStatus(endpoint.status).phrase,
        "content": {endpoint.media_type: {"schema": schema_of[endpoint.answer]}},
    }
    operation["responses"] = {str(endpoint.status): answer, **_refusals(codes(endpoint))}
    return operation


def _description(endpoint: Endpoint) -> str:
    text = _markdown(inspect.cleandoc(endpoint.handler.__doc__ or ""))
    if endpoint.credential is None:
        return f"{text}\n\nTakes no credential."
    kinds = ", ".join(f"`{kind}`" for kind in sorted(endpoint.credential))
    return f"{text}\n\nTakes a bearer token of kind {kinds}."


def _markdown(docstring: str) -> str:
    """Docstring prose as CommonMark: double backquotes become single ones."""
    return docstring.replace("``", "`")


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    id_schema = msgspec.json.schema(Id)
    path = [
        {"name": name, "in": "path", "required": True, "schema": id_schema}
        for name in _PARAMETER.findall(endpoint.path)
    ]
    query = [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.meaning,
            "schema": (
                {"type": "string", "format": "date-time"}
                if q.instant
                else {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
            ),
        }
        for q in endpoint.query
    ]
    return path + query


def _refusals(found: Sequence[str]) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for code in found:
        by_status.setdefault(CATALOGUE[code].status, []).append(code)
    return {str(status): _refusal(status, by_status[status]) for status in sorted(by_status)}


def _refusal(status: int, found: list[str]) -> dict[str, Any]:
    typed = {"properties": {"error": {"properties": {"code": {"enum": found}}}}}
    response: dict[str, Any] = {
        "description": "\n".join(f"- `{code}`: {CATALOGUE[code].meaning}" for code in found),
        "content": {JSON: {"schema": {"allOf": [{"$ref": REF.format(name="ErrorOut")}, typed]}}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Whole seconds until one more command will do.",
                "required": True,
                "schema": {"type": "integer"},
            }
        }
    return response


async def openapi(call: Call[None]) -> msgspec.Raw:
    """This document: every endpoint of the HTTP API, its refusals, and the JSON it takes and
    gives (OpenAPI 3.1)."""
    state = call.request.app.state
    built: msgspec.Raw | None = getattr(state, "openapi", None)
    if built is None:
        from service.http import ENDPOINTS  # here, not above: ENDPOINTS holds this endpoint

        built = state.openapi = msgspec.Raw(encoder.encode(document(ENDPOINTS)))
    return built


ENDPOINTS = (Endpoint("GET", PATH, openapi, dict[str, Any], credential=None),)
