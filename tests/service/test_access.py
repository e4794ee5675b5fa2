"""Who gets in and what they reach, tried as an outsider would with the public HTTP API (both
backends): no claiming another workshop's board or programme, board-scoped tokens that stay on
their board, pseudonyms that no hash unmasks, and credentials that expire and can be revoked."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain import workshop
from domain.actor import Actor
from domain.errors import DomainError
from domain.streams import workshop_stream
from service.access import organisers
from service.app import close_plenary, create_app, open_plenary
from service.commands.flows import create_group
from service.context import Plenary
from service.settings import InsecureSecret, Settings, load_secret
from tests.service.people import organiser_headers

JSON = dict[str, Any]


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def ctx_of(client: TestClient) -> Plenary:
    app: Any = client.app
    ctx: Plenary = app.state.plenary
    return ctx


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def refusal(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def head(client: TestClient) -> int:
    position: int = client.get("/api/health").json()["head"]
    return position


class Host:
    """An organiser's workshop, run by them as its facilitator."""

    def __init__(self, client: TestClient, name: str, **options: object) -> None:
        self.client = client
        self.organiser = organiser_headers(client, name)
        body = {"title": f"{name}'s workshop", **options}
        made = ok(client.post("/api/workshops", json=body, headers=self.organiser), 201)
        self.id: str = made["id"]
        self.token: str = made["facilitator_token"]

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        return self.client.post(path, json=body, headers=bearer(token or self.token))

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, headers=bearer(token or self.token))

    def board(self, title: str = "Breakout", **options: object) -> str:
        made = ok(self.post(f"/api/workshops/{self.id}/boards", {"title": title, **options}), 201)
        board_id: str = made["id"]
        return board_id

    def do(self, board_id: str, command: JSON, token: str | None = None) -> Any:
        body = {"command_id": f"c-{time.monotonic_ns()}", "command": command}
        return self.post(f"/api/boards/{board_id}/commands", body, token)

    def invite(self, role: str = "participant", **extra: object) -> JSON:
        answer: JSON = ok(
            self.post(f"/api/workshops/{self.id}/invites", {"role": role, **extra}), 201
        )
        return answer

    def join(self, name: str, role: str = "participant", **extra: object) -> JSON:
        invite = self.invite(role, **extra)["token"]
        joined: JSON = ok(self.post(f"/api/workshops/{self.id}/join", {"name": name}, invite), 201)
        return joined

    def session_of(self, credential: str) -> str:
        session: str = ok(self.post("/api/auth/session", {}, credential), 201)["token"]
        return session


def note(note_id: str, text: str = "A note") -> JSON:
    return {"type": "note.add", "note_id": note_id, "text": text, "x": 0, "y": 0}


def workshop_events(client: TestClient, workshop_id: str) -> int:
    ctx = ctx_of(client)
    assert client.portal is not None
    return len(client.portal.call(ctx.store.read_stream, workshop_stream(workshop_id)))


# ------------------------------------------------------------------ another workshop's board


def test_a_board_of_another_workshop_cannot_be_claimed_and_nothing_is_recorded(
    client: TestClient,
) -> None:
    theirs, mine = Host(client, "Tess"), Host(client, "Mo")
    secret_board = theirs.board("Their group")
    theirs.do(secret_board, note("n1", "What our city said in confidence"))
    before = workshop_events(client, mine.id)

    answer = mine.post(f"/api/workshops/{mine.id}/boards", {"title": "y", "board_id": secret_board})
    assert refusal(answer) == (409, "board_exists")
    assert workshop_events(client, mine.id) == before  # no board.added in any stream
    assert secret_board not in [
        b["id"] for b in ok(mine.get(f"/api/workshops/{mine.id}"))["boards"]
    ]


