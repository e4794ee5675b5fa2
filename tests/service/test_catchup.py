"""What happened in a workshop (``GET /api/workshops/{id}/summary``), over HTTP on both
backends, on the demo's challenges workshop: every agenda block, board, round result, decision
with its rationale, promotion and track; each step at the version the board shows it at; a
lane per board; and each reader cut as every read is (hidden notes, hidden tallies,
pseudonyms, a token that opens one board)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.context import Plenary
from service.settings import Settings
from service.tools import demo
from tests.service.people import session_token

W = f"/api/workshops/{demo.WORKSHOP_ID}"
MOBILITY = next(g for g in demo.GROUPS if g.key == "mobility")
HIDDEN = next(g for g in demo.GROUPS if g.pseudonymous)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        portal = client.portal
        assert portal is not None
        portal.call(demo.seed, client.app.state.plenary)  # type: ignore[attr-defined]
        yield client


def auth(client: TestClient, name: str, role: str = "participant", board: str | None = None) -> Any:
    ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
    who = demo.facilitator() if role == "facilitator" else demo.person(name, role)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {session_token(ctx, who, demo.WORKSHOP_ID, board)}"}


def summary(client: TestClient, headers: Any) -> Any:
    answer = client.get(f"{W}/summary", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def at(client: TestClient, headers: Any, board_id: str, version: int) -> Any:
    answer = client.get(f"/api/boards/{board_id}/at?version={version}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_auditor_catches_up_on_every_board_decision_and_round(client: TestClient) -> None:
    tomas = auth(client, "Tomás (auditor)", "auditor")
    found = summary(client, tomas)
    overview = client.get(f"{W}/overview", headers=tomas).json()
    assert found["title"] == overview["title"]
    assert [(a["title"], a["minutes"]) for a in found["agenda"]] == [
        (a["title"], a["minutes"]) for a in overview["agenda"]
    ]
    assert found["agenda"][1]["starts"] == found["agenda"][0]["minutes"]
    boards = {b["id"]: b for b in found["boards"]}
    assert set(boards) == {b["id"] for b in overview["boards"]}
    assert found["boards"][0]["kind"] == "plenary"
    mobility = boards[demo.group_board(MOBILITY)]
    assert mobility["group"] == MOBILITY.name
    assert mobility["clusters"][0]["label"] == MOBILITY.clusters[0][0]  # the winner first
    assert mobility["clusters"][0]["notes"] == len(MOBILITY.clusters[0][1])
    assert mobility["clusters"][0]["votes"] == 13  # three members' 3 dots, two members' 2
    assert len(mobility["clusters"][0]["top"]) == 3

    decisions = 0
    for board in found["boards"]:
        view = client.get(f"/api/boards/{board['id']}", headers=tomas).json()
        assert [d["rationale"] for d in board["decisions"]] == [
            d["rationale"] for d in view["decisions"]
        ]
        for d in board["decisions"]:  # the replay at the decision's version shows it; before, not
            assert d["id"] in {
                x["id"] for x in at(client, tomas, board["id"], d["version"])["decisions"]
            }
            before = at(client, tomas, board["id"], d["version"] - 1)["decisions"]
            assert d["id"] not in {x["id"] for x in before}
            decisions += 1
        for r in board["rounds"]:
            assert r["results"] == view["rounds"][r["id"]]["results"]
            assert all(r["titles"][t["item_id"]] for t in r["results"])
            closed = at(client, tomas, board["id"], r["closed_version"])["rounds"][r["id"]]
            assert not closed["open"]
            assert at(client, tomas, board["id"], r["closed_version"] - 1)["rounds"][r["id"]][
                "open"
            ]
            assert r["id"] not in at(client, tomas, board["id"], r["opened_version"] - 1)["rounds"]
    assert decisions == len(demo.GROUPS) + 2

    promoted = found["promotions"]
    assert {p["source_group"] for p in promoted} == {g.name for g in demo.GROUPS}
    for p in promoted:
        plenary = at(client, tomas, p["board_id"], p["version"])
        assert p["id"] in {x["id"] for x in plenary["promotions"]}
        assert p["clusters"]
        assert all(p["clusters"])
    assert [t["id"] for t in found["tracks"]] == [demo.TRACK_ID]

    lanes = found["timeline"]["lanes"]
    assert [lane["board_id"] for lane in lanes] == [b["id"] for b in found["boards"]]
    for lane, board in zip(lanes, found["boards"], strict=True):
        assert sum(lane["activity"]) == board["version"]
        kinds = [m["type"] for m in lane["marks"]]
        assert {"phase.changed", "vote.opened", "vote.closed", "decision.recorded"} <= set(kinds)
        assert [m["version"] for m in lane["marks"]] == sorted(m["version"] for m in lane["marks"])
        for mark in lane["marks"]:
            if mark["type"] == "phase.changed":
                assert at(client, tomas, board["id"], mark["version"])["phase"] == mark["ref"]


def test_each_reader_sees_what_the_board_shows_them(client: TestClient) -> None:
    board_id = demo.group_board(MOBILITY)
    marta, eero = auth(client, MOBILITY.members[0]), auth(client, MOBILITY.members[1])
    host = auth(client, "", "facilitator")

    def command(headers: Any, command: dict[str, object], command_id: str) -> None:
        body = {"command_id": command_id, "command": command}
        answer = client.post(f"/api/boards/{board_id}/commands", json=body, headers=headers)
        assert answer.status_code == 200, answer.text

    command(host, {"type": "phase.change", "phase": "collect"}, "catchup-collect")
    command(host, {"type": "private.start"}, "catchup-private")
    note = {"type": "note.add", "note_id": "catchup-secret", "text": "Mine alone", "x": 1, "y": 1}
    command(marta, note, "catchup-note")
    command(host, {"type": "phase.change", "phase": "vote"}, "catchup-vote")
    command(host, {"type": "vote.open", "round_id": "catchup-round"}, "catchup-open")
    cluster = f"{board_id}-c0"
    command(eero, {"type": "vote.cast", "round_id": "catchup-round", "item_id": cluster}, "cv")

    def board_of(headers: Any) -> Any:
        return next(b for b in summary(client, headers)["boards"] if b["id"] == board_id)

    mine, theirs = board_of(marta), board_of(eero)
    assert mine["notes"] == theirs["notes"] + 1  # Marta's private note is hers alone
    round_for = {
        who: next(r for r in b["rounds"] if r["id"] == "catchup-round")
        for who, b in (("marta", mine), ("eero", theirs))
    }
    assert round_for["marta"]["tallies"] == {}
    assert round_for["marta"]["votes"] == {}
    assert list(round_for["eero"]["votes"].values()) == [{cluster: 1}]  # his own dot only
    assert round_for["eero"]["closed_version"] is None

    hidden = next(
        b for b in summary(client, marta)["boards"] if b["id"] == demo.group_board(HIDDEN)
    )
    assert hidden["anonymity"] == "pseudonymous"
    assert all(d["decided_by"].startswith("anon-") and not d["hash"] for d in hidden["decisions"])
    assert all(v.startswith("anon-") for r in hidden["rounds"] for v in r["votes"])


def test_a_token_for_one_board_catches_up_on_that_board(client: TestClient) -> None:
    board_id = demo.group_board(MOBILITY)
    found = summary(client, auth(client, MOBILITY.members[0], board=board_id))
    assert [b["id"] for b in found["boards"]] == [board_id]
    assert [lane["board_id"] for lane in found["timeline"]["lanes"]] == [board_id]
    assert found["promotions"] == []  # they came into the plenary, which this token does not open
    assert client.get(f"{W}/summary").status_code == 401
    elsewhere = client.get("/api/workshops/elsewhere/summary", headers=auth(client, "x"))
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["code"] == "workshop_not_found"


def test_a_started_agenda_block_says_where_each_board_was(client: TestClient) -> None:
    host = auth(client, "", "facilitator")
    started = client.post(f"{W}/agenda/start", json={"index": 1}, headers=host)
    assert started.status_code == 200, started.text
    board_id = demo.group_board(MOBILITY)
    note = {"type": "note.add", "note_id": "after-start", "text": "Later", "x": 1, "y": 1}
    body = {"command_id": "after-start", "command": note}
    added = client.post(f"/api/boards/{board_id}/commands", json=body, headers=host)
    assert added.status_code == 200, added.text

    found = summary(client, auth(client, "Hanna (observer, Tampere)", "observer"))
    first, second = found["agenda"][0], found["agenda"][1]
    assert first["started_at"] is None
    assert first["versions"] == {}
    assert second["started_at"] is not None
    versions = {b["id"]: b["version"] for b in found["boards"]}
    assert second["versions"] == {**versions, board_id: versions[board_id] - 1}
