"""Workshops from templates over HTTP, through the real app on a real database (both
backends): a challenges workshop with its plenary and breakouts configured in one step, a
refusal that leaves no event anywhere, a workshop saved as a template and offered after, and
the agenda changed during the workshop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.types import WORKSHOP_KINDS
from service.app import create_app
from service.context import Plenary
from service.settings import Settings
from service.templates import builtin
from tests.service.people import organiser_headers

JSON = dict[str, Any]
KINDS = WORKSHOP_KINDS


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


def ctx_of(client: TestClient) -> Plenary:
    ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
    return ctx


def log_size(client: TestClient) -> int:
    async def read() -> int:
        return len(await ctx_of(client).store.read_all(0, 100_000))

    return client.portal.call(read)  # type: ignore[union-attr]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(client: TestClient, path: str, token: str) -> JSON:
    answer = client.get(path, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    result: JSON = answer.json()
    return result


def test_there_is_one_builtin_template_per_workshop_kind() -> None:
    assert tuple(t.id for t in builtin()) == KINDS
    assert tuple(t.kind for t in builtin()) == KINDS
    by_kind = {t.kind: t for t in builtin()}
    assert by_kind["challenges"].prework is not None
    initiative = by_kind["initiatives"].prework
    assert initiative is not None
    assert [q.id for q in initiative.questions] == [
        "city",
        "title",
        "problem",
        "what_was_done",
        "results",
        "contact",
    ]


def test_an_organiser_creates_a_challenges_workshop_from_its_template(client: TestClient) -> None:
    organiser = organiser_headers(client)
    listed = client.get("/api/templates", headers=organiser).json()["templates"]
    assert [e["template"]["id"] for e in listed] == list(KINDS)
    assert {e["source"] for e in listed} == {"builtin"}
    body = {"title": "Mobility challenges", "template": "challenges", "breakouts": 4}
    made = client.post("/api/workshops", json=body, headers=organiser)
    assert made.status_code == 201, made.text
    token = made.json()["facilitator_token"]
    workshop = get(client, f"/api/workshops/{made.json()['id']}", token)
    challenges = builtin()[0]
    assert workshop["kind"] == "challenges"
    assert [a["title"] for a in workshop["agenda"]] == [a.title for a in challenges.agenda]
    assert workshop["prework"]["questions"][0]["id"] == "city"
    titles = sorted((b["kind"], b["title"]) for b in workshop["boards"])
    assert titles == [("breakout", f"Group {n}") for n in range(1, 5)] + [("plenary", "Plenary")]
    assert sorted(g["name"] for g in workshop["groups"]) == [f"Group {n}" for n in range(1, 5)]
    for ref in workshop["boards"]:
        view = get(client, f"/api/boards/{ref['id']}", token)
        plan = challenges.plenary if ref["kind"] == "plenary" else challenges.breakout
        assert view["prompt"] == plan.prompt
        assert view["phases"] == list(challenges.phases)
        assert view["vote_defaults"] == {"budget": 5, "per_item_max": 3, "hide_tallies": True}


@pytest.mark.parametrize(("template", "kind"), [("challenges", "survey"), ("initiatives", "card")])
def test_a_dated_workshop_opens_its_template_s_prework_form(
    client: TestClient, template: str, kind: str
) -> None:
    body = {"title": "Before the day", "template": template, "date": "2031-03-20"}
    made = client.post("/api/workshops", json=body, headers=organiser_headers(client))
    assert made.status_code == 201, made.text
    token = made.json()["facilitator_token"]
    form = get(client, f"/api/workshops/{made.json()['id']}/prework", token)["form"]
    planned = next(t for t in builtin() if t.id == template).prework
    assert planned is not None
    due = date(2031, 3, 20) - timedelta(days=planned.due_days_before)
    assert form["due"] == due.isoformat()
    assert form["kind"] == kind
    assert [q["id"] for q in form["questions"]] == [q.id for q in planned.questions]
    # Without a date there is no due day to set: the facilitator sets the form later.
    undated = client.post(
        "/api/workshops",
        json={"title": "Undated", "template": template},
        headers=organiser_headers(client),
    )
    later = get(
        client,
        f"/api/workshops/{undated.json()['id']}/prework",
        undated.json()["facilitator_token"],
    )
    assert later["form"] is None


def test_the_template_s_breakout_count_is_the_default(client: TestClient) -> None:
    body = {"title": "Final", "template": "final_presentation"}
    made = client.post("/api/workshops", json=body, headers=organiser_headers(client))
    assert made.status_code == 201, made.text
    workshop = get(client, f"/api/workshops/{made.json()['id']}", made.json()["facilitator_token"])
    assert [b["kind"] for b in workshop["boards"]] == ["plenary"]
    assert workshop["groups"] == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"template": "challenges", "breakouts": 5}, "invalid_breakouts"),
        ({"template": "no-such-template"}, "unknown_template"),
        ({"breakouts": 2}, "invalid_breakouts"),
        ({"template": "challenges", "agenda": [{"title": "", "minutes": 5}]}, "invalid_agenda"),
        ({"template": "challenges", "programme": "not-mine"}, "programme_not_found"),
    ],
)
def test_a_refused_creation_from_a_template_leaves_no_event(
    client: TestClient, body: JSON, code: str
) -> None:
    organiser = organiser_headers(client)
    before = log_size(client)
    refused = client.post("/api/workshops", json={"title": "W", **body}, headers=organiser)
    assert refused.status_code == (404 if code == "programme_not_found" else 422), refused.text
    assert refused.json()["error"]["code"] == code
    assert log_size(client) == before


def test_a_facilitator_saves_the_workshop_as_a_template_and_it_is_offered(
    client: TestClient,
) -> None:
    organiser = organiser_headers(client)
    body = {"title": "Ideas day", "template": "ideation", "breakouts": 3}
    made = client.post("/api/workshops", json=body, headers=organiser).json()
    token, path = made["facilitator_token"], f"/api/workshops/{made['id']}"
    workshop = get(client, path, token)
    plenary = next(b for b in workshop["boards"] if b["kind"] == "plenary")
    setup = {
        "type": "board.configure",
        "prompt": "Which idea do we develop first?",
        "phases": ["collect", "vote", "decide"],
        "vote_defaults": {"budget": 3, "per_item_max": 1, "hide_tallies": False},
    }
    sent = client.post(
        f"/api/boards/{plenary['id']}/commands",
        json={"command_id": "cfg-1", "command": setup},
        headers=bearer(token),
    )
    assert sent.status_code == 200, sent.text
    agenda = [{"title": "Welcome", "minutes": 5}, {"title": "Ideas", "minutes": 40}]
    changed = client.post(f"{path}/agenda", json={"agenda": agenda}, headers=bearer(token))
    assert changed.status_code == 200, changed.text
    assert get(client, f"{path}/overview", token)["agenda"] == agenda

    saved = client.post(f"{path}/templates", json={"name": "Our ideas day"}, headers=bearer(token))
    assert saved.status_code == 201, saved.text
    assert saved.json()["programme_id"] == made["id"]
    listed = client.get("/api/templates", headers=organiser).json()["templates"]
    ours = [e for e in listed if e["source"] == "saved"]
    assert len(ours) == 1
    template = ours[0]["template"]
    assert (template["name"], template["kind"], template["breakouts"]) == (
        "Our ideas day",
        "ideation",
        3,
    )
    assert template["agenda"] == agenda
    assert template["plenary"]["prompt"] == "Which idea do we develop first?"
    assert template["breakout"]["title"] == "Group"
    assert template["phases"] == ["collect", "vote", "decide"]
    assert template["vote_defaults"] == setup["vote_defaults"]

    again = {"title": "Ideas day 2", "template": template["id"], "breakouts": 1}
    second = client.post("/api/workshops", json=again, headers=organiser)
    assert second.status_code == 201, second.text
    other = get(client, f"/api/workshops/{second.json()['id']}", second.json()["facilitator_token"])
    assert other["agenda"] == agenda
    assert sorted(b["title"] for b in other["boards"]) == ["Group 1", "Plenary"]
    # Another organiser is not offered it and cannot use it.
    stranger = organiser_headers(client, "Ole")
    theirs = client.get("/api/templates", headers=stranger).json()["templates"]
    assert all(e["source"] == "builtin" for e in theirs)
    refused = client.post("/api/workshops", json=again, headers=stranger)
    assert refused.json()["error"]["code"] == "unknown_template"


def test_a_participant_neither_sets_the_agenda_nor_saves_a_template(client: TestClient) -> None:
    made = client.post(
        "/api/workshops",
        json={"title": "W", "template": "kickoff"},
        headers=organiser_headers(client),
    ).json()
    path, host = f"/api/workshops/{made['id']}", bearer(made["facilitator_token"])
    invite = client.post(f"{path}/invites", json={"role": "participant"}, headers=host).json()
    joined = client.post(f"{path}/join", json={"name": "Pia"}, headers=bearer(invite["token"]))
    pia = bearer(joined.json()["token"])
    agenda = {"agenda": [{"title": "Mine now", "minutes": 5}]}
    assert client.post(f"{path}/agenda", json=agenda, headers=pia).json()["error"]["code"] == (
        "forbidden"
    )
    saving = client.post(f"{path}/templates", json={"name": "Mine"}, headers=pia)
    assert saving.json()["error"]["code"] == "forbidden"
