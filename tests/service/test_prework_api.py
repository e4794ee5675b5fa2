"""Prework over HTTP on both backends: who sees whose answers, the due date, the CSV preview's
error per row, an import that is all or nothing, placing answers as their authors' private
notes until the reveal, cards with their fields, and erasure of answers."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.streams import board_stream, prework_stream
from service.app import create_app
from service.context import Plenary
from service.settings import Settings
from tests.service.people import organiser_headers

JSON = dict[str, Any]
SURVEY = {
    "questions": [
        {"id": "city", "label": "Your city"},
        {"id": "challenge", "label": "Biggest challenge", "hint": "One sentence"},
    ],
    "due": "2999-12-31",
}
CARD = {
    "kind": "card",
    "due": "2999-12-31",
    "questions": [
        {"id": q, "label": label}
        for q, label in [
            ("city", "City"),
            ("title", "Title"),
            ("problem", "Problem"),
            ("done", "What was done"),
            ("results", "Results"),
            ("contact", "Contact"),
        ]
    ],
}


class Prework:
    """A facilitator's workshop with a breakout group, and the calls of its prework."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        created = client.post(
            "/api/workshops", json={"title": "Cities"}, headers=organiser_headers(client)
        )
        assert created.status_code == 201, created.text
        self.id: str = created.json()["id"]
        self.token: str = created.json()["facilitator_token"]
        self.base = f"/api/workshops/{self.id}"

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.post(self.base + path, json=body, headers=headers)

    def get(self, path: str, token: str | None = None) -> JSON:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        answer = self.client.get(
            path if path.startswith("/api/") else self.base + path, headers=headers
        )
        assert answer.status_code == 200, answer.text
        result: JSON = answer.json()
        return result

    def join(self, name: str, role: str = "participant") -> JSON:
        invite = self.post("/invites", {"role": role}).json()["token"]
        joined = self.post("/join", {"name": name}, token=invite)
        assert joined.status_code == 201, joined.text
        result: JSON = joined.json()
        return result

    def ok(self, path: str, body: object, token: str | None = None) -> JSON:
        answer = self.post(path, body, token)
        assert answer.status_code in (200, 201), answer.text
        result: JSON = answer.json()
        return result

    def refused(self, path: str, body: object, token: str | None = None) -> str:
        answer = self.post(path, body, token)
        assert answer.status_code >= 400, answer.text
        code: str = answer.json()["error"]["code"]
        return code

    def events(self, stream_id: str) -> list[Any]:
        ctx: Plenary = self.client.app.state.plenary  # type: ignore[attr-defined]
        assert self.client.portal is not None
        return self.client.portal.call(ctx.store.read_stream, stream_id)


def csv64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


def answers(**given: str) -> JSON:
    return {"answers": [{"question_id": q, "text": t} for q, t in given.items()]}


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


@pytest.fixture
def w(client: TestClient) -> Prework:
    return Prework(client)


def test_answers_are_seen_by_their_author_and_facilitators_only(w: Prework) -> None:
    w.ok("/prework", SURVEY)
    ana, ben = w.join("Ana"), w.join("Ben")
    observer = w.join("Olga", "observer")
    w.ok("/prework/answers", answers(city="Lyon", challenge="Heat"), ana["token"])

    mine = w.get("/prework", ana["token"])
    assert mine["open"]
    assert mine["mine"]["answers"][1] == {
        "question_id": "challenge",
        "text": "Heat",
    }
    assert mine["answers"] == []
    assert w.get("/prework", ben["token"])["mine"] is None
    assert w.get("/prework", ben["token"])["answers"] == []
    seen = w.get("/prework", observer["token"])
    assert (seen["form"]["questions"][1]["hint"], seen["answers"]) == ("One sentence", [])
    everyone = w.get("/prework")["answers"]
    assert [(p["name"], p["answers"][0]["text"]) for p in everyone] == [("Ana", "Lyon")]
    assert w.refused("/prework/answers", answers(city="x"), observer["token"]) == "forbidden"


