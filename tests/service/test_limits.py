"""Configured limits, enforced by the real app on both backends with typed refusals: body and
text sizes, notes per board, boards per workshop, connections per board, commands waiting on
one socket."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest
from starlette.testclient import TestClient
from websockets.asyncio.client import connect

from service.app import create_app
from service.commands import handle as commands_handle
from service.commands.limits import Limits
from service.ids import new_id
from service.live import commands as live_commands
from service.settings import Settings
from service.tools.client import Rejected
from tests.service.conftest import UNTHROTTLED
from tests.service.live import WAIT, add, close_code_after_draining, live_server
from tests.service.people import organiser_headers

JSON = dict[str, Any]


def limited(settings: Settings, **limits: Any) -> Settings:
    """``settings`` with these limits instead (commands a second stay unthrottled)."""
    return dataclasses.replace(settings, limits=dataclasses.replace(UNTHROTTLED, **limits))


class Http:
    """The app over HTTP as its facilitator: a workshop, one board, and commands to it."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        created = client.post(
            "/api/workshops", json={"title": "Limits"}, headers=organiser_headers(client)
        ).json()
        self.workshop_id: str = created["id"]
        self.token: str = created["facilitator_token"]
        self.board_id = self.new_board("A").json()["id"]

    def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.post(path, json=body, headers=headers)

    def new_board(self, title: str, kind: str = "breakout") -> Any:
        path = f"/api/workshops/{self.workshop_id}/boards"
        return self.post(path, {"title": title, "kind": kind})

    def command(self, command: JSON, board_id: str | None = None) -> Any:
        body = {"command_id": new_id(), "command": command}
        return self.post(f"/api/boards/{board_id or self.board_id}/commands", body)


@pytest.fixture
def http_for(app_settings: Settings) -> Iterator[Callable[..., Http]]:
    """Open the app with some limits changed: ``http_for(notes_per_board=3)``."""
    clients: list[TestClient] = []

    def open_with(**limits: Any) -> Http:
        client = TestClient(create_app(limited(app_settings, **limits)))
        clients.append(client.__enter__())
        return Http(client)

    try:
        yield open_with
    finally:
        for client in clients:
            client.__exit__(None, None, None)


def refused(answer: Any) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


# --------------------------------------------------------------------------- configuration


def test_limits_come_from_the_environment_within_the_domains_ceilings() -> None:
    assert Limits.from_env({}) == Limits()
    env = {"PLENARY_LIMIT_NOTES_PER_BOARD": "50", "PLENARY_LIMIT_PERSON_RATE": "2.5"}
    read = Settings.from_env({**env, "PLENARY_SECRET": "x7" * 24}).limits
    assert (read.notes_per_board, read.person_rate, read.note_text) == (50, 2.5, 500)
    for name, value in [
        ("NOTE_TEXT", "501"),
        ("CLUSTER_LABEL", "121"),
        ("INVITE_NAME", "81"),
        ("BOARDS_PER_WORKSHOP", "0"),
        ("CONNECTION_RATE", "-1"),
        ("PERSON_RATE", "nan"),
        ("PERSON_RATE", "inf"),
        ("BODY_BYTES", "lots"),
    ]:
        with pytest.raises(ValueError, match=f"PLENARY_LIMIT_{name}"):
            Limits.from_env({f"PLENARY_LIMIT_{name}": value})


# --------------------------------------------------------------------------- sizes


def test_a_body_over_the_configured_size_is_too_large(
    http_for: Callable[..., Http],
) -> None:
    http = http_for(body_bytes=2048)
    answer = http.command(add(text="x" * 400))
    assert answer.status_code == 200
    too_big = http.post(f"/api/workshops/{http.workshop_id}/boards", {"title": "t" * 3000})
    assert refused(too_big) == (413, "too_large")
    assert "2048" in too_big.json()["error"]["message"]


