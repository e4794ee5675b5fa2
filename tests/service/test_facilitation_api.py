"""Facilitation end to end: private writing, hidden tallies, pseudonymous boards, promotion,
decisions, solution tracks, the programme's outcomes and the workshop overview over HTTP
through the real app, and what the live board socket sends, on a real database (both
backends).

Privacy checks look at the raw response bytes, not only at the decoded fields: a real id or
a hidden text must appear nowhere in what a viewer receives.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, NamedTuple, Self

import httpx2
import msgspec
import pytest
from starlette.testclient import TestClient
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from domain.decisions import promoted_id
from service.app import create_app
from service.ids import new_id
from service.server import base_url, started
from service.settings import Settings
from service.tools.client import BoardClient, Rejected, socket_url
from tests.service.people import organiser_headers, organiser_token, plenary_of

JSON = dict[str, Any]
WAIT = 10.0
"""Seconds any single wait on a live server may take before the test fails."""
SECRET = "Close the ring road on Sundays"
"""A note's text that must not reach anyone who may not see it yet."""


class Person(NamedTuple):
    id: str
    name: str
    token: str


def refusal(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


# --------------------------------------------------------------------------- commands


def note(note_id: str, text: str = "School streets", x: float = 0, y: float = 0) -> JSON:
    return {"type": "note.add", "note_id": note_id, "text": text, "x": x, "y": y}


def cluster(cluster_id: str, label: str) -> JSON:
    return {"type": "cluster.create", "cluster_id": cluster_id, "label": label, "x": 0, "y": 0}


def into(note_id: str, cluster_id: str) -> JSON:
    return {"type": "note.cluster", "note_id": note_id, "cluster_id": cluster_id}


def phase(name: str) -> JSON:
    return {"type": "phase.change", "phase": name}


def open_round(round_id: str, target: str, **options: object) -> JSON:
    return {"type": "vote.open", "round_id": round_id, "target": target, **options}


def cast(round_id: str, item_id: str) -> JSON:
    return {"type": "vote.cast", "round_id": round_id, "item_id": item_id}


def close(round_id: str) -> JSON:
    return {"type": "vote.close", "round_id": round_id}


def decision(decision_id: str, item_id: str, outcome: str = "select") -> JSON:
    return {
        "type": "decision.record",
        "decision_id": decision_id,
        "item_id": item_id,
        "outcome": outcome,
        "rationale": "Most dots, and the group agreed",
    }


def promote(
    promotion_id: str,
    source: str,
    cluster_ids: tuple[str, ...] = (),
    note_ids: tuple[str, ...] = (),
) -> JSON:
    return {
        "type": "items.promote",
        "promotion_id": promotion_id,
        "source_board_id": source,
        "cluster_ids": list(cluster_ids),
        "note_ids": list(note_ids),
    }


def at_version(events: list[JSON], version: int) -> JSON:
    found = [e for e in events if e["version"] == version]
    assert len(found) == 1, [e["version"] for e in events]
    return found[0]


# --------------------------------------------------------------------------- HTTP helpers


class Facilitator:
    """A facilitator's workshop: helpers to add boards, let people join and send commands."""

    def __init__(
        self,
        client: TestClient,
        title: str = "Mobility",
        organiser: dict[str, str] | None = None,
        **options: object,
    ) -> None:
        self.client = client
        created = client.post(
            "/api/workshops",
            json={"title": title, **options},
            headers=organiser or organiser_headers(client),
        )
        assert created.status_code == 201, created.text
        self.created: JSON = created.json()
        self.id: str = self.created["id"]
        self.token: str = self.created["facilitator_token"]
        self.path = f"/api/workshops/{self.id}"

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.post(path, json=body, headers=headers)

    def read(self, path: str, token: str | None = None) -> JSON:
        answer = self.get(path, token)
        assert answer.status_code == 200, answer.text
        result: JSON = answer.json()
        return result

    @property
    def me(self) -> str:
        """The facilitator's own actor id."""
        me: str = self.read(self.path)["you"]["id"]
        return me

    def board(self, title: str = "Breakout A", kind: str = "breakout") -> str:
        answer = self.post(f"{self.path}/boards", {"title": title, "kind": kind})
        assert answer.status_code == 201, answer.text
        board_id: str = answer.json()["id"]
        return board_id

    def join(self, name: str, role: str = "participant") -> Person:
        invite = self.post(f"{self.path}/invites", {"role": role})
        assert invite.status_code == 201, invite.text
        joined = self.post(f"{self.path}/join", {"name": name}, token=invite.json()["token"])
        assert joined.status_code == 201, joined.text
        return Person(joined.json()["actor_id"], name, joined.json()["token"])

    def send(self, board_id: str, command: JSON, token: str | None = None) -> Any:
        body = {"command_id": new_id(), "command": command}
        return self.post(f"/api/boards/{board_id}/commands", body, token)

    def do(self, board_id: str, command: JSON, token: str | None = None) -> JSON:
        answer = self.send(board_id, command, token)
        assert answer.status_code == 200, answer.text
        result: JSON = answer.json()
        assert result["events"], f"{command['type']} recorded nothing"
        return result

    def view(self, board_id: str, token: str | None = None) -> JSON:
        return self.read(f"/api/boards/{board_id}", token)

    def events(self, board_id: str, token: str | None = None) -> list[JSON]:
        events: list[JSON] = self.read(f"/api/boards/{board_id}/events", token)["events"]
        assert [e["version"] for e in events] == list(range(1, len(events) + 1))  # no gaps
        return events

    def rounds(self, board_id: str, token: str | None = None) -> dict[str, JSON]:
        rounds = self.read(f"/api/boards/{board_id}/rounds", token)["rounds"]
        return {r["id"]: r for r in rounds}

    def track(self, body: JSON, token: str | None = None) -> Any:
        return self.post(f"{self.path}/tracks", body, token)

    def track_do(self, track_id: str, command: JSON, token: str | None = None) -> Any:
        body = {"command_id": new_id(), "command": command}
        return self.post(f"/api/tracks/{track_id}/commands", body, token)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


@pytest.fixture
def fac(client: TestClient) -> Facilitator:
    return Facilitator(client)


def chosen_cluster(fac: Facilitator, board_id: str, people: list[Person]) -> str:
    """Give the board cluster ``c1`` (notes n1, n2) and ``c2`` (n3), a closed round that gave
    c1 three dots and c2 one, and the decide phase; the round's id."""
    anna, ben = people
    fac.do(board_id, note("n1", "Cycle lanes"), anna.token)
    fac.do(board_id, note("n2", "Bike parking"), ben.token)
    fac.do(board_id, note("n3", "Car-free Sundays"), ben.token)
    fac.do(board_id, cluster("c1", "Safe cycling"))
    fac.do(board_id, cluster("c2", "Car-free days"))
    for note_id, cluster_id in (("n1", "c1"), ("n2", "c1"), ("n3", "c2")):
        fac.do(board_id, into(note_id, cluster_id))
    fac.do(board_id, phase("vote"))
    fac.do(board_id, open_round("r1", "clusters", budget=2, per_item_max=2))
    fac.do(board_id, cast("r1", "c1"), anna.token)
    fac.do(board_id, cast("r1", "c1"), anna.token)
    fac.do(board_id, cast("r1", "c1"), ben.token)
    fac.do(board_id, cast("r1", "c2"), ben.token)
    fac.do(board_id, close("r1"))
    fac.do(board_id, phase("decide"))
    return "r1"


# --------------------------------------------------------------------------- private writing


def test_private_writing_hides_a_note_from_all_but_its_author_until_revealed(
    fac: Facilitator,
) -> None:
    board = fac.board()
    anna, ben = fac.join("Anna"), fac.join("Ben")
    fac.do(board, {"type": "private.start"})
    added = fac.do(board, note("n1", SECRET), anna.token)
    version = added["version"]
    assert added["events"][0]["data"]["text"] == SECRET  # the author gets her own event whole

    ben_view = fac.get(f"/api/boards/{board}", ben.token)
    assert "n1" not in ben_view.json()["notes"]
    assert SECRET.encode() not in ben_view.content
    mine = fac.view(board, anna.token)["notes"]["n1"]
    assert (mine["text"], mine["hidden"], mine["author"]) == (SECRET, True, anna.id)
    assert "n1" not in fac.view(board)["notes"]  # not even the facilitator
    past = fac.get(f"/api/boards/{board}/at?version={version}", ben.token)
    assert SECRET.encode() not in past.content

    # Ben may not touch it, and cannot tell it from a note that does not exist.
    for note_id in ("n1", "nope"):
        edit = {"type": "note.edit", "note_id": note_id, "text": "mine now"}
        assert refusal(fac.send(board, edit, ben.token)) == (422, "unknown_note")

    for viewer in (ben.token, fac.token):
        raw = fac.get(f"/api/boards/{board}/events", viewer)
        assert SECRET.encode() not in raw.content
        assert anna.id.encode() not in raw.content
        placeholder = at_version(fac.events(board, viewer), version)
        assert placeholder["type"] == "redacted"
        assert placeholder["data"] == {}
        assert (placeholder["actor"], placeholder["hash"], placeholder["prev_hash"]) == ("", "", "")
        assert (placeholder["command_id"], placeholder["correlation_id"]) == ("", "")
    original = at_version(fac.events(board, anna.token), version)
    assert (original["type"], original["actor"]) == ("note.added", anna.id)

    revealed = fac.do(board, {"type": "notes.reveal"})
    shown = revealed["events"][0]
    assert shown["type"] == "notes.revealed"
    assert [(n["note_id"], n["text"], n["author"]) for n in shown["data"]["notes"]] == [
        ("n1", SECRET, anna.id)
    ]
    now = fac.view(board, ben.token)["notes"]["n1"]
    assert (now["text"], now["hidden"], now["author"]) == (SECRET, False, anna.id)
    whole = at_version(fac.events(board, ben.token), version)
    assert whole == original  # privacy lifted: the very event, hashes and all
    assert whole["data"]["text"] == SECRET
    assert len(whole["hash"]) == 64


# --------------------------------------------------------------------------- hidden tallies


def test_hidden_tallies_show_each_voter_only_their_own_dots_until_the_round_closes(
    fac: Facilitator,
) -> None:
    board = fac.board()
    anna, ben = fac.join("Anna"), fac.join("Ben")
    olga = fac.join("Olga", role="observer")
    fac.do(board, note("n1", "Cycle lanes"), anna.token)
    fac.do(board, note("n2", "Bike parking"), ben.token)
    fac.do(board, phase("vote"))
    fac.do(board, open_round("r1", "notes", budget=2, per_item_max=2, hide_tallies=True))
    first = fac.do(board, cast("r1", "n1"), anna.token)
    fac.do(board, cast("r1", "n2"), anna.token)
    fac.do(board, cast("r1", "n1"), ben.token)

    assert refusal(fac.send(board, cast("r1", "n1"), anna.token)) == (422, "vote_budget_exceeded")
    assert refusal(fac.send(board, cast("r1", "n1"), olga.token)) == (403, "forbidden")
    assert refusal(fac.send(board, cast("r1", "n1"))) == (403, "facilitators_do_not_vote")

    seen_by_ben = fac.rounds(board, ben.token)["r1"]
    assert seen_by_ben["tallies"] == {}
    assert seen_by_ben["votes"] == {ben.id: {"n1": 1}}
    assert seen_by_ben["results"] == []
    assert fac.get(f"/api/boards/{board}/rounds", ben.token).content.count(anna.id.encode()) == 0
    assert fac.view(board, ben.token)["rounds"]["r1"]["tallies"] == {}
    seen_by_anna = fac.rounds(board, anna.token)["r1"]
    assert (seen_by_anna["votes"], seen_by_anna["tallies"]) == ({anna.id: {"n1": 1, "n2": 1}}, {})
    seen_by_fac = fac.rounds(board)["r1"]
    assert (seen_by_fac["votes"], seen_by_fac["tallies"]) == ({}, {})
    vote_version = first["version"]
    assert at_version(fac.events(board, ben.token), vote_version)["type"] == "redacted"

    fac.do(board, close("r1"))
    for viewer in (anna, ben, olga):
        closed = fac.rounds(board, viewer.token)["r1"]
        assert closed["open"] is False
        assert closed["results"] == [{"item_id": "n1", "votes": 2}, {"item_id": "n2", "votes": 1}]
        assert closed["tallies"] == {"n1": 2, "n2": 1}
        assert closed["votes"] == {anna.id: {"n1": 1, "n2": 1}, ben.id: {"n1": 1}}
        assert closed["titles"] == {"n1": "Cycle lanes", "n2": "Bike parking"}
        assert closed["voters"] == 2
    lifted = at_version(fac.events(board, ben.token), vote_version)
    assert (lifted["type"], lifted["data"]["voter"], lifted["actor"]) == (
        "vote.cast",
        anna.id,
        anna.id,
    )


# --------------------------------------------------------------------------- pseudonyms


def test_a_pseudonymous_board_shows_stable_per_board_pseudonyms_and_never_real_ids(
    fac: Facilitator,
) -> None:
    one, two = fac.board("Group one"), fac.board("Group two")
    anna, ben = fac.join("Annabelle Quistorp"), fac.join("Ben")
    facilitator = fac.me
    fac.do(one, note("n0", "Written before the board went pseudonymous"), anna.token)
    for board in (one, two):
        fac.do(board, {"type": "anonymity.set", "policy": "pseudonymous"})
    fac.do(one, note("n1", "Cycle lanes"), anna.token)
    fac.do(one, note("n2", "Bike parking"), ben.token)
    fac.do(two, note("n9", "Bus lanes"), anna.token)
    fac.do(one, phase("vote"))
    fac.do(one, open_round("r1", "notes", hide_tallies=False))
    fac.do(one, cast("r1", "n1"), anna.token)
    fac.do(one, close("r1"))
    fac.do(one, phase("decide"))
    fac.do(one, decision("d1", "n1"))

    def leaks(body: bytes) -> list[str]:
        return [s for s in (anna.id, anna.name, facilitator) if s.encode() in body]

    first = fac.get(f"/api/boards/{one}", ben.token)
    assert leaks(first.content) == []
    notes = first.json()["notes"]
    alias = notes["n1"]["author"]
    assert alias.startswith("anon-")
    assert notes["n0"]["author"] == alias  # the past is shown under the pseudonym too
    assert notes["n2"]["author"] not in (alias, ben.id)
    assert fac.view(one, ben.token)["notes"]["n1"]["author"] == alias  # stable across reads
    assert fac.view(one, anna.token)["notes"]["n1"]["author"] == alias  # the same to everyone
    elsewhere = fac.view(two, ben.token)["notes"]["n9"]["author"]
    assert elsewhere.startswith("anon-")
    assert elsewhere != alias  # another board, another pseudonym
    assert first.json()["decisions"][0]["hash"] == ""

    raw = fac.get(f"/api/boards/{one}/events", ben.token)
    assert leaks(raw.content) == []
    events = raw.json()["events"]
    assert all(e["hash"] == e["prev_hash"] == "" for e in events)
    added = [e for e in events if e["type"] == "note.added" and e["data"]["note_id"] == "n1"]
    assert (added[0]["actor"], added[0]["data"]["author"]) == (alias, alias)

    for path in (
        f"/api/boards/{one}/rounds",
        f"/api/boards/{one}/at?version=2",  # before the board went pseudonymous
        f"/api/workshops/{fac.id}/decisions",
    ):
        answer = fac.get(path, ben.token)
        assert answer.status_code == 200, answer.text
        assert leaks(answer.content) == [], path
    assert fac.rounds(one, ben.token)["r1"]["votes"] == {alias: {"n1": 1}}
    logged = fac.read(f"/api/workshops/{fac.id}/decisions", ben.token)["decisions"][0]
    assert [n["author"] for n in logged["evidence"]["notes"]] == [alias]
    assert logged["hash"] == ""


def test_the_events_answer_says_which_pseudonym_is_the_reader_s_and_nobody_else_s(
    fac: Facilitator,
) -> None:
    board = fac.board()
    anna, ben = fac.join("Annabelle Quistorp"), fac.join("Benedikt Oyelaran")
    auditor = fac.join("Ada Auditor", role="auditor")
    named = fac.read(f"/api/boards/{board}/events", anna.token)["you"]
    assert named == {"id": anna.id, "pseudonym": None, "pseudonym_name": None}
    fac.do(board, {"type": "anonymity.set", "policy": "pseudonymous"})
    fac.do(board, {"type": "private.start"})
    written = {anna.id: fac.do(board, note("n1", SECRET), anna.token)["version"]}
    written[ben.id] = fac.do(board, note("n2", "Bike parking"), ben.token)["version"]

    me = fac.read(fac.path)["you"]
    you: dict[str, JSON] = {}
    for person in (anna, ben, auditor, Person(me["id"], me["name"], fac.token)):
        raw = fac.get(f"/api/boards/{board}/events", person.token)
        others = [p for p in (anna, ben, auditor) if p.id != person.id]
        assert [s for p in others for s in (p.id, p.name) if s.encode() in raw.content] == []
        you[person.id] = raw.json()["you"]
        assert you[person.id]["id"] == person.id
        assert you[person.id]["pseudonym"].startswith("anon-")
        assert person.name not in you[person.id]["pseudonym_name"]
    assert len({y["pseudonym"] for y in you.values()}) == 4

    for writer, reader in ((anna, anna), (ben, ben), (anna, ben), (ben, anna)):
        seen = at_version(fac.events(board, reader.token), written[writer.id])
        if writer == reader:  # one's own private note, whole, under one's own pseudonym
            alias = you[reader.id]["pseudonym"]
            assert (seen["actor"], seen["data"]["private_to"]) == (alias, alias)
        else:
            assert seen["type"] == "redacted"
    fac.do(board, {"type": "notes.reveal"})
    authors = {n["id"]: n["author"] for n in fac.view(board, ben.token)["notes"].values()}
    assert authors == {"n1": you[anna.id]["pseudonym"], "n2": you[ben.id]["pseudonym"]}
    # An auditor's export still names the real people.
    exported = fac.get(f"/api/boards/{board}/notes.csv", auditor.token)
    assert exported.status_code == 200, exported.text
    assert anna.name in exported.text


# --------------------------------------------------------------------------- promotion


def test_promotion_copies_the_source_items_with_their_origin_and_ignores_a_sent_plan(
    fac: Facilitator,
) -> None:
    plenary = fac.board("Plenary", "plenary")
    group_a, group_b = fac.board("Group A"), fac.board("Group B")
    anna = fac.join("Anna")
    fac.do(group_a, note("n1", "Cycle lanes"), anna.token)
    fac.do(group_a, note("n2", "Bike parking"), anna.token)
    fac.do(group_a, note("n3", "Car-free Sundays"), anna.token)
    fac.do(group_a, note("n4", "Not promoted"), anna.token)
    fac.do(group_a, cluster("c1", "Safe cycling"))
    fac.do(group_a, into("n1", "c1"))
    fac.do(group_a, into("n2", "c1"))
    fac.do(group_b, note("n1", "Group B's own n1"))
    source_version = fac.view(group_a)["version"]
    forged = {
        "source_board_id": group_a,
        "source_version": 1,
        "clusters": [],
        "notes": [
            {
                "note_id": "forged",
                "text": "FORGED TEXT",
                "x": 0,
                "y": 0,
                "colour": "pink",
                "author": "someone-else",
                "cluster_id": None,
                "origin": {"board_id": group_b, "item_id": "n1", "version": 1},
            }
        ],
    }
    command = {**promote("pr1", group_a, ("c1",), ("n3",)), "plan": forged}
    promoted = fac.send(plenary, command)
    assert promoted.status_code == 200, promoted.text

    view = fac.view(plenary)
    new_c1 = promoted_id("pr1", "c1")

    def origin(item_id: str) -> JSON:
        return {
            "board_id": group_a,
            "item_id": item_id,
            "version": source_version,
            "group": "Group A",
        }

    assert {cid: (c["label"], c["origin"]) for cid, c in view["clusters"].items()} == {
        new_c1: ("Safe cycling", origin("c1"))
    }
    assert {
        nid: (n["text"], n["cluster_id"], n["author"], n["origin"])
        for nid, n in view["notes"].items()
    } == {
        promoted_id("pr1", "n1"): ("Cycle lanes", new_c1, anna.id, origin("n1")),
        promoted_id("pr1", "n2"): ("Bike parking", new_c1, anna.id, origin("n2")),
        promoted_id("pr1", "n3"): ("Car-free Sundays", None, anna.id, origin("n3")),
    }
    assert [(p["id"], p["source_board_id"], p["source_version"]) for p in view["promotions"]] == [
        ("pr1", group_a, source_version)
    ]
    for body in (promoted.content, fac.get(f"/api/boards/{plenary}/events").content):
        assert b"FORGED" not in body
        assert b"someone-else" not in body
    assert fac.view(group_a)["version"] == source_version  # the source is only read


def test_promotion_from_another_workshop_or_by_a_participant_is_refused(
    fac: Facilitator, client: TestClient
) -> None:
    plenary, group = fac.board("Plenary", "plenary"), fac.board("Group A")
    anna = fac.join("Anna")
    fac.do(group, note("n1", "Cycle lanes"))
    other = Facilitator(client, title="Elsewhere")
    foreign = other.board("Their group")
    other.do(foreign, note("x1", "Their confidential note"))
    before = fac.events(plenary)

    foreign_promotion = fac.send(plenary, promote("pr1", foreign, note_ids=("x1",)))
    assert refusal(foreign_promotion) == (422, "foreign_board")
    assert b"confidential" not in foreign_promotion.content
    missing = fac.send(plenary, promote("pr2", "no-such-board", note_ids=("x1",)))
    assert refusal(missing) == (404, "board_not_found")
    for source in (group, foreign, "no-such-board"):
        by_anna = fac.send(plenary, promote("pr3", source, note_ids=("n1",)), anna.token)
        assert refusal(by_anna) == (403, "forbidden"), source  # before any source is read
    into_ours = other.send(plenary, promote("pr4", foreign, note_ids=("x1",)))
    assert refusal(into_ours) == (404, "board_not_found")

    assert fac.events(plenary) == before
    assert [e["type"] for e in other.events(foreign)] == ["board.created", "note.added"]


def test_a_board_scoped_facilitator_cannot_promote_from_a_board_outside_its_scope(
    fac: Facilitator,
) -> None:
    plenary, group = fac.board("Plenary", "plenary"), fac.board("Group A")
    fac.do(group, note("n1", SECRET))
    invite = fac.post(f"{fac.path}/invites", {"role": "facilitator", "board_id": plenary})
    scoped = invite.json()["token"]
    assert refusal(fac.get(f"/api/boards/{group}", scoped)) == (404, "board_not_found")
    answer = fac.send(plenary, promote("pr1", group, note_ids=("n1",)), scoped)
    assert SECRET.encode() not in fac.get(f"/api/boards/{plenary}", scoped).content
    assert refusal(answer) == (404, "board_not_found")


# --------------------------------------------------------------------------- decisions


def test_a_decision_records_its_evidence_and_appears_in_the_decision_log(
    fac: Facilitator,
) -> None:
    board = fac.board("Group A")
    anna, ben = fac.join("Anna"), fac.join("Ben")
    round_id = chosen_cluster(fac, board, [anna, ben])
    recorded = fac.do(board, decision("d1", "c1"))["events"][0]
    assert recorded["type"] == "decision.recorded"
    data = recorded["data"]
    assert (data["item_kind"], data["title"], data["outcome"]) == (
        "clusters",
        "Safe cycling",
        "select",
    )
    evidence = data["evidence"]
    assert (evidence["round_id"], evidence["votes"], evidence["rank"], evidence["ballot_size"]) == (
        round_id,
        3,
        1,
        2,
    )
    assert evidence["notes"] == [
        {"note_id": "n1", "text": "Cycle lanes", "author": anna.id},
        {"note_id": "n2", "text": "Bike parking", "author": ben.id},
    ]
    assert evidence["board_version"] == recorded["version"] - 1
    fac.do(board, decision("d2", "c2", "park"))

    log = fac.read(f"/api/workshops/{fac.id}/decisions", ben.token)
    assert log["workshop_id"] == fac.id
    first, second = log["decisions"]
    assert (first["id"], first["board_id"], first["board_title"]) == ("d1", board, "Group A")
    assert (first["position"], first["hash"], first["version"]) == (
        recorded["position"],
        recorded["hash"],
        recorded["version"],
    )
    assert len(first["hash"]) == 64
    assert first["decided_by"] == fac.me
    assert first["evidence"] == evidence
    assert (second["id"], second["outcome"], second["evidence"]["rank"]) == ("d2", "park", 2)
    assert second["position"] > first["position"]


# --------------------------------------------------------------------------- solution tracks


def test_a_solution_track_starts_from_a_selecting_decision_and_keeps_a_timeline(
    fac: Facilitator, client: TestClient
) -> None:
    board = fac.board("Group A")
    anna, ben = fac.join("Anna"), fac.join("Ben")
    olga = fac.join("Olga", role="observer")
    chosen_cluster(fac, board, [anna, ben])
    fac.do(board, decision("d1", "c1"))
    fac.do(board, decision("d2", "c2", "park"))

    unknown = fac.track({"board_id": board, "decision_id": "d9"})
    assert refusal(unknown) == (404, "decision_not_found")
    parked = fac.track({"board_id": board, "decision_id": "d2"})
    assert refusal(parked) == (422, "decision_not_selected")
    started = fac.track({"board_id": board, "decision_id": "d1", "track_id": "t1"})
    assert started.status_code == 201, started.text
    assert (started.json()["id"], started.json()["title"]) == ("t1", "Safe cycling")
    twice = fac.track({"board_id": board, "decision_id": "d1", "track_id": "t2"})
    assert refusal(twice) == (409, "decision_has_track")
    again = fac.track({"board_id": board, "decision_id": "d1", "track_id": "t1"})
    assert refusal(again) == (409, "track_exists")
    by_participant = fac.track({"board_id": board, "decision_id": "d9"}, anna.token)
    assert refusal(by_participant) == (403, "forbidden")

    commands: list[tuple[JSON, str]] = [
        (sprint("s1", "2026-03-02", "2026-03-13"), anna.token),
        (sprint("s2", "2026-03-16", "2026-03-27"), anna.token),
        (update("u1", "s1"), ben.token),
        (
            {
                "type": "validation.plan",
                "validation_id": "v1",
                "method": "Street interviews",
                "stakeholders": ["Parents", "School board"],
                "starts_on": "2026-03-30",
                "ends_on": "2026-04-03",
            },
            anna.token,
        ),
        (
            {
                "type": "validation.result",
                "validation_id": "v1",
                "findings": "Parents want it",
                "verdict": "validated",
            },
            anna.token,
        ),
        (practice("p1"), anna.token),  # the first shape: a title and what was done
        (structured_practice("p2"), ben.token),
        (
            {
                "type": "presentation.record",
                "presented_on": "2026-04-10",
                "summary": "Shown to the council",
            },
            fac.token,
        ),
    ]
    for command, token in commands:
        answer = fac.track_do("t1", command, token)
        assert answer.status_code == 200, answer.text
    refused = fac.track_do("t1", update("u2", "s1"), olga.token)
    assert refusal(refused) == (403, "forbidden")

    track = fac.read("/api/tracks/t1", olga.token)
    assert [e["kind"] for e in track["timeline"]] == [
        "track.started",
        "sprint.planned",
        "sprint.planned",
        "sprint.updated",
        "validation.planned",
        "validation.recorded",
        "practice.documented",
        "practice.documented",
        "presentation.recorded",
    ]
    assert [e["version"] for e in track["timeline"]] == list(range(1, 10))
    # Who did each is the entry's actor; its line names things by title, never by id.
    assert [(e["actor"], e["role"]) for e in track["timeline"]][:4] == [
        (fac.me, "facilitator"),
        (anna.id, "participant"),
        (anna.id, "participant"),
        (ben.id, "participant"),
    ]
    assert track["timeline"][2]["summary"] == (
        "Sprint “A pilot street” planned, 2026-03-16 to 2026-03-27"
    )
    assert track["timeline"][4]["summary"] == (
        "Validation “Street interviews” planned with 2 stakeholder groups, 2026-03-30 to 2026-04-03"
    )
    ids = {"t1", "s1", "s2", "u1", "v1", "p1", "p2", "d1", board, fac.me, anna.id, ben.id}
    for entry in track["timeline"]:
        assert not ids & set(re.findall(r"[\w-]+", entry["summary"])), entry["summary"]
    assert track["origin"] == {"workshop_id": fac.id, "board_id": board, "decision_id": "d1"}
    assert [s["id"] for s in track["sprints"]] == ["s1", "s2"]
    assert [u["id"] for u in track["sprints"][0]["updates"]] == ["u1"]
    assert track["validations"][0]["result"]["verdict"] == "validated"
    first, four_parts = track["practices"]
    assert (first["id"], first["context"], first["result"], first["reuse"]) == ("p1", "", "", "")
    assert {k: four_parts[k] for k in ("context", "description", "result", "reuse")} == {
        "context": "Children were never asked",
        "description": "Walk the route with them first.",
        "result": "Two crossings moved",
        "reuse": "A walk before any plan",
    }
    assert track["status"] == "presented"

    stranger = Facilitator(client, title="Elsewhere")
    theirs = stranger.track({"board_id": board, "decision_id": "d1"})
    assert refusal(theirs) == (404, "board_not_found")
    assert refusal(stranger.get("/api/tracks/t1")) == (404, "track_not_found")
    assert refusal(stranger.track_do("t1", update("u3", "s1"))) == (404, "track_not_found")
    assert refusal(fac.get("/api/tracks/no-such-track")) == (404, "track_not_found")
    assert fac.read("/api/tracks/t1")["version"] == 9


def sprint(sprint_id: str, starts_on: str, ends_on: str) -> JSON:
    return {
        "type": "sprint.plan",
        "sprint_id": sprint_id,
        "goal": "A pilot street",
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


def update(update_id: str, sprint_id: str) -> JSON:
    return {
        "type": "sprint.update",
        "update_id": update_id,
        "sprint_id": sprint_id,
        "status": "on_track",
        "done": "Met the school",
    }


def practice(practice_id: str) -> JSON:
    return {
        "type": "practice.document",
        "practice_id": practice_id,
        "title": "Ask the children",
        "description": "Walk the route with them first.",
    }


def structured_practice(practice_id: str) -> JSON:
    return {
        **practice(practice_id),
        "context": "Children were never asked",
        "result": "Two crossings moved",
        "reuse": "A walk before any plan",
    }


# --------------------------------------------------------------------------- programme


def test_an_organiser_sets_the_programme_s_targets_and_the_tracker_counts_against_them(
    client: TestClient,
) -> None:
    oda = organiser_headers(client, "Oda")
    aims = {"ideas_developed": 2, "practices_documented": 1}
    made = client.post(
        "/api/programmes",
        json={"title": "Cities", "programme_id": "cities", "targets": aims},
        headers=oda,
    )
    assert made.status_code == 201, made.text
    assert made.json()["targets"] == {
        "initiatives_identified": 5,
        "ideas_presented": 2,
        "ideas_developed": 2,
        "practices_documented": 1,
    }
    for targets, code in (
        ({"ideas_presented": 1001}, "invalid_targets"),
        ({"ideas_presented": -1}, "invalid_targets"),
        ({"ideas_presented": "two"}, "invalid_command"),
        ({"good_vibes": 3}, "invalid_command"),
    ):
        refused = client.post(
            "/api/programmes", json={"title": "Bad", "targets": targets}, headers=oda
        )
        assert refusal(refused) == (422, code), targets
    ideation = Facilitator(client, "Ideation", oda, kind="ideation", programme="cities")
    board = ideation.board("Group A")
    anna = ideation.join("Anna")
    chosen_cluster(ideation, board, [anna, ideation.join("Ben")])
    ideation.do(board, decision("d1", "c1"))
    assert ideation.track({"board_id": board, "decision_id": "d1", "track_id": "t1"}).is_success
    for command in (sprint("s1", "2026-03-02", "2026-03-13"), structured_practice("p1")):
        assert ideation.track_do("t1", command).status_code == 200
    counted = {
        o["name"]: (o["target"], o["actual"], o["met"])
        for o in ideation.read("/api/programme", anna.token)["outcomes"]
    }
    assert counted == {
        "initiatives_identified": (5, 0, False),
        "ideas_presented": (2, 0, False),
        "ideas_developed": (2, 0, False),
        "practices_documented": (1, 1, True),
    }


def test_the_programme_counts_its_outcomes_and_only_its_own_workshops(client: TestClient) -> None:
    oda, ole = organiser_headers(client, "Oda"), organiser_headers(client, "Ole")
    for who, programme_id in ((oda, "ours"), (ole, "other")):
        made = client.post(
            "/api/programmes",
            json={"title": programme_id, "programme_id": programme_id},
            headers=who,
        )
        assert made.status_code == 201, made.text
    initiatives = Facilitator(
        client, "Initiatives", oda, kind="initiatives", date="2026-02-01", programme="ours"
    )
    board = initiatives.board()
    for note_id in ("i1", "i2", "i3"):
        initiatives.do(board, note(note_id))
    initiatives.do(board, {"type": "note.delete", "note_id": "i2"})

    ideation = Facilitator(
        client, "Ideation", oda, kind="ideation", date="2026-03-01", programme="ours"
    )
    plenary, group = ideation.board("Plenary", "plenary"), ideation.board("Group A")
    for note_id in ("a", "b", "loose"):
        ideation.do(group, note(note_id))
    ideation.do(group, cluster("c1", "Safe cycling"))
    ideation.do(group, into("a", "c1"))
    ideation.do(group, into("b", "c1"))
    ideation.do(plenary, promote("pr1", group, ("c1",), ("loose",)))
    ideation.do(plenary, phase("decide"))
    ideation.do(plenary, decision("d1", promoted_id("pr1", "c1")))
    started = ideation.track({"board_id": plenary, "decision_id": "d1", "track_id": "t1"})
    assert started.status_code == 201, started.text
    for command in (
        sprint("s1", "2026-03-02", "2026-03-13"),
        update("u1", "s1"),
        practice("p1"),
        practice("p2"),
    ):
        assert ideation.track_do("t1", command).status_code == 200

    elsewhere = Facilitator(client, "Other", ole, kind="initiatives", programme="other")
    theirs = elsewhere.board()
    for note_id in ("o1", "o2", "o3", "o4", "o5", "o6"):
        elsewhere.do(theirs, note(note_id))
    other_promotion = Facilitator(client, "Other ideas", ole, kind="ideation", programme="other")
    other_plenary = other_promotion.board("Plenary", "plenary")
    other_group = other_promotion.board("Group")
    other_promotion.do(other_group, note("x"))
    other_promotion.do(other_plenary, promote("pr9", other_group, note_ids=("x",)))

    alone = Facilitator(client, title="Alone", kind="initiatives")  # no programme named
    alone.do(alone.board(), note("a1"))
    mine = alone.read("/api/programme")
    assert [w["title"] for w in mine["workshops"]] == ["Alone"]
    assert mine["outcomes"][0]["actual"] == 1

    programme = initiatives.read("/api/programme")
    assert programme["programme"] == "ours"
    assert [w["title"] for w in programme["workshops"]] == ["Initiatives", "Ideation"]
    assert [t["id"] for t in programme["tracks"]] == ["t1"]
    counted = {o["name"]: (o["target"], o["actual"], o["met"]) for o in programme["outcomes"]}
    assert counted == {
        "initiatives_identified": (5, 2, False),
        "ideas_presented": (2, 2, True),
        "ideas_developed": (1, 1, True),
        "practices_documented": (5, 2, False),
    }
    assert all(o["label"] and o["counts"] for o in programme["outcomes"])

    theirs_counted = {o["name"]: o["actual"] for o in elsewhere.read("/api/programme")["outcomes"]}
    assert theirs_counted == {
        "initiatives_identified": 6,
        "ideas_presented": 1,
        "ideas_developed": 0,
        "practices_documented": 0,
    }


# --------------------------------------------------------------------------- overview


def test_the_overview_shows_each_boards_activity_groups_and_tracks(client: TestClient) -> None:
    agenda = [{"title": "Welcome", "minutes": 15}, {"title": "Breakouts", "minutes": 60}]
    fac = Facilitator(client, date="2026-11-27", agenda=agenda)
    assert fac.created["date"] == "2026-11-27"
    plenary = fac.board("Plenary", "plenary")
    grouped = fac.post(f"{fac.path}/groups", {"name": "Group A", "group_id": "ga"}).json()
    group_board = grouped["board_id"]
    anna, ben = fac.join("Anna"), fac.join("Ben")
    fac.join("Olga", role="observer")
    assert fac.post(f"{fac.path}/assignments", {"actor_id": anna.id, "group_id": "ga"}).is_success
    chosen_cluster(fac, group_board, [anna, ben])
    fac.do(group_board, decision("d1", "c1"))
    assert fac.track({"board_id": group_board, "decision_id": "d1", "track_id": "t1"}).is_success
    fac.do(plenary, note("p1"))
    fac.do(plenary, phase("vote"))
    fac.do(plenary, open_round("r9", "notes"))

    overview = fac.read(f"{fac.path}/overview", anna.token)
    assert (overview["date"], overview["agenda"], overview["title"]) == (
        "2026-11-27",
        agenda,
        "Mobility",
    )
    assert overview["people"] == {"facilitator": 1, "participant": 2, "observer": 1}
    boards = {b["id"]: b for b in overview["boards"]}
    assert set(boards) == {plenary, group_board}
    summary = {
        b["id"]: (b["kind"], b["phase"], b["notes"], b["clusters"], b["open_round"], b["rounds"])
        for b in overview["boards"]
    }
    assert summary == {
        plenary: ("plenary", "vote", 1, 0, "r9", 1),
        group_board: ("breakout", "decide", 3, 2, None, 1),
    }
    assert boards[group_board]["group"] == {"id": "ga", "name": "Group A", "members": 1}
    assert boards[group_board]["decisions"] == 1
    assert boards[plenary]["group"] is None
    assert [(t["id"], t["decision_id"], t["board_id"]) for t in overview["tracks"]] == [
        ("t1", "d1", group_board)
    ]
    assert fac.read(fac.path)["agenda"] == agenda


@pytest.mark.parametrize("date", ["2026-13-01", "20261127", "27/11/2026", ""])
def test_a_workshop_with_a_bad_date_is_refused(client: TestClient, date: str) -> None:
    answer = client.post(
        "/api/workshops", json={"title": "T", "date": date}, headers=organiser_headers(client)
    )
    assert refusal(answer) == (422, "invalid_date")


def test_a_week_date_is_not_a_workshop_date(client: TestClient) -> None:
    answer = client.post(
        "/api/workshops",
        json={"title": "T", "date": "2026-W48-5"},
        headers=organiser_headers(client),
    )
    assert answer.status_code == 422, answer.text  # today: 201 with date "2026-W48-5"
    assert refusal(answer) == (422, "invalid_date")


# --------------------------------------------------------------------------- live frames


class LiveWorkshop:
    """A facilitator's workshop and board on a running server, reached over HTTP."""

    def __init__(
        self, url: str, http: httpx2.AsyncClient, token: str, workshop_id: str, organiser: str
    ) -> None:
        self.url, self.http, self.token, self.id = url, http, token, workshop_id
        self.organiser = organiser
        self.board_id = ""

    @classmethod
    async def create(cls, url: str, http: httpx2.AsyncClient, organiser: str) -> Self:
        created = await http.post(
            "/api/workshops",
            json={"title": "Live"},
            headers={"Authorization": f"Bearer {organiser}"},
        )
        assert created.status_code == 201, created.text
        live = cls(url, http, created.json()["facilitator_token"], created.json()["id"], organiser)
        board = await live.post(f"/api/workshops/{live.id}/boards", {"title": "Group A"})
        live.board_id = board["id"]
        return live

    async def post(self, path: str, body: object, token: str | None = None) -> JSON:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        answer = await self.http.post(path, json=body, headers=headers)
        assert answer.is_success, answer.text
        result: JSON = answer.json()
        return result

    async def join(self, name: str) -> Person:
        invite = await self.post(f"/api/workshops/{self.id}/invites", {"role": "participant"})
        joined = await self.post(f"/api/workshops/{self.id}/join", {"name": name}, invite["token"])
        return Person(joined["actor_id"], name, joined["token"])

    async def do(self, command: JSON, token: str | None = None) -> JSON:
        body = {"command_id": new_id(), "command": command}
        return await self.post(f"/api/boards/{self.board_id}/commands", body, token)

    async def client(self, token: str | None = None, **options: Any) -> BoardClient:
        async with asyncio.timeout(WAIT):
            return await BoardClient.connect(
                self.url, self.board_id, token or self.token, **options
            )

    async def raw(self, token: str) -> RawSocket:
        async with asyncio.timeout(WAIT):
            return await RawSocket.connect(self.url, self.board_id, token)


class RawSocket:
    """A board socket that keeps every frame exactly as it arrived, and the events in them."""

    def __init__(self, ws: ClientConnection, welcome: str) -> None:
        self.ws = ws
        self.frames = [welcome]
        self.welcome: JSON = msgspec.json.decode(welcome)
        self.version: int = self.welcome["version"]
        self.events: list[JSON] = []
        self.gaps = 0
        self._arrived = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, board_id: str, token: str) -> RawSocket:
        ws = await connect(await socket_url(url, board_id, token), compression=None)
        await ws.send('{"type": "hello"}')
        welcome = await ws.recv()
        assert isinstance(welcome, str)
        return cls(ws, welcome)

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.ws:
                text = raw if isinstance(raw, str) else raw.decode()
                self.frames.append(text)
                frame = msgspec.json.decode(text)
                for event in frame["events"] if frame["type"] == "events" else []:
                    self.gaps += event["version"] != self.version + 1
                    self.version = event["version"]
                    self.events.append(event)
                self._arrived.set()

    async def wait_until(self, done: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT):
            while not done():
                self._arrived.clear()  # no await between the check and here: nothing is missed
                await self._arrived.wait()

    async def close(self) -> None:
        await self.ws.close()
        await self._reader


@contextlib.asynccontextmanager
async def live_workshop(settings: Settings) -> AsyncIterator[LiveWorkshop]:
    async with started(settings) as server:
        url = base_url(server)
        async with httpx2.AsyncClient(base_url=url, timeout=WAIT) as http:
            organiser = await organiser_token(plenary_of(server))
            yield await LiveWorkshop.create(url, http, organiser)


async def test_live_frames_redact_a_private_note_for_others_until_it_is_revealed(
    app_settings: Settings,
) -> None:
    async with live_workshop(app_settings) as live:
        anna, ben = await live.join("Anna"), await live.join("Ben")
        await live.do({"type": "private.start"})
        writer, watcher = await live.client(anna.token), await live.client()
        reader = await live.raw(ben.token)
        start = reader.version
        try:
            async with asyncio.timeout(WAIT):
                version = (await writer.command(note("n1", SECRET)))["version"]
                await reader.wait_until(lambda: reader.version >= version)
                await writer.wait_for_version(version)
                await watcher.wait_for_version(version)
            for placeholder in (reader.events[-1], watcher.received[-1]):
                assert (placeholder["type"], placeholder["version"]) == ("redacted", version)
                assert (placeholder["data"], placeholder["actor"], placeholder["hash"]) == (
                    {},
                    "",
                    "",
                )
            own = writer.received[-1]
            assert (own["type"], own["data"]["text"], own["actor"]) == (
                "note.added",
                SECRET,
                anna.id,
            )
            assert not [f for f in reader.frames if SECRET in f]
            async with await live.client(ben.token, since=start, epoch=writer.epoch) as resumed:
                assert at_version(resumed.welcome["events"], version)["type"] == "redacted"

            revealed = await live.do({"type": "notes.reveal"})
            await reader.wait_until(lambda: reader.version >= revealed["version"])
            shown = reader.events[-1]
            assert shown["type"] == "notes.revealed"
            assert [(n["note_id"], n["text"]) for n in shown["data"]["notes"]] == [("n1", SECRET)]
            assert [e["version"] for e in reader.events] == list(
                range(start + 1, revealed["version"] + 1)
            )
            assert reader.gaps == 0
            assert (writer.gaps, writer.duplicates, watcher.gaps) == (0, 0, 0)
            async with await live.client(ben.token, since=start, epoch=writer.epoch) as later:
                lifted = at_version(later.welcome["events"], version)
                assert (lifted["type"], lifted["data"]["text"]) == ("note.added", SECRET)
        finally:
            await reader.close()
            await writer.close()
            await watcher.close()


async def test_live_frames_on_a_pseudonymous_board_never_carry_real_ids(
    app_settings: Settings,
) -> None:
    async with live_workshop(app_settings) as live:
        anna, ben = await live.join("Annabelle Quistorp"), await live.join("Ben")
        await live.do({"type": "anonymity.set", "policy": "pseudonymous"})
        await live.do(note("n1", "Cycle lanes"), anna.token)
        await live.do(note("n2", "Bike parking"), ben.token)
        writer = await live.client(anna.token)
        reader = await live.raw(ben.token)
        try:
            welcome = reader.welcome
            you, notes = welcome["you"], welcome["view"]["notes"]
            assert you["id"] == ben.id  # one's own real id, to oneself
            assert you["pseudonym"].startswith("anon-")
            assert you["pseudonym"] == notes["n2"]["author"]
            alias = notes["n1"]["author"]
            assert alias.startswith("anon-")
            assert alias != you["pseudonym"]
            assert writer.you["pseudonym"] == alias
            assert [m["id"] for m in welcome["members"]] == [alias]  # Anna, already here

            async with asyncio.timeout(WAIT):
                version = (await writer.command(note("n3", "Bus lanes")))["version"]
                await writer.presence_update(cursor=(12.0, 34.0))
                await reader.wait_until(lambda: reader.version >= version)
                await reader.wait_until(lambda: any('"x":12.0' in f for f in reader.frames))
            live_note = reader.events[-1]
            assert (live_note["type"], live_note["actor"]) == ("note.added", alias)
            assert live_note["data"]["author"] == alias
            assert live_note["hash"] == live_note["prev_hash"] == ""
            leaked = [f for f in reader.frames if anna.id in f or anna.name in f]
            assert leaked == []
            assert reader.gaps == 0
            async with await live.client(ben.token, since=0, epoch=writer.epoch) as resumed:
                replayed = msgspec.json.encode(resumed.welcome).decode()
            assert [e["version"] for e in resumed.welcome["events"]] == list(range(1, version + 1))
            assert anna.id not in replayed
            assert alias in replayed
        finally:
            await reader.close()
            await writer.close()


async def test_workshop_and_track_commands_go_over_the_board_socket(
    app_settings: Settings,
) -> None:
    async with live_workshop(app_settings) as live:
        anna = await live.join("Anna")
        other = await LiveWorkshop.create(live.url, live.http, live.organiser)
        async with await live.client() as host, await live.client(anna.token) as member:
            async with asyncio.timeout(WAIT):
                group = {
                    "type": "group.create",
                    "group_id": "g1",
                    "name": "A",
                    "board_id": live.board_id,
                }
                made = await host.command(group)
                assert made["stream_id"] == f"workshop-{live.id}"
                moved = await host.command(
                    {"type": "participant.assign", "actor_id": anna.id, "group_id": "g1"}
                )
                assert moved["version"] == made["version"] + 1
                with pytest.raises(Rejected) as refused:
                    await member.command({**group, "group_id": "g2"})
                assert refused.value.code == "forbidden"
                for over_http in (
                    {"type": "workshop.create", "workshop_id": "w9", "title": "T"},
                    {"type": "board.add", "board_id": "b9", "title": "T"},
                ):
                    with pytest.raises(Rejected) as refused:
                        await host.command(over_http)
                    assert refused.value.code == "invalid_command"

                await host.command(cluster("c1", "Safe cycling"))
                await host.command(phase("decide"))
                await host.command(decision("d1", "c1"))
                start = {
                    "type": "track.start",
                    "track_id": "t1",
                    "workshop_id": "ignored",
                    "board_id": live.board_id,
                    "decision_id": "d1",
                    "title": "",
                }
                with pytest.raises(Rejected) as refused:
                    await member.command(start)
                assert refused.value.code == "forbidden"
                started = await host.command(start)
                assert (started["stream_id"], started["version"]) == ("solution-t1", 1)
                planned = await member.command(
                    sprint("s1", "2026-03-02", "2026-03-13"), track_id="t1"
                )
                assert (planned["stream_id"], planned["version"]) == ("solution-t1", 2)
                with pytest.raises(Rejected) as refused:
                    await member.command(sprint("s2", "2026-04-01", "2026-04-09"))
                assert refused.value.code == "track_not_found"  # no track_id
        track = await live.http.get(
            "/api/tracks/t1", headers={"Authorization": f"Bearer {live.token}"}
        )
        assert track.json()["title"] == "Safe cycling"
        async with await other.client() as stranger, asyncio.timeout(WAIT):
            with pytest.raises(Rejected) as refused:
                await stranger.command(sprint("s3", "2026-05-01", "2026-05-09"), track_id="t1")
            assert refused.value.code == "track_not_found"  # another workshop's track