def test_reads_list_only_boards_whose_own_stream_names_the_workshop(client: TestClient) -> None:
    theirs, mine = Host(client, "Tess"), Host(client, "Mo")
    secret_board = theirs.board("Their group")
    theirs.do(secret_board, note("n1", "Confidential"))
    theirs.do(secret_board, {"type": "phase.change", "phase": "decide"})
    theirs.do(
        secret_board,
        {
            "type": "decision.record",
            "decision_id": "d1",
            "item_id": "n1",
            "outcome": "select",
            "rationale": "Theirs",
        },
    )
    # A log written before the fix may hold such a claim: put one there directly.
    ctx = ctx_of(client)
    claim = workshop.AddBoard(board_id=secret_board, title="Mine now", kind="breakout")
    host = Actor(id="someone", role="facilitator", name="Mo")
    assert client.portal is not None
    client.portal.call(
        ctx.runner.execute, workshop.DECIDER, workshop_stream(mine.id), claim, host, "old-claim"
    )

    path = f"/api/workshops/{mine.id}"
    assert secret_board not in [b["id"] for b in ok(mine.get(path))["boards"]]
    assert secret_board not in [b["id"] for b in ok(mine.get(f"{path}/overview"))["boards"]]
    assert ok(mine.get(f"{path}/decisions"))["decisions"] == []
    assert refusal(mine.get(f"/api/boards/{secret_board}")) == (404, "board_not_found")


def test_a_refused_workshop_is_not_created_at_all(client: TestClient) -> None:
    organiser = organiser_headers(client, "Oda")
    before = head(client)
    body: JSON = {"title": "T", "facilitator_name": "x" * 81, "workshop_id": "w-refused"}
    answer = client.post("/api/workshops", json=body, headers=organiser)
    assert refusal(answer) == (422, "invalid_name")
    assert head(client) == before  # no workshop, no programme, no join
    made = client.post(
        "/api/workshops", json={**body, "facilitator_name": "Oda"}, headers=organiser
    )
    assert ok(made, 201)["id"] == "w-refused"  # the id is still free


# --------------------------------------------------------------------------- programmes


def test_only_its_owner_adds_a_workshop_to_a_programme(client: TestClient) -> None:
    oda, ole = organiser_headers(client, "Oda"), organiser_headers(client, "Ole")
    programme = {"title": "Cities", "programme_id": "p1"}
    ok(client.post("/api/programmes", json=programme, headers=oda), 201)
    before = head(client)
    squat = client.post(
        "/api/workshops",
        json={"title": "Squat", "kind": "initiatives", "programme": "p1"},
        headers=ole,
    )
    assert refusal(squat) == (403, "not_owner")
    assert head(client) == before
    missing = client.post("/api/workshops", json={"title": "T", "programme": "nope"}, headers=oda)
    assert refusal(missing) == (404, "programme_not_found")
    ours = {"title": "Ours", "programme": "p1"}
    mine = ok(client.post("/api/workshops", json=ours, headers=oda), 201)
    tracker = ok(client.get("/api/programme", headers=bearer(mine["facilitator_token"])))
    assert [w["title"] for w in tracker["workshops"]] == ["Ours"]
    listed = ok(client.get("/api/programmes", headers=oda))["programmes"]
    assert [(p["id"], [w["title"] for w in p["workshops"]]) for p in listed] == [("p1", ["Ours"])]
    assert ok(client.get("/api/programmes", headers=ole))["programmes"] == []


def test_creating_needs_an_organiser_who_was_not_removed(client: TestClient) -> None:
    assert refusal(client.post("/api/workshops", json={"title": "T"})) == (401, "unauthorized")
    host = Host(client, "Oda")
    as_facilitator = client.post("/api/workshops", json={"title": "T"}, headers=bearer(host.token))
    assert refusal(as_facilitator) == (401, "unauthorized")
    ctx = ctx_of(client)
    organiser_id = ok(client.get("/api/programmes", headers=host.organiser))["organiser"]["id"]
    assert client.portal is not None
    client.portal.call(organisers.remove, ctx, organiser_id)
    gone = client.post("/api/workshops", json={"title": "T"}, headers=host.organiser)
    assert refusal(gone) == (401, "unauthorized")


