"""Joining with an invite, breakout groups and assignments over HTTP, through the real app on
a real database (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.service.people import organiser_headers

JSON = dict[str, Any]


class Workshop:
    """A facilitator's workshop (no boards yet) and helpers to invite, join, group and assign."""

    def __init__(self, client: TestClient, **options: object) -> None:
        self.client = client
        created = client.post(
            "/api/workshops",
            json={"title": "Mobility", **options},
            headers=organiser_headers(client),
        )
        assert created.status_code == 201, created.text
        self.id: str = created.json()["id"]
        self.token: str = created.json()["facilitator_token"]
        self.path = f"/api/workshops/{self.id}"

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.post(self.path + path, json=body, headers=headers)

    def view(self, token: str | None = None) -> JSON:
        answer = self.client.get(
            self.path, headers={"Authorization": f"Bearer {token or self.token}"}
        )
        assert answer.status_code == 200, answer.text
        result: JSON = answer.json()
        return result

    @property
    def host_id(self) -> str:
        """The facilitator who created the workshop (listed among its people)."""
        host: str = self.view()["you"]["id"]
        return host

    def guests(self, token: str | None = None) -> list[JSON]:
        """The people in the workshop other than the facilitator who created it."""
        return [p for p in self.view(token)["participants"] if p["id"] != self.host_id]

    def invite(self, role: str = "participant", **extra: object) -> str:
        answer = self.post("/invites", {"role": role, **extra})
        assert answer.status_code == 201, answer.text
        token: str = answer.json()["token"]
        return token

    def join(self, name: str, role: str = "participant", **extra: object) -> JSON:
        answer = self.post("/join", {"name": name, **extra}, token=self.invite(role))
        assert answer.status_code == 201, answer.text
        result: JSON = answer.json()
        return result

    def group(self, name: str, **extra: object) -> JSON:
        answer = self.post("/groups", {"name": name, **extra})
        assert answer.status_code == 201, answer.text
        result: JSON = answer.json()
        return result

    def assign(self, actor_id: str, group_id: str | None) -> Any:
        return self.post("/assignments", {"actor_id": actor_id, "group_id": group_id})


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


@pytest.fixture
def ws(client: TestClient) -> Workshop:
    return Workshop(client)


def refusal(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def note(note_id: str) -> JSON:
    return {"type": "note.add", "note_id": note_id, "text": "School streets", "x": 0, "y": 0}


# --------------------------------------------------------------------------- joining


def test_a_person_joins_with_an_invite_and_gets_a_personal_token(ws: Workshop) -> None:
    invite = ws.invite("participant")
    joined = ws.post("/join", {"name": "Anna", "organisation": "Ghent"}, token=invite)
    assert joined.status_code == 201, joined.text
    anna = joined.json()
    assert (anna["role"], anna["workshop_id"]) == ("participant", ws.id)
    assert "board_id" not in anna

    me = ws.view(anna["token"])["you"]
    assert me == {
        "id": anna["actor_id"],
        "role": "participant",
        "name": "Anna",
        "group": None,
        "board": None,
    }
    assert me["id"] != ws.view(invite)["you"]["id"]  # a new person, not the invite's sub

    board = ws.post("/boards", {"title": "Plenary", "kind": "plenary"}).json()
    added = ws.client.post(
        f"/api/boards/{board['id']}/commands",
        json={"command_id": "c1", "command": note("n1")},
        headers={"Authorization": f"Bearer {anna['token']}"},
    )
    assert added.status_code == 200, added.text
    assert added.json()["events"][0]["data"]["author"] == anna["actor_id"]


def test_every_join_is_a_new_person_even_with_the_same_invite(ws: Workshop) -> None:
    invite = ws.invite("observer")
    first = ws.post("/join", {"name": "Oli"}, token=invite).json()
    second = ws.post("/join", {"name": "Oli"}, token=invite).json()
    assert first["actor_id"] != second["actor_id"]
    assert [p["role"] for p in ws.guests()] == ["observer", "observer"]


def test_a_board_invite_gives_a_token_for_that_board_only(ws: Workshop) -> None:
    one = ws.post("/boards", {"title": "A"}).json()
    other = ws.post("/boards", {"title": "B"}).json()
    invite = ws.invite("participant", board_id=one["id"])
    joined = ws.post("/join", {"name": "Ben"}, token=invite).json()
    assert joined["board_id"] == one["id"]
    headers = {"Authorization": f"Bearer {joined['token']}"}
    assert ws.client.get(f"/api/boards/{one['id']}", headers=headers).status_code == 200
    assert ws.client.get(f"/api/boards/{other['id']}", headers=headers).status_code == 404


def test_a_personal_token_is_not_an_invite(ws: Workshop) -> None:
    assert refusal(ws.post("/join", {"name": "Fay"})) == (400, "not_an_invite")
    anna = ws.join("Anna")
    again = ws.post("/join", {"name": "Anna 2"}, token=anna["token"])
    assert refusal(again) == (400, "not_an_invite")
    assert len(ws.guests()) == 1


def test_an_invite_of_another_workshop_joins_nothing_here(ws: Workshop, client: TestClient) -> None:
    other = Workshop(client)
    answer = ws.post("/join", {"name": "Eve"}, token=other.invite())
    assert refusal(answer) == (404, "workshop_not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": ""}, "invalid_name"),
        ({"name": "n" * 81}, "invalid_name"),
        ({"name": "Anna", "organisation": "o" * 121}, "invalid_organisation"),
    ],
)
def test_a_join_with_a_bad_name_records_nothing(ws: Workshop, body: JSON, code: str) -> None:
    assert refusal(ws.post("/join", body, token=ws.invite())) == (422, code)
    assert ws.guests() == []


