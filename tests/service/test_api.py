"""The HTTP API end to end, through the real app on a real database (both backends)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.service.malformed import Target, documented_codes, malformed
from tests.service.people import organiser_headers

JSON = dict[str, Any]


class Api:
    """A tiny client: a facilitator's workshop and board, and helpers to send commands."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        created = client.post(
            "/api/workshops",
            json={"title": "Mobility challenges"},
            headers=organiser_headers(client),
        )
        assert created.status_code == 201, created.text
        self.workshop: JSON = created.json()
        self.token: str = self.workshop["facilitator_token"]
        board = self.post(f"/api/workshops/{self.workshop['id']}/boards", {"title": "Breakout A"})
        assert board.status_code == 201, board.text
        self.board_id: str = board.json()["id"]
        self._n = 0

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        return self.client.post(path, json=body, headers=self.headers(token))

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, headers=self.headers(token))

    def command(
        self, command: JSON, token: str | None = None, command_id: str | None = None
    ) -> Any:
        self._n += 1
        body = {"command_id": command_id or f"cmd-{self._n}", "command": command}
        return self.post(f"/api/boards/{self.board_id}/commands", body, token)

    def invite(self, role: str, **extra: object) -> str:
        answer = self.post(f"/api/workshops/{self.workshop['id']}/invites", {"role": role, **extra})
        assert answer.status_code == 201, answer.text
        token: str = answer.json()["token"]
        return token


@pytest.fixture
def api(app_settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(app_settings)) as client:
        yield Api(client)


def add(
    note_id: str,
    text: str = "Parents still drive into school streets",
    x: float = 10,
    y: float = 20,
) -> JSON:
    return {"type": "note.add", "note_id": note_id, "text": text, "x": x, "y": y}


def test_a_newcomer_creates_a_board_posts_commands_and_reads_the_view(api: Api) -> None:
    assert api.command(add("n1")).status_code == 200
    assert (
        api.command(
            {"type": "cluster.create", "cluster_id": "c1", "label": "Mobility", "x": 0, "y": 0}
        ).status_code
        == 200
    )
    answer = api.command({"type": "note.cluster", "note_id": "n1", "cluster_id": "c1"})
    assert answer.status_code == 200
    assert answer.json()["version"] == 4
    assert [e["type"] for e in answer.json()["events"]] == ["note.clustered"]

    view = api.get(f"/api/boards/{api.board_id}").json()
    assert view["version"] == 4
    assert view["notes"]["n1"]["cluster_id"] == "c1"
    assert view["notes"]["n1"]["text"] == "Parents still drive into school streets"
    assert view["clusters"]["c1"]["label"] == "Mobility"


def test_events_after_n_and_the_view_at_version_n(api: Api) -> None:
    for i in range(5):
        api.command(add(f"n{i}", x=i))
    events = api.get(f"/api/boards/{api.board_id}/events?after=3").json()["events"]
    assert [e["version"] for e in events] == [4, 5, 6]
    assert events[0]["data"]["note_id"] == "n2"
    assert all(len(e["hash"]) == 64 for e in events)
    assert events[1]["prev_hash"] != events[1]["hash"]

    past = api.get(f"/api/boards/{api.board_id}/at?version=3").json()
    assert past["version"] == 3
    assert sorted(past["notes"]) == ["n0", "n1"]


@pytest.mark.parametrize(("limit", "versions"), [("0", []), ("2", [2, 3]), ("5001", [2, 3, 4])])
def test_events_read_versions_after_n_up_to_n_plus_the_limit(
    api: Api, limit: str, versions: list[int]
) -> None:
    """``?after=N&limit=M`` is versions N+1 … N+M: none for M=0, and at most 5000."""
    for i in range(3):
        api.command(add(f"n{i}", x=i))
    answer = api.get(f"/api/boards/{api.board_id}/events?after=1&limit={limit}")
    assert [e["version"] for e in answer.json()["events"]] == versions


def test_a_repeated_command_id_appends_once_and_answers_the_same(api: Api) -> None:
    first = api.command(add("n1"), command_id="same")
    again = api.command(add("n1"), command_id="same")
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["events"] == first.json()["events"]
    assert api.get(f"/api/boards/{api.board_id}").json()["version"] == 2


@pytest.mark.parametrize(
    ("command", "status", "code"),
    [
        (add("n1", text=""), 422, "invalid_text"),
        (add("n1", text="x" * 501), 422, "invalid_text"),
        ({"type": "note.edit", "note_id": "nope", "text": "x"}, 422, "unknown_note"),
        ({"type": "note.add", "note_id": "n1", "text": "x", "x": 0}, 422, "invalid_coordinates"),
        ({"type": "note.teleport", "note_id": "n1"}, 422, "invalid_command"),
        (
            {"type": "note.add", "note_id": "has space", "text": "x", "x": 0, "y": 0},
            422,
            "invalid_command",
        ),
        ({"type": "cluster.delete", "cluster_id": "c9"}, 422, "unknown_cluster"),
    ],
)
def test_bad_commands_get_typed_errors_and_record_nothing(
    api: Api, command: JSON, status: int, code: str
) -> None:
    answer = api.command(command)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["message"]
    assert api.get(f"/api/boards/{api.board_id}").json()["version"] == 1