def test_every_token_of_a_removed_organiser_answers_401(client: TestClient) -> None:
    assert client.portal is not None
    ctx = ctx_of(client)
    oda = client.portal.call(organisers.add, ctx, "Oda")
    signin = organisers.signin_link(ctx, oda).split("#token=", 1)[1]
    made = ok(client.post("/api/auth/session", json={}, headers=bearer(signin)), 201)
    assert (made["kind"], made["id"]) == ("organiser", oda.id)
    session = bearer(made["token"])
    assert ok(client.get("/api/programmes", headers=session))["organiser"]["id"] == oda.id

    created = ok(client.post("/api/workshops", json={"title": "T"}, headers=session), 201)
    hosting = created["facilitator_token"]  # she is its first facilitator
    path = f"/api/workshops/{created['id']}"
    assert ok(client.get(path, headers=bearer(hosting)))["you"]["id"] == oda.id

    client.portal.call(organisers.remove, ctx, oda.id)
    assert refusal(client.get(path, headers=bearer(hosting))) == (401, "unauthorized")
    for token in (signin, made["token"], hosting):
        again = client.post("/api/auth/session", json={}, headers=bearer(token))
        assert refusal(again) == (401, "unauthorized")
    assert refusal(client.get("/api/programmes", headers=session)) == (401, "unauthorized")
    assert refusal(client.post("/api/programmes", json={"title": "P"}, headers=session)) == (
        401,
        "unauthorized",
    )


def test_a_credential_of_the_wrong_kind_is_named_in_the_refusal(client: TestClient) -> None:
    host = Host(client, "Oda")
    board = host.board("A")
    answer = client.get(f"/api/boards/{board}", headers=host.organiser)
    assert refusal(answer) == (401, "unauthorized")
    assert answer.json()["error"]["message"] == "An organiser token does not open this."


# --------------------------------------------------------------------------- board-scoped tokens


def test_a_board_scoped_facilitator_does_only_what_their_board_allows(client: TestClient) -> None:
    host = Host(client, "Oda")
    a, b = host.board("A"), host.board("B")
    scoped = host.session_of(host.invite("facilitator", board_id=a)["token"])
    invites = f"/api/workshops/{host.id}/invites"
    assert refusal(host.post(invites, {"role": "facilitator"}, scoped)) == (403, "forbidden")
    assert refusal(host.post(invites, {"role": "participant", "board_id": b}, scoped)) == (
        403,
        "forbidden",
    )
    ok(host.post(invites, {"role": "participant", "board_id": a}, scoped), 201)
    boards = f"/api/workshops/{host.id}/boards"
    assert refusal(host.post(boards, {"title": "C"}, scoped)) == (403, "forbidden")
    groups = f"/api/workshops/{host.id}/groups"
    assert refusal(host.post(groups, {"name": "G"}, scoped)) == (403, "forbidden")
    assert refusal(host.do(b, note("x"), scoped)) == (404, "board_not_found")
    assert ok(host.do(a, note("y"), scoped))["version"] == 2


def test_a_board_scoped_participant_reaches_no_track_of_another_board(client: TestClient) -> None:
    host = Host(client, "Oda")
    a, b = host.board("A"), host.board("B")
    host.do(b, note("n1"))
    host.do(b, {"type": "phase.change", "phase": "decide"})
    decide = {
        "type": "decision.record",
        "decision_id": "d1",
        "item_id": "n1",
        "outcome": "select",
        "rationale": "Yes",
    }
    ok(host.do(b, decide))
    start = {"board_id": b, "decision_id": "d1", "track_id": "t1"}
    ok(host.post(f"/api/workshops/{host.id}/tracks", start), 201)

    scoped = host.join("Anna", board_id=a)["token"]
    assert refusal(host.get("/api/tracks/t1", scoped)) == (404, "track_not_found")
    sprint = {
        "command_id": "s-1",
        "command": {
            "type": "sprint.plan",
            "sprint_id": "s1",
            "goal": "G",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-05",
        },
    }
    assert refusal(host.post("/api/tracks/t1/commands", sprint, scoped)) == (404, "track_not_found")
    assert ok(host.get("/api/programme", scoped))["tracks"] == []
    assert ok(host.get(f"/api/workshops/{host.id}/overview", scoped))["tracks"] == []
    again = host.post(f"/api/workshops/{host.id}/tracks", {**start, "track_id": "t2"}, scoped)
    assert refusal(again) == (403, "forbidden")


# --------------------------------------------------------------------------- pseudonyms