def test_answering_again_replaces_and_a_past_due_date_refuses(w: Prework) -> None:
    ana = w.join("Ana")
    assert w.refused("/prework/answers", answers(city="Lyon"), ana["token"]) == "no_prework"
    w.ok("/prework", SURVEY)
    w.ok("/prework/answers", answers(city="Lyon"), ana["token"])
    w.ok("/prework/answers", answers(city="Lille"), ana["token"])
    assert w.get("/prework", ana["token"])["mine"]["answers"] == [
        {"question_id": "city", "text": "Lille"}
    ]
    assert w.refused("/prework/answers", answers(town="x"), ana["token"]) == "unknown_question"
    assert w.refused("/prework/answers", answers(city="x" * 501), ana["token"]) == "invalid_answer"
    w.ok("/prework", {**SURVEY, "due": "2020-01-31"})
    before = len(w.events(prework_stream(w.id)))
    assert w.refused("/prework/answers", answers(city="Late"), ana["token"]) == "prework_closed"
    assert len(w.events(prework_stream(w.id))) == before
    shown = w.get("/prework", ana["token"])
    assert (shown["open"], shown["mine"]["answers"][0]["text"]) == (False, "Lille")


BAD_ROWS = (
    b"name,Your city,challenge,notes\n"
    b"Ana,Lyon,Heat waves,ignored\n"
    b"Zed,Nowhere,Floods,\n"
    b",Lille,Traffic,\n"
    b"Ben,Bordeaux," + b"x" * 501 + b",\n"
    b"Ben,Caf\xe9,Noise,\n"
    b"ana,Lyon,Again,\n"
)


def test_the_preview_gives_each_bad_row_its_error_and_records_nothing(w: Prework) -> None:
    w.ok("/prework", SURVEY)
    w.join("Ana"), w.join("Ben")
    before = len(w.events(prework_stream(w.id)))
    shown = w.ok("/prework/import/preview", {"csv": csv64(BAD_ROWS)})
    assert [c["use"] for c in shown["columns"]] == ["person", "question", "question", "ignored"]
    errors = {r["line"]: (r["error"] or {}).get("code") for r in shown["rows"]}
    assert errors == {
        2: None,
        3: "unknown_person",
        4: "missing_column",
        5: "text_too_long",
        6: "bad_encoding",
        7: "duplicate_person",
    }
    assert all(r["error"]["message"] for r in shown["rows"] if r["error"])
    assert len(w.events(prework_stream(w.id))) == before
    no_person = {"csv": csv64("city,challenge\nLyon,Heat\n")}
    assert w.refused("/prework/import/preview", no_person) == "csv_invalid"
    assert w.refused("/prework/import/preview", {"csv": "not base64!"}) == "csv_invalid"


def test_an_import_is_all_or_nothing(w: Prework) -> None:
    w.ok("/prework", SURVEY)
    ana, _ = w.join("Ana"), w.join("Ben")
    before = len(w.events(prework_stream(w.id)))
    body = {"csv": csv64(BAD_ROWS)}
    assert w.refused("/prework/import", {**body, "lines": [2, 3]}) == "csv_rows_invalid"
    assert w.refused("/prework/import", body) == "csv_rows_invalid"
    assert len(w.events(prework_stream(w.id))) == before
    done = w.ok("/prework/import", {**body, "lines": [2]})
    assert done["imported"] == 1
    recorded = w.events(prework_stream(w.id))[before:]
    assert [e.type for e in recorded] == ["prework.answered"]
    assert recorded[0].meta.role == "facilitator"
    mine = w.get("/prework", ana["token"])["mine"]
    assert [a["text"] for a in mine["answers"]] == ["Lyon", "Heat waves"]


def test_placing_puts_answers_as_their_authors_private_notes_until_the_reveal(
    w: Prework,
) -> None:
    w.ok("/prework", SURVEY)
    ana, ben, cleo = w.join("Ana"), w.join("Ben"), w.join("Cleo")
    group = w.ok("/groups", {"name": "Group A"})
    plenary = w.ok("/boards", {"title": "Plenary", "kind": "plenary"})["id"]
    for person in (ana, ben):
        w.ok("/assignments", {"actor_id": person["actor_id"], "group_id": group["group_id"]})
    w.ok("/prework/answers", answers(city="Lyon", challenge="Heat"), ana["token"])
    w.ok("/prework/answers", answers(city="Bonn", challenge=""), ben["token"])
    w.ok("/prework/answers", answers(challenge="Floods"), cleo["token"])

    placed = w.ok("/prework/place", {"placement_id": "place-1"})
    assert sorted((p["author"], p["board_id"]) for p in placed["placed"]) == sorted(
        [
            (ana["actor_id"], group["board_id"]),
            (ben["actor_id"], group["board_id"]),
            (cleo["actor_id"], plenary),
        ]
    )
    breakout = f"/api/boards/{group['board_id']}"
    for person, texts in ((ana, ["Heat", "Lyon"]), (ben, ["Bonn"])):
        notes = w.get(breakout, person["token"])["notes"].values()
        assert sorted(n["text"] for n in notes) == texts
        assert {(n["author"], n["hidden"]) for n in notes} == {(person["actor_id"], True)}
    assert w.get(breakout)["notes"] == {}
    added = [e for e in w.events(board_stream(group["board_id"])) if e.type == "note.added"]
    assert {e.meta.role for e in added} == {"facilitator"}

    assert w.ok("/prework/place", {})["placed"] == []
    assert w.refused("/prework/answers", answers(city="Paris"), ana["token"]) == "prework_placed"
    reveal = {"command_id": "reveal-1", "command": {"type": "notes.reveal"}}
    w.client.post(
        f"{breakout}/commands", json=reveal, headers={"Authorization": f"Bearer {w.token}"}
    )
    shown = w.get(breakout, cleo["token"])["notes"].values()
    assert sorted(n["text"] for n in shown) == ["Bonn", "Heat", "Lyon"]


