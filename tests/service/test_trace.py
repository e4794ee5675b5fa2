"""An auditor traces a decision to the events behind it, across a promotion to its first
board, over HTTP on the demo programme (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.actor import Actor
from domain.streams import board_stream
from service.app import create_app
from service.context import Plenary
from service.settings import Settings
from service.tools import demo
from tests.service.people import session_token

JSON = dict[str, Any]


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def seeded(client: TestClient) -> tuple[Plenary, str]:
    ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
    client.portal.call(demo.seed, ctx)  # type: ignore[union-attr]
    auditor = Actor(id="auditor-1", role="auditor", name="Audit")
    return ctx, session_token(ctx, auditor, demo.WORKSHOP_ID)


def get(client: TestClient, path: str, token: str) -> JSON:
    answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    result: JSON = answer.json()
    return result


def test_a_plenary_decision_traces_to_its_round_its_promotion_and_its_first_board(
    client: TestClient,
) -> None:
    ctx, token = seeded(client)
    traced = get(client, f"/api/boards/{demo.BOARD_ID}/decisions/demo-plenary-select/trace", token)
    kinds = [e["type"] for e in traced["entries"]]
    assert kinds[-1] == "decision.recorded"
    assert {"items.promoted", "vote.opened", "vote.cast", "vote.closed", "phase.changed"} <= set(
        kinds
    )
    assert kinds.count("items.promoted") == 1  # only the promotion that brought this cluster
    versions = [e["version"] for e in traced["entries"]]
    assert versions == sorted(versions)
    assert versions[-1] == traced["decision"]["version"]
    events = client.portal.call(ctx.store.read_stream, board_stream(demo.BOARD_ID))  # type: ignore[union-attr]
    by_version = {r.version: r for r in events}
    for entry in traced["entries"]:  # each entry is the logged event, hash and all
        assert entry["hash"] == by_version[entry["version"]].hash.hex()
        assert entry["position"] == by_version[entry["version"]].position
    origin = traced["origin"]
    assert origin["board_id"] == "demo-group-trust"
    first = get(client, f"/api/boards/{origin['board_id']}", token)
    (decision,) = first["decisions"]
    assert decision["item_id"] == origin["item_id"]
    upstream = get(
        client, f"/api/boards/{origin['board_id']}/decisions/{decision['id']}/trace", token
    )
    texts = " ".join(e["what"] for e in upstream["entries"])
    assert "Private notes revealed" in texts
    assert "Cluster created: Who takes part" in texts
    assert "Note added: Consultations attract the same 40 people every time" in texts
    assert "Note added: Participatory budget" not in texts  # a note of the other cluster


def test_a_trace_on_a_pseudonymous_board_shows_pseudonyms_and_no_hashes(
    client: TestClient,
) -> None:
    _ctx, token = seeded(client)
    board = get(client, "/api/boards/demo-group-trust", token)
    assert board["anonymity"] == "pseudonymous"
    decision_id = board["decisions"][0]["id"]
    traced = get(client, f"/api/boards/demo-group-trust/decisions/{decision_id}/trace", token)
    assert traced["entries"]
    real_ids = {demo.person(name).id for name in demo.GROUPS[-1].members}
    for entry in traced["entries"]:
        assert entry["hash"] == ""
        assert entry["actor"] not in real_ids
    assert not any(real in str(traced) for real in real_ids)


def test_an_unknown_decision_is_404(client: TestClient) -> None:
    _ctx, token = seeded(client)
    answer = client.get(
        f"/api/boards/{demo.BOARD_ID}/decisions/nope/trace",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "decision_not_found"


def test_a_decisions_action_items_show_in_its_trace_and_on_its_solution_track(
    client: TestClient,
) -> None:
    ctx, auditor = seeded(client)
    host = session_token(ctx, demo.facilitator(), demo.WORKSHOP_ID)
    action = {
        "type": "action.add",
        "action_id": "act-1",
        "decision_id": "demo-plenary-select",
        "text": "Book the library hall",
        "owner_name": "Pia from the library",
        "due": "2026-12-18",
    }
    sent = client.post(
        f"/api/boards/{demo.BOARD_ID}/commands",
        json={"command_id": "c-act-1", "command": action},
        headers={"Authorization": f"Bearer {host}"},
    )
    assert sent.status_code == 200, sent.text
    traced = get(
        client, f"/api/boards/{demo.BOARD_ID}/decisions/demo-plenary-select/trace", auditor
    )
    (shown,) = traced["actions"]
    assert (shown["text"], shown["owner_name"], shown["due"], shown["done"]) == (
        "Book the library hall",
        "Pia from the library",
        "2026-12-18",
        False,
    )
    track = get(client, f"/api/tracks/{demo.TRACK_ID}", auditor)
    assert [a["id"] for a in track["actions"]] == ["act-1"]
    other = get(client, "/api/boards/demo-group-trust", auditor)["decisions"][0]["id"]
    elsewhere = get(client, f"/api/boards/demo-group-trust/decisions/{other}/trace", auditor)
    assert elsewhere["actions"] == []