def test_members_of_a_pseudonymous_group_are_counted_not_named(client: TestClient) -> None:
    host = Host(client, "Oda")
    group = ok(host.post(f"/api/workshops/{host.id}/groups", {"name": "Trust"}), 201)
    anna, ben = host.join("Anna"), host.join("Ben")
    for person in (anna, ben):
        assign = {"actor_id": person["actor_id"], "group_id": group["group_id"]}
        ok(host.post(f"/api/workshops/{host.id}/assignments", assign))
    host.do(group["board_id"], {"type": "anonymity.set", "policy": "pseudonymous"})

    seen = ok(host.get(f"/api/workshops/{host.id}", anna["token"]))
    [trust] = seen["groups"]
    assert (trust["members"], trust["size"]) == ([], 2)
    groups = {p["id"]: p["group"] for p in seen["participants"]}
    assert groups[anna["actor_id"]] == group["group_id"]  # her own
    assert groups[ben["actor_id"]] is None  # not who else is in it
    [facilitator_view] = ok(host.get(f"/api/workshops/{host.id}"))["groups"]
    assert facilitator_view["members"] == [anna["actor_id"], ben["actor_id"]]


def test_no_hash_of_a_pseudonymous_event_can_be_read_anywhere(client: TestClient) -> None:
    host = Host(client, "Oda")
    named, masked = host.board("Named"), host.board("Masked")
    host.do(masked, {"type": "anonymity.set", "policy": "pseudonymous"})
    anna = host.join("Anna")["token"]
    answers: list[JSON] = []
    for n in range(6):  # interleaved, so each board's events neighbour the other's in the log
        answers.append(ok(host.do(masked, note(f"m{n}", f"masked {n}"), anna)))
        answers.append(ok(host.do(named, note(f"n{n}", f"named {n}"), anna)))
    ctx = ctx_of(client)
    assert client.portal is not None
    hidden = {
        rec.hash.hex()
        for rec in client.portal.call(ctx.store.read_all, 0, 10_000)
        if rec.stream_id == f"board-{masked}"
    }
    shown: list[JSON] = [e for a in answers for e in a["events"]]
    for board_id in (named, masked):
        for token in (anna, host.token):
            shown += ok(host.get(f"/api/boards/{board_id}/events?after=0", token))["events"]
    assert shown
    for event in shown:
        assert event["prev_hash"] not in hidden
        assert event["hash"] not in hidden
    # A prev_hash shown is the hash of the event shown just before it in the same answer.
    named_events = ok(host.get(f"/api/boards/{named}/events?after=0", anna))["events"]
    for before, event in itertools.pairwise(named_events):
        assert event["prev_hash"] in ("", before["hash"])
        if event["position"] == before["position"] + 1:
            assert event["prev_hash"] == before["hash"]


# --------------------------------------------------------------------------- credentials


def test_sessions_expire_and_are_refreshed_while_used(client: TestClient) -> None:
    host = Host(client, "Oda")
    ctx = ctx_of(client)
    fresh = ok(host.post("/api/auth/session", {}), 201)
    assert fresh["kind"] == "session"
    assert fresh["expires_at"] > time.time() + 3600
    later = time.time() + ctx.settings.lifetimes.session + 60
    ctx.auth.clock = lambda: later
    try:
        assert refusal(host.get(f"/api/workshops/{host.id}")) == (401, "unauthorized")
    finally:
        ctx.auth.clock = time.time
    assert ok(host.get(f"/api/workshops/{host.id}", fresh["token"]))["id"] == host.id