def test_text_and_labels_over_a_lower_limit_are_refused_and_the_ceiling_holds(
    http_for: Callable[..., Http],
) -> None:
    http = http_for(note_text=100, cluster_label=20)
    assert http.command(add("n1", text="x" * 100)).status_code == 200
    assert refused(http.command(add("n2", text="x" * 101))) == (422, "invalid_text")
    edit = {"type": "note.edit", "note_id": "n1", "text": "y" * 101}
    assert refused(http.command(edit)) == (422, "invalid_text")
    cluster = {"type": "cluster.create", "cluster_id": "c1", "label": "l" * 21, "x": 0, "y": 0}
    assert refused(http.command(cluster)) == (422, "invalid_label")
    assert http.command({**cluster, "label": "l" * 20}).status_code == 200
    rename = {"type": "cluster.rename", "cluster_id": "c1", "label": "m" * 21}
    assert refused(http.command(rename)) == (422, "invalid_label")

    default = http_for()  # the domain's own caps are the ceiling
    assert default.command(add("n1", text="x" * 500)).status_code == 200
    assert refused(default.command(add("n2", text="x" * 501))) == (422, "invalid_text")


def test_an_invites_name_is_at_most_80_characters_or_less_if_configured(
    http_for: Callable[..., Http],
) -> None:
    http = http_for()
    path = f"/api/workshops/{http.workshop_id}/invites"
    assert http.post(path, {"role": "participant", "name": "n" * 80}).status_code == 201
    long = http.post(path, {"role": "participant", "name": "n" * 81})
    assert refused(long) == (422, "invalid_name")
    short = http_for(invite_name=10)
    path = f"/api/workshops/{short.workshop_id}/invites"
    assert refused(short.post(path, {"role": "participant", "name": "n" * 11})) == (
        422,
        "invalid_name",
    )


# --------------------------------------------------------------------------- counts


def test_a_board_takes_its_limit_of_notes_then_refuses_more(
    http_for: Callable[..., Http],
) -> None:
    http = http_for(notes_per_board=3)
    for i in range(3):
        assert http.command(add(f"n{i}")).status_code == 200
    full = http.command(add("n3"))
    assert refused(full) == (422, "too_many_notes")
    assert "3 notes" in full.json()["error"]["message"]
    moved = http.command({"type": "note.move", "note_id": "n0", "x": 5, "y": 5})
    assert moved.status_code == 200  # a full board still works
    assert http.command({"type": "note.delete", "note_id": "n0"}).status_code == 200
    assert http.command(add("n3")).status_code == 200  # a deleted note frees its place
    assert refused(http.command(add("n4"))) == (422, "too_many_notes")


def test_a_promotion_counts_the_notes_it_copies(
    http_for: Callable[..., Http],
) -> None:
    http = http_for(notes_per_board=3)
    plenary = http.new_board("Plenary", kind="plenary").json()["id"]
    for note_id in ("a", "b"):
        assert http.command(add(note_id)).status_code == 200
    for note_id in ("p1", "p2"):
        assert http.command(add(note_id), board_id=plenary).status_code == 200
    promote = {
        "type": "items.promote",
        "promotion_id": "pr1",
        "source_board_id": http.board_id,
        "note_ids": ["a", "b"],
    }
    assert refused(http.command(promote, board_id=plenary)) == (422, "too_many_notes")
    assert http.command({**promote, "note_ids": ["a"]}, board_id=plenary).status_code == 200


def test_a_workshop_takes_its_limit_of_boards_then_refuses_more(
    http_for: Callable[..., Http],
) -> None:
    http = http_for(boards_per_workshop=2)  # the first board is made with the workshop
    assert http.new_board("B").status_code == 201
    assert refused(http.new_board("C")) == (422, "too_many_boards")
    group = http.post(f"/api/workshops/{http.workshop_id}/groups", {"name": "Group"})
    assert refused(group) == (422, "too_many_boards")
    workshop = http.client.get(
        f"/api/workshops/{http.workshop_id}", headers={"Authorization": f"Bearer {http.token}"}
    ).json()
    assert len(workshop["boards"]) == 2
    assert workshop["groups"] == []


