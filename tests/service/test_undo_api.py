"""Undo and redo over HTTP through the real app, on a real database (both backends): each person
takes back only their own change, a refusal says why, and the changes outlive the service."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.testclient import TestClient

from service.app import create_app
from service.ids import new_id
from service.settings import Settings
from tests.service.conftest import UNTHROTTLED
from tests.service.people import organiser_headers

JSON = dict[str, Any]


def _send(client: TestClient, board_id: str, token: str, command: JSON) -> Any:
    body = {"command_id": new_id(), "command": command}
    headers = {"Authorization": f"Bearer {token}"}
    return client.post(f"/api/boards/{board_id}/commands", json=body, headers=headers)


def _notes(client: TestClient, board_id: str, token: str) -> dict[str, tuple[float, float]]:
    view = client.get(f"/api/boards/{board_id}", headers={"Authorization": f"Bearer {token}"})
    assert view.status_code == 200, view.text
    return {n["id"]: (n["x"], n["y"]) for n in view.json()["notes"].values()}


def _workshop(client: TestClient) -> tuple[str, str, str]:
    """A workshop's board and two participants' tokens."""
    created = client.post(
        "/api/workshops", json={"title": "Mobility"}, headers=organiser_headers(client)
    )
    workshop = created.json()
    fac = {"Authorization": f"Bearer {workshop['facilitator_token']}"}
    path = f"/api/workshops/{workshop['id']}"
    board_id = client.post(f"{path}/boards", json={"title": "A"}, headers=fac).json()["id"]
    tokens = []
    for name in ("Anna", "Ben"):
        invite = client.post(f"{path}/invites", json={"role": "participant"}, headers=fac).json()
        joined = client.post(
            f"{path}/join",
            json={"name": name},
            headers={"Authorization": f"Bearer {invite['token']}"},
        )
        tokens.append(joined.json()["token"])
    return board_id, tokens[0], tokens[1]


def test_undo_takes_back_only_my_change_and_survives_a_restart(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as client:
        board_id, anna, ben = _workshop(client)
        for note_id, token in (("n1", anna), ("n2", ben)):
            add = {"type": "note.add", "note_id": note_id, "text": "Idea", "x": 0, "y": 0}
            assert _send(client, board_id, token, add).status_code == 200
        _send(client, board_id, anna, {"type": "note.move", "note_id": "n1", "x": 50, "y": 50})
        _send(client, board_id, ben, {"type": "note.move", "note_id": "n2", "x": 70, "y": 70})
        undone = _send(client, board_id, anna, {"type": "change.undo"})
        assert undone.status_code == 200, undone.text
        types = [e["type"] for e in undone.json()["events"]]
        assert types == ["change.undone", "note.moved"]
        assert _notes(client, board_id, anna) == {"n1": (0, 0), "n2": (70, 70)}
    with TestClient(create_app(app_settings)) as client:  # a restart: nothing kept in memory
        redone = _send(client, board_id, anna, {"type": "change.redo"})
        assert redone.status_code == 200, redone.text
        assert _notes(client, board_id, anna) == {"n1": (50, 50), "n2": (70, 70)}
        _send(client, board_id, ben, {"type": "note.move", "note_id": "n1", "x": 90, "y": 90})
        refused = _send(client, board_id, anna, {"type": "change.undo"})
        assert refused.status_code == 409
        assert refused.json()["error"] == {
            "code": "undo_conflict",
            "message": "Someone has changed this note since; your change cannot be taken back.",
        }
        nothing = _send(client, board_id, ben, {"type": "change.redo"})
        assert nothing.json()["error"]["code"] == "nothing_to_redo"


def test_an_undo_that_would_bring_a_note_back_to_a_full_board_is_refused(
    app_settings: Settings,
) -> None:
    limits = dataclasses.replace(UNTHROTTLED, notes_per_board=2)
    with TestClient(create_app(dataclasses.replace(app_settings, limits=limits))) as client:
        board_id, anna, ben = _workshop(client)
        add = {"type": "note.add", "note_id": "n1", "text": "Idea", "x": 0, "y": 0}
        assert _send(client, board_id, anna, add).status_code == 200
        assert (
            _send(client, board_id, anna, {"type": "note.delete", "note_id": "n1"}).status_code
            == 200
        )
        for note_id in ("b1", "b2"):
            assert _send(client, board_id, ben, {**add, "note_id": note_id}).status_code == 200
        full = _send(client, board_id, anna, {"type": "change.undo"})
        assert full.json()["error"]["code"] == "too_many_notes"
        assert (
            _send(client, board_id, ben, {"type": "note.delete", "note_id": "b2"}).status_code
            == 200
        )
        assert _send(client, board_id, anna, {"type": "change.undo"}).status_code == 200
        assert set(_notes(client, board_id, anna)) == {"n1", "b1"}