def test_a_session_renewed_before_its_end_lasts_on_and_an_ended_one_renews_nothing(
    client: TestClient,
) -> None:
    host = Host(client, "Oda")
    anna = host.join("Anna")
    link = anna["url"].split("#token=", 1)[1]
    ctx = ctx_of(client)
    lifetimes, start = ctx.settings.lifetimes, time.time()
    path = f"/api/workshops/{host.id}"
    try:
        ctx.auth.clock = lambda: start + lifetimes.session - 60  # about to end: renewed
        renewed = ok(host.post("/api/auth/session", {}, anna["token"]), 201)
        assert renewed["expires_at"] >= anna["expires_at"] + lifetimes.session - 61
        assert (renewed["kind"], renewed["id"]) == ("session", anna["actor_id"])
        ctx.auth.clock = lambda: start + lifetimes.session + 60
        assert refusal(host.get(path, anna["token"])) == (401, "unauthorized")
        ended = host.post("/api/auth/session", {}, anna["token"])
        assert refusal(ended) == (401, "unauthorized")
        assert ok(host.get(path, renewed["token"]))["you"]["id"] == anna["actor_id"]
        assert ok(host.post("/api/auth/session", {}, link), 201)["id"] == anna["actor_id"]
        ctx.auth.clock = lambda: start + lifetimes.link + 60  # her link has ended too
        assert refusal(host.post("/api/auth/session", {}, link)) == (401, "unauthorized")
    finally:
        ctx.auth.clock = time.time


def test_a_revoked_invite_and_a_removed_person_stop_working_at_once(client: TestClient) -> None:
    host = Host(client, "Oda")
    invite = host.invite("participant")
    opened = host.session_of(invite["token"])  # used as its own person, without joining
    anna = host.join("Anna")
    listed = ok(host.get(f"/api/workshops/{host.id}/invites"))["invites"]
    assert invite["invite_id"] in [i["id"] for i in listed]

    ok(host.post(f"/api/workshops/{host.id}/invites/{invite['invite_id']}/revoke", {}))
    path = f"/api/workshops/{host.id}"
    assert refusal(host.get(path, invite["token"])) == (401, "unauthorized")
    assert refusal(host.get(path, opened)) == (401, "unauthorized")
    assert ok(host.get(path, anna["token"]))["id"] == host.id  # joined people keep theirs

    ok(host.post(f"{path}/people/{anna['actor_id']}/remove", {}))
    assert refusal(host.get(path, anna["token"])) == (401, "unauthorized")
    assert refusal(host.post("/api/auth/session", {}, anna["token"])) == (401, "unauthorized")
    assert anna["actor_id"] not in [p["id"] for p in ok(host.get(path))["participants"]]


def test_a_published_or_short_secret_is_refused(tmp_path: Any) -> None:
    for secret in ("change-me-to-a-long-random-secret", "short"):
        with pytest.raises(InsecureSecret):
            load_secret(secret, tmp_path)
    assert len(load_secret("s" * 40, tmp_path)) == 40
    compose = (Path(__file__).parents[2] / "docker-compose.yml").read_text()
    assert "PLENARY_SECRET: ${PLENARY_SECRET:?" in compose  # none shipped: set one or fail
    assert "--demo" not in compose


# --------------------------------------------------------------------------- all or nothing, racing


async def test_racing_for_the_last_group_leaves_no_board_behind(app_settings: Settings) -> None:
    """Two instances on one database race 20 groups for the last free slot: one group and
    its board are recorded, the other 19 leave nothing in any stream."""
    one, two = await open_plenary(app_settings), await open_plenary(app_settings)
    try:
        host = Actor(id="oda", role="facilitator", name="Oda")
        command = workshop.CreateWorkshop(workshop_id="w", title="W", programme="w")
        await one.runner.execute(workshop.DECIDER, workshop_stream("w"), command, host, "cw")
        for n in range(3):
            group = workshop.CreateGroup(group_id=f"g{n}", name=f"G{n}", board_id=f"b{n}")
            await create_group(one.runner, host, "w", group, f"cg{n}")
        racing = [
            create_group(
                (one, two)[n % 2].runner,
                host,
                "w",
                workshop.CreateGroup(group_id=f"late{n}", name=f"Late {n}", board_id=f"lb{n}"),
                f"late-{n}",
            )
            for n in range(20)
        ]
        results = await asyncio.gather(*racing, return_exceptions=True)
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(refused) == 19
        assert {r.code for r in refused} == {"group_limit_reached"}
        state = (await one.runner.load(workshop.DECIDER, workshop_stream("w"))).state
        assert len(state.groups) == 4
        assert set(state.boards) == {g.board_id for g in state.groups.values()}
        created = [r for r in await one.store.read_all(0, 10_000) if r.type == "board.created"]
        assert len(created) == 4  # no board stream without its group
    finally:
        await close_plenary(two)
        await close_plenary(one)