# --------------------------------------------------------------------------- groups


def test_a_group_comes_with_its_own_breakout_board(ws: Workshop) -> None:
    group = ws.group("Group A", group_id="ga")
    assert (group["group_id"], group["name"]) == ("ga", "Group A")
    view = ws.view()
    assert view["boards"] == [{"id": group["board_id"], "title": "Group A", "kind": "breakout"}]
    assert view["groups"] == [
        {"id": "ga", "name": "Group A", "board_id": group["board_id"], "members": [], "size": 0}
    ]
    board = ws.client.get(
        f"/api/boards/{group['board_id']}", headers={"Authorization": f"Bearer {ws.token}"}
    )
    assert board.json()["kind"] == "breakout"


def test_a_workshop_has_at_most_four_groups_and_a_fifth_leaves_no_board(ws: Workshop) -> None:
    for name in "ABCD":
        ws.group(f"Group {name}")
    assert refusal(ws.post("/groups", {"name": "Group E"})) == (422, "group_limit_reached")
    view = ws.view()
    assert (len(view["groups"]), len(view["boards"])) == (4, 4)


def test_only_a_facilitator_creates_groups_and_assigns(ws: Workshop) -> None:
    anna = ws.join("Anna")
    group = ws.group("Group A")
    assert refusal(ws.post("/groups", {"name": "Mine"}, token=anna["token"])) == (403, "forbidden")
    mine = {"actor_id": anna["actor_id"], "group_id": group["group_id"]}
    assert refusal(ws.post("/assignments", mine, token=anna["token"])) == (403, "forbidden")
    assert len(ws.view()["boards"]) == 1


# --------------------------------------------------------------------------- assignments


def test_a_full_group_takes_nobody_else(client: TestClient) -> None:
    ws = Workshop(client, group_size_limit=2)
    group = ws.group("Group A")["group_id"]
    people = [ws.join(name)["actor_id"] for name in ("Anna", "Ben", "Cem")]
    assert ws.assign(people[0], group).status_code == 200
    assert ws.assign(people[1], group).status_code == 200
    assert refusal(ws.assign(people[2], group)) == (422, "group_full")
    assert ws.view()["groups"][0]["members"] == people[:2]


def test_the_group_size_limit_is_2_to_12(client: TestClient) -> None:
    answer = client.post(
        "/api/workshops",
        json={"title": "T", "group_size_limit": 13},
        headers=organiser_headers(client),
    )
    assert refusal(answer) == (422, "invalid_group_size_limit")


def test_a_move_between_groups_is_one_event_and_a_repeat_is_none(ws: Workshop) -> None:
    a, b = ws.group("Group A")["group_id"], ws.group("Group B")["group_id"]
    anna = ws.join("Anna")["actor_id"]
    assert ws.assign(anna, a).status_code == 200
    moved = ws.assign(anna, b)
    assert moved.status_code == 200, moved.text
    assert [(e["type"], e["data"]["group_id"]) for e in moved.json()["events"]] == [
        ("participant.assigned", b)
    ]
    assert ws.assign(anna, b).json()["events"] == []
    members = {g["id"]: g["members"] for g in ws.view()["groups"]}
    assert members == {a: [], b: [anna]}
    taken_out = ws.assign(anna, None)
    assert [e["data"]["group_id"] for e in taken_out.json()["events"]] == [None]


def test_assignments_name_people_and_groups_that_exist(ws: Workshop) -> None:
    group = ws.group("Group A")["group_id"]
    anna = ws.join("Anna")["actor_id"]
    assert refusal(ws.assign("stranger", group)) == (422, "unknown_participant")
    assert refusal(ws.assign(anna, "no-such-group")) == (422, "unknown_group")


# --------------------------------------------------------------------------- the workshop view


def test_the_workshop_view_lists_people_and_groups(ws: Workshop) -> None:
    group = ws.group("Group A", group_id="ga")
    anna = ws.join("Anna", organisation="Ghent")
    olga = ws.join("Olga", role="observer")
    ws.assign(anna["actor_id"], "ga")
    view = ws.view(anna["token"])
    assert view["group_size_limit"] == 6
    assert view["participants"] == [
        {
            "id": ws.host_id,
            "name": "Oda",
            "organisation": "",
            "role": "facilitator",
            "group": None,
            "erased": False,
        },
        {
            "id": anna["actor_id"],
            "name": "Anna",
            "organisation": "Ghent",
            "role": "participant",
            "group": "ga",
            "erased": False,
        },
        {
            "id": olga["actor_id"],
            "name": "Olga",
            "organisation": "",
            "role": "observer",
            "group": None,
            "erased": False,
        },
    ]
    assert view["groups"] == [
        {
            "id": "ga",
            "name": "Group A",
            "board_id": group["board_id"],
            "members": [anna["actor_id"]],
            "size": 1,
        }
    ]
    assert view["you"]["group"] == "ga"