async def test_over_the_socket_a_full_board_rejects_notes_and_long_text(
    app_settings: Settings,
) -> None:
    async with live_server(limited(app_settings, notes_per_board=2, note_text=50)) as live:
        async with await live.client() as board, asyncio.timeout(WAIT):
            await board.command(add("n1"))
            with pytest.raises(Rejected) as long:
                await board.command(add("n2", text="x" * 51))
            await board.command(add("n2"))
            with pytest.raises(Rejected) as full:
                await board.command(add("n3"))
        assert (long.value.code, full.value.code) == ("invalid_text", "too_many_notes")
        assert await live.version() == 3


async def test_a_frame_over_the_configured_size_closes_the_socket_with_1009(
    app_settings: Settings,
) -> None:
    settings = limited(app_settings, frame_bytes=2048)
    async with live_server(settings) as live, await live.client() as peer:
        async with asyncio.timeout(WAIT):
            async with connect(await live.ws_url(), compression=None, max_size=None) as big:
                await big.send(msgspec.json.encode({"type": "ping", "t": 1, "pad": "x" * 3000}))
                assert await close_code_after_draining(big) == 1009
            made = await peer.command(add(text="x" * 400))  # a frame under the limit: served
            assert made["version"] == 2


# --------------------------------------------------------------------------- connections


async def test_a_connection_over_the_boards_limit_is_turned_away_and_no_one_else_is(
    app_settings: Settings,
) -> None:
    async with live_server(limited(app_settings, connections_per_board=2)) as live:
        first, second = await live.client(), await live.client()
        try:
            async with asyncio.timeout(WAIT):
                async with connect(await live.ws_url(), compression=None) as third:
                    frame = msgspec.json.decode(await third.recv())
                    assert (frame["type"], frame["code"]) == ("error", "too_many_connections")
                    assert await close_code_after_draining(third) == 4429
                other = await live.new_board()  # the limit is per board
                async with await live.client(board_id=other):
                    pass
                made = await first.command(add())
                await second.wait_for_version(made["version"])  # both still served
            await second.close()
            async with asyncio.timeout(WAIT):
                for _ in range(200):  # a place frees once the server has seen the socket go
                    async with connect(await live.ws_url(), compression=None) as again:
                        await again.send('{"type": "hello"}')
                        if msgspec.json.decode(await again.recv())["type"] == "welcome":
                            break
                else:
                    raise AssertionError("no place freed on the board")
            assert (first.close_code, first.gaps) == (None, 0)
        finally:
            await first.close()
            await second.close()


# --------------------------------------------------------------------------- commands waiting


async def test_a_socket_with_too_many_commands_waiting_gets_too_many_pending(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the first command held while it runs, the socket's commands wait for their ack:
    at most ``MAX_PENDING_COMMANDS`` of them, the one running included; the next is refused at
    once, and once the held one runs on, the waiting ones are acked in order."""
    monkeypatch.setattr(live_commands, "MAX_PENDING_COMMANDS", 3)
    running, release = asyncio.Event(), asyncio.Event()
    handle = commands_handle.handle

    async def held(*args: Any, **kwargs: Any) -> Any:
        running.set()
        await release.wait()
        return await handle(*args, **kwargs)

    monkeypatch.setattr(live_commands, "handle", held)
    async with live_server(app_settings) as live, await live.client() as board:
        async with asyncio.timeout(WAIT):
            first = await board.send_command(add("n0"))
            await running.wait()
            waiting = [await board.send_command(add(f"n{n}")) for n in (1, 2)]
            with pytest.raises(Rejected) as refused:
                await board.command(add("n3"))
            assert refused.value.code == "too_many_pending"
            release.set()
            acked = [(await ack)["version"] for ack in (first, *waiting)]
            assert acked == [2, 3, 4]
            assert (await board.command(add("n4")))["version"] == 5  # room again
        assert await live.version() == 5