def test_a_card_is_one_note_with_its_fields_and_erasure_erases_answers(w: Prework) -> None:
    w.ok("/prework", CARD)
    ana, ben = w.join("Ana"), w.join("Ben")
    plenary = w.ok("/boards", {"title": "Plenary", "kind": "plenary"})["id"]
    card = answers(city="Lyon", title="Cool roofs", problem="Heat", contact="ana@lyon.fr")
    w.ok("/prework/answers", card, ana["token"])
    w.ok("/prework/answers", answers(city="Bonn", title="Bike lanes"), ben["token"])
    w.ok(f"/people/{ben['actor_id']}/erase", {})
    everyone = {p["author"]: p for p in w.get("/prework")["answers"]}
    assert everyone[ben["actor_id"]]["answers"][0]["text"] == "(erased)"

    w.ok("/prework/place", {})
    notes = list(w.get(f"/api/boards/{plenary}", ana["token"])["notes"].values())
    assert len(notes) == 1
    assert notes[0]["text"] == "Cool roofs"
    assert [(f["label"], f["text"]) for f in notes[0]["fields"]] == [
        ("City", "Lyon"),
        ("Title", "Cool roofs"),
        ("Problem", "Heat"),
        ("Contact", "ana@lyon.fr"),
    ]
    assert w.get("/prework")["answers"][0]["board_id"] == plenary


def test_a_card_promoted_to_the_plenary_keeps_its_fields_and_erasure_reaches_them(
    w: Prework,
) -> None:
    w.ok("/prework", CARD)
    ana = w.join("Ana")
    group = w.ok("/groups", {"name": "Group A"})
    plenary = w.ok("/boards", {"title": "Plenary", "kind": "plenary"})["id"]
    w.ok("/assignments", {"actor_id": ana["actor_id"], "group_id": group["group_id"]})
    card = answers(city="Lyon", title="Cool roofs", problem="Heat", contact="ana@lyon.fr")
    w.ok("/prework/answers", card, ana["token"])
    w.ok("/prework/place", {})
    breakout = group["board_id"]

    def command(board_id: str, body: JSON, command_id: str) -> None:
        sent = {"command_id": command_id, "command": body}
        answer = w.client.post(
            f"/api/boards/{board_id}/commands", json=sent,
            headers={"Authorization": f"Bearer {w.token}"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text

    command(breakout, {"type": "notes.reveal"}, "reveal-card")
    (note_id,) = w.get(f"/api/boards/{breakout}")["notes"]
    promote = {"type": "items.promote", "promotion_id": "p-card", "source_board_id": breakout,
               "note_ids": [note_id]}  # fmt: skip
    command(plenary, promote, "promote-card")
    (copy,) = w.get(f"/api/boards/{plenary}")["notes"].values()
    assert copy["text"] == "Cool roofs"
    assert [(f["label"], f["text"]) for f in copy["fields"]] == [
        ("City", "Lyon"),
        ("Title", "Cool roofs"),
        ("Problem", "Heat"),
        ("Contact", "ana@lyon.fr"),
    ]
    w.ok(f"/people/{ana['actor_id']}/erase", {})
    (erased,) = w.get(f"/api/boards/{plenary}")["notes"].values()
    assert {f["text"] for f in erased["fields"]} == {"(erased)"}