def test_malformed_and_oversized_bodies(api: Api) -> None:
    path = f"/api/boards/{api.board_id}/commands"
    broken = api.client.post(path, content=b"{not json", headers=api.headers())
    assert (broken.status_code, broken.json()["error"]["code"]) == (400, "malformed_json")
    huge = api.post(path, {"command_id": "c", "command": add("n", text="x" * 70_000)})
    assert (huge.status_code, huge.json()["error"]["code"]) == (413, "too_large")


@pytest.mark.parametrize(
    "body",
    [
        b'{"command_id": 5, "command": {"type": "board.lock"}} trailing',
        b'{"command_id": 5, "command": {',
        b'{"command_id": "a", "command_id": "b", "command": {}}',
        b'{"command_id": 5, "command": {"type": "board.lock", "type": "board.unlock"}}',
        b'{"command_id": 5, "command": {"type": "board.lock"}, "x": NaN}',
    ],
)
def test_a_body_that_is_not_plain_json_is_malformed_whatever_its_first_field(
    api: Api, body: bytes
) -> None:
    """Not one JSON value, or a key twice: ``malformed_json``, even when a field before the
    fault has the wrong type (msgspec stops there without reading on)."""
    path = f"/api/boards/{api.board_id}/commands"
    answer = api.client.post(path, content=body, headers=api.headers())
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "malformed_json")
    assert api.get(f"/api/boards/{api.board_id}").json()["version"] == 1


def start_a_track(api: Api) -> str:
    """A solution track from a decision that selected a cluster of the board; its id."""
    for command in (
        {"type": "cluster.create", "cluster_id": "c1", "label": "Streets", "x": 0, "y": 0},
        {"type": "phase.change", "phase": "decide"},
        {
            "type": "decision.record",
            "decision_id": "d1",
            "item_id": "c1",
            "outcome": "select",
            "rationale": "Most dots.",
        },
    ):
        assert api.command(command).status_code == 200
    track = api.post(
        f"/api/workshops/{api.workshop['id']}/tracks",
        {"board_id": api.board_id, "decision_id": "d1"},
    )
    assert track.status_code == 201, track.text
    track_id: str = track.json()["id"]
    return track_id


def test_two_hundred_malformed_bodies_get_typed_refusals_and_record_nothing(api: Api) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    workshop_id = api.workshop["id"]
    track_id = start_a_track(api)
    invite = api.invite("participant")
    organiser = organiser_headers(api.client)["Authorization"].removeprefix("Bearer ")
    note = b'"type": "note.add", "note_id": "n-bad", "text": "x", "x": N, "y": 0'
    endpoints: list[tuple[str, str, Target]] = [
        (
            "/api/workshops",
            organiser,
            Target(b'{"title": "W"}', b'{"title": "W", "group_size_limit": N}'),
        ),
        ("/api/programmes", organiser, Target(b'{"title": "P"}', b'{"title": N}')),
        (
            f"/api/workshops/{workshop_id}/boards",
            api.token,
            Target(b'{"title": "B"}', b'{"title": N}'),
        ),
        (
            f"/api/workshops/{workshop_id}/invites",
            api.token,
            Target(b'{"role": "participant"}', b'{"role": "participant", "name": N}'),
        ),
        (f"/api/workshops/{workshop_id}/join", invite, Target(b'{"name": "A"}', b'{"name": N}')),
        (
            f"/api/workshops/{workshop_id}/groups",
            api.token,
            Target(b'{"name": "G"}', b'{"name": N}'),
        ),
        (
            f"/api/workshops/{workshop_id}/assignments",
            api.token,
            Target(b'{"actor_id": "a", "group_id": null}', b'{"actor_id": N, "group_id": null}'),
        ),
        (
            f"/api/workshops/{workshop_id}/tracks",
            api.token,
            Target(
                b'{"board_id": "b", "decision_id": "d"}', b'{"board_id": "b", "decision_id": N}'
            ),
        ),
        (
            f"/api/boards/{api.board_id}/commands",
            api.token,
            Target(
                b'{"command_id": "c-bad", "command": {' + note.replace(b"N", b"1") + b"}}",
                b'{"command_id": "c-bad", "command": {' + note + b"}}",
            ),
        ),
        (
            f"/api/tracks/{track_id}/commands",
            api.token,
            Target(
                b'{"command_id": "c-bad", "command": {"type": "sprint.close", "sprint_id": "s"}}',
                b'{"command_id": "c-bad", "command": {"type": "sprint.close", "sprint_id": N}}',
            ),
        ),
    ]
    oversize = b'{"title": "' + b"x" * (70 * 1024) + b'"}'
    codes = documented_codes()
    head = api.client.get("/api/health").json()["head"]
    for i in range(200):
        path, token, target = endpoints[i % len(endpoints)]
        body = oversize if i % 40 == 39 else malformed(rng, target, i // len(endpoints) + 1)[-1]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = api.client.post(path, content=body, headers=headers)
        where = f"seed {seed}, {path}, {body[:80]!r}"
        assert 400 <= answer.status_code < 500, f"{answer.status_code} {answer.text}; {where}"
        error = answer.json()["error"]
        assert error["code"] in codes, where
        assert set(error) == {"code", "message"}, where
        assert error["message"], where
    assert api.client.get("/api/health").json()["head"] == head


@pytest.mark.parametrize(
    "query",
    [
        "after=9223372036854775808",
        "after=9223372036854775807",
        "after=99999999999999999999",
        "after=2147483648",
        "limit=99999999999999999999",
        "after=-1",
        "after=1e3",
        "after=+5",
        "after=%EF%BC%91",  # a fullwidth digit one
        "after=",
    ],
)
def test_whole_number_queries_are_bounded(api: Api, query: str) -> None:
    answer = api.get(f"/api/boards/{api.board_id}/events?{query}")
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "bad_query")
    at = api.get(f"/api/boards/{api.board_id}/at?{query.replace('after', 'version')}")
    if query.startswith("after"):
        assert (at.status_code, at.json()["error"]["code"]) == (400, "bad_query")


