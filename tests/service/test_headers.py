"""Security headers on every HTTP response of the real app: pages, static files, API answers
and every kind of refusal, a 500 included."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from service.app import PlenaryApp, create_app
from service.settings import Settings
from tests.service.people import organiser_headers

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


def assert_secured(response: httpx2.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get_list(name) == [value], (name, response)


def test_pages_static_files_and_api_answers_carry_the_headers(client: TestClient) -> None:
    created = client.post("/api/workshops", json={"title": "W"}, headers=organiser_headers(client))
    assert created.status_code == 201, created.text
    token = created.json()["facilitator_token"]
    answers = [
        created,
        client.get("/"),
        client.get(f"/w/{created.json()['id']}"),
        client.get("/b/some-board"),
        client.get("/static/app.js"),
        client.get("/static/style.css"),
        client.head("/static/app.js"),
        client.get("/api/health"),
        client.get(f"/api/workshops/{created.json()['id']}", headers={"Authorization": token}),
    ]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200, 200, 200, 200, 401]
    assert answers[4].headers["content-type"].startswith("text/javascript")
    for answer in answers:
        assert_secured(answer)


def test_every_refusal_carries_the_headers(client: TestClient) -> None:
    path = "/api/workshops"
    answers = {
        "not_found": client.get("/api/nothing-here"),
        "method_not_allowed": client.delete(path),
        "unauthorized": client.get("/api/workshops/w"),
        "malformed_json": client.post(path, content=b"{"),
        "too_large": client.post(path, content=b" " * 70_000),
        "invalid_command": client.post(path, json={"title": 5}),
        "invalid_title": client.post(path, json={"title": ""}),
        "not_found_static": client.get("/static/no-such-file.js"),
    }
    for code, answer in answers.items():
        assert 400 <= answer.status_code < 500, code
        assert_secured(answer)


def test_an_unhandled_error_answers_500_with_the_headers() -> None:
    async def boom(_request: Request) -> Response:
        raise RuntimeError("a bug")

    app = PlenaryApp(routes=[Route("/boom", boom)])
    with TestClient(app, raise_server_exceptions=False) as test_client:
        answer = test_client.get("/boom")
    assert answer.status_code == 500
    assert_secured(answer)


def test_a_header_the_app_sets_itself_cannot_weaken_the_policy() -> None:
    async def weak(_request: Request) -> Response:
        return Response("x", headers={"X-Frame-Options": "ALLOWALL", "X-Other": "kept"})

    with TestClient(PlenaryApp(routes=[Route("/weak", weak)])) as test_client:
        answer = test_client.get("/weak")
    assert_secured(answer)
    assert answer.headers["x-other"] == "kept"