def test_the_largest_whole_number_query_is_answered(api: Api) -> None:
    answer = api.get(f"/api/boards/{api.board_id}/events?after=2147483647")
    assert (answer.status_code, answer.json().get("events")) == (200, []), answer.text
    past = api.get(f"/api/boards/{api.board_id}/at?version=2147483647")
    assert (past.status_code, past.json()["version"]) == (200, 1)


def test_roles_and_tokens(api: Api) -> None:
    observer = api.invite("observer", name="Guest")
    refused = api.command(add("n1"), token=observer)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    assert api.get(f"/api/boards/{api.board_id}", token=observer).status_code == 200

    anna, ben = api.invite("participant", name="Anna"), api.invite("participant", name="Ben")
    assert api.command(add("n1"), token=anna).status_code == 200
    edit = {"type": "note.edit", "note_id": "n1", "text": "Ben was here"}
    not_hers = api.command(edit, token=ben)
    assert (not_hers.status_code, not_hers.json()["error"]["code"]) == (403, "not_author")
    assert api.command(edit).status_code == 200  # the facilitator may

    no_token = api.client.get(f"/api/boards/{api.board_id}")
    assert (no_token.status_code, no_token.json()["error"]["code"]) == (401, "unauthorized")
    forged = api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB")
    assert api.get(f"/api/boards/{api.board_id}", token=forged).status_code == 401


def test_a_token_of_another_workshop_cannot_see_the_board(api: Api) -> None:
    other = api.client.post(
        "/api/workshops", json={"title": "Other"}, headers=organiser_headers(api.client, "Ole")
    ).json()
    answer = api.get(f"/api/boards/{api.board_id}", token=other["facilitator_token"])
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "board_not_found")
    write = api.command(add("n1"), token=other["facilitator_token"])
    assert write.status_code == 404


def test_a_board_invite_opens_only_that_board(api: Api) -> None:
    second = api.post(f"/api/workshops/{api.workshop['id']}/boards", {"title": "B"}).json()
    scoped = api.invite("participant", board_id=api.board_id)
    assert api.get(f"/api/boards/{api.board_id}", token=scoped).status_code == 200
    assert api.get(f"/api/boards/{second['id']}", token=scoped).status_code == 404
    listed = api.get(f"/api/workshops/{api.workshop['id']}", token=scoped).json()
    assert [b["id"] for b in listed["boards"]] == [api.board_id]


def test_only_facilitators_create_boards_and_invites(api: Api) -> None:
    anna = api.invite("participant")
    path = f"/api/workshops/{api.workshop['id']}"
    assert api.post(f"{path}/boards", {"title": "Mine"}, token=anna).status_code == 403
    assert api.post(f"{path}/invites", {"role": "facilitator"}, token=anna).status_code == 403


def test_unknown_routes_and_queries_answer_in_the_error_shape(api: Api) -> None:
    missing = api.get("/api/nothing-here")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    bad = api.get(f"/api/boards/{api.board_id}/events?after=-1")
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "bad_query")
    gone = api.get("/api/boards/no-such-board")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "board_not_found")


def test_health_names_the_backend_and_head(api: Api) -> None:
    health = api.client.get("/api/health").json()
    assert health["ok"] is True
    assert health["head"] >= 3  # workshop created, board added, board created
    assert health["backend"] in ("sqlite", "postgresql")
