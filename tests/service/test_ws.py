"""The board WebSocket end to end: real servers on loopback, real clients (both backends).

Every wait is bounded with ``asyncio.timeout``; servers stop when their block ends.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from typing import Any

import httpx2
import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from projections.board_view import BOARD_VIEW
from service.access import organisers
from service.ids import new_id
from service.live import protocol
from service.live.hub import Hub
from service.server import base_url, running, started
from service.settings import Settings
from service.tools.client import Rejected
from tests.service.live import (
    JSON,
    WAIT,
    Live,
    add,
    close_code_after_draining,
    hub_of,
    ids,
    live_on,
    live_server,
    server_end_open,
    silent_reader,
    wait_until,
)
from tests.service.malformed import Target, documented_codes, malformed
from tests.service.people import organiser_token, plenary_of
from tests.waiting import Peak, jitter

# --------------------------------------------------------------------------- fan-out and order


async def test_three_clients_see_every_command_in_the_same_order(live: Live) -> None:
    anna, ben = await live.invite("participant", name="Anna"), await live.invite("participant")
    clients = [await live.client(), await live.client(anna), await live.client(ben)]
    start = clients[0].version
    try:
        async with asyncio.timeout(WAIT * 2):
            pending = []
            for round_ in range(20):
                for client in clients:
                    pending.append(await client.send_command(add(text=f"idea {round_}")))
            acks = await asyncio.gather(*pending)
            assert all(not ack["duplicate"] and len(ack["event_versions"]) == 1 for ack in acks)
            final = start + len(acks)
            assert sorted(v for ack in acks for v in ack["event_versions"]) == list(
                range(start + 1, final + 1)
            )
            for client in clients:
                await client.wait_for_version(final)
        recorded = await live.events()
        sequences = [ids(client.received) for client in clients]
        assert sequences[0] == sequences[1] == sequences[2] == ids(recorded[start:])
        # each client saw the other two clients' commands, not only its own
        for client in clients:
            actors = {e["actor"] for e in client.received}
            assert len(actors) == 3
            assert (client.gaps, client.duplicates) == (0, 0)
    finally:
        for client in clients:
            await client.close()


# --------------------------------------------------------------------------- welcome and resume


async def test_welcome_without_since_carries_the_view(live: Live) -> None:
    async with await live.client() as writer:
        async with asyncio.timeout(WAIT):
            await writer.command(add("n1", "Cycle lanes"))
    async with await live.client() as reader:
        welcome = reader.welcome
        assert welcome["events"] is None
        assert welcome["version"] == welcome["view"]["version"] == 2
        assert welcome["view"]["notes"]["n1"]["text"] == "Cycle lanes"
        assert welcome["board_id"] == live.board_id
        assert welcome["you"]["role"] == "facilitator"
        assert welcome["epoch"]


async def test_welcome_without_since_is_at_the_head_when_the_stored_view_lags_the_log(
    live: Live,
) -> None:
    await live.ctx.projector.stop()  # no catch-up in the background from here: the view lags
    async with await live.client() as writer:
        async with asyncio.timeout(WAIT):
            await writer.command(add("n1", "Cycle lanes"))
            await live.ctx.projector.catch_up()
            await writer.command(add("n2", "School streets"))
            await writer.command(add("n3", "Night buses"))
    stored = await live.ctx.views.load_views(BOARD_VIEW.name, [live.board_id])
    assert BOARD_VIEW.decode(stored[live.board_id]).version == 2
    async with await live.client() as reader:
        assert reader.welcome["version"] == reader.welcome["view"]["version"] == 4
        assert sorted(reader.welcome["view"]["notes"]) == ["n1", "n2", "n3"]


async def test_welcome_since_carries_the_missed_events_and_a_stale_epoch_gets_a_view(
    live: Live,
) -> None:
    async with await live.client() as writer:
        epoch = writer.epoch
        async with asyncio.timeout(WAIT):
            for i in range(3):
                await writer.command(add(f"n{i}"))
    async with await live.client(since=2, epoch=epoch) as resumed:
        assert resumed.welcome["view"] is None
        assert [e["version"] for e in resumed.welcome["events"]] == [3, 4]
        assert resumed.version == 4
    async with await live.client(since=4, epoch=epoch) as current:
        assert (current.welcome["events"], current.welcome["view"]) == ([], None)
    async with await live.client(since=2, epoch="another-epoch") as stale:
        assert stale.welcome["events"] is None
        assert stale.welcome["view"]["version"] == 4
        assert stale.epoch == epoch
    async with await live.client(since=99, epoch=epoch) as ahead:  # holds more than exists
        assert ahead.welcome["view"]["version"] == 4


async def test_a_resent_op_id_after_a_reconnect_is_acked_once_and_appended_once(
    live: Live,
) -> None:
    op_id = new_id()
    command = add("n1")
    async with asyncio.timeout(WAIT):
        first_client = await live.client()
        first = await first_client.command(command, op_id)
        await first_client.close()
        async with await live.client(since=first_client.version) as again:
            second = await again.command(command, op_id)
            other = await again.command(add("n2"))
    assert first["duplicate"] is False
    assert second["duplicate"] is True
    assert second["version"] == first["version"]
    assert second["event_versions"] == first["event_versions"]
    recorded = await live.events()
    assert [e["command_id"] for e in recorded].count(op_id) == 1
    assert other["version"] == first["version"] + 1 == len(recorded)


# --------------------------------------------------------------------------- the session rules


async def test_hello_first_then_once(live: Live) -> None:
    async with asyncio.timeout(WAIT), connect(await live.ws_url()) as ws:
        op_id = new_id()
        await ws.send(msgspec.json.encode({"type": "command", "op_id": op_id, "command": add()}))
        reject = msgspec.json.decode(await ws.recv())
        assert reject == {
            "type": "reject",
            "op_id": op_id,
            "code": "hello_first",
            "message": reject["message"],
        }
        await ws.send('{"type": "presence", "cursor": {"x": 1, "y": 2}}')
        assert msgspec.json.decode(await ws.recv())["code"] == "hello_first"
        await ws.send('{"type": "hello"}')
        assert msgspec.json.decode(await ws.recv())["type"] == "welcome"
        await ws.send('{"type": "hello", "since": 0}')
        frame = msgspec.json.decode(await ws.recv())
        while frame["type"] == "presence":
            frame = msgspec.json.decode(await ws.recv())
        assert (frame["type"], frame["code"]) == ("error", "already_joined")
    assert await live.version() == 1


async def test_ping_gets_pong(live: Live) -> None:
    async with asyncio.timeout(WAIT), connect(await live.ws_url()) as ws:
        await ws.send('{"type": "ping", "t": 12.5}')
        pong = msgspec.json.decode(await ws.recv())
        assert pong["type"] == "pong"
        assert pong["t"] == 12.5
        assert pong["server_time"] > 0


async def test_presence_reaches_the_others_coalesced_and_leaving_shows_in_left(
    live: Live,
) -> None:
    watcher = await live.client()
    mover = await live.client(await live.invite("participant", name="Mo"))
    me = mover.you["connection"]
    try:
        async with asyncio.timeout(WAIT):
            await wait_until(lambda: me in watcher.presence)
            presence_frames = 0
            original = watcher._dispatch

            def counting(frame: JSON) -> None:
                nonlocal presence_frames
                presence_frames += frame.get("type") == "presence"
                original(frame)

            watcher._dispatch = counting  # type: ignore[method-assign]
            for x in range(200):
                await mover.presence_update(cursor=(float(x), 5.0), typing="n1")
            await wait_until(lambda: (watcher.presence[me].get("cursor") or {}).get("x") == 199.0)
            assert watcher.presence[me]["typing"] == "n1"
            assert watcher.presence[me]["name"] == "Mo"
            assert presence_frames < 200  # coalesced: at most one frame per flush interval
        await mover.close()
        async with asyncio.timeout(WAIT):
            await wait_until(lambda: me not in watcher.presence)
    finally:
        await watcher.close()
        await mover.close()


# --------------------------------------------------------------------------- who may do what


@pytest.mark.parametrize("role", ["observer", "auditor"])
async def test_observers_and_auditors_are_rejected_as_forbidden(live: Live, role: str) -> None:
    async with await live.client(await live.invite(role)) as looker, asyncio.timeout(WAIT):
        with pytest.raises(Rejected) as refused:
            await looker.command(add())
    assert refused.value.code == "forbidden"
    assert await live.version() == 1


async def refused_status(url: str, **options: Any) -> int:
    """The HTTP status that refuses a handshake at ``url``."""
    with pytest.raises(InvalidStatus) as refused:
        async with asyncio.timeout(WAIT):
            await connect(url, **options)
    return refused.value.response.status_code


async def ticket_status(live: Live, token: str, board_id: str) -> int:
    answer = await live.http.post(f"/api/boards/{board_id}/ticket", headers=live.headers(token))
    return answer.status_code


async def test_a_persons_link_gets_a_ticket_as_its_session_would(live: Live) -> None:
    created = await live.http.post(
        "/api/workshops", json={"title": "Linked"}, headers=live.headers(live.organiser)
    )
    workshop = created.json()
    link = workshop["facilitator_url"].split("#token=", 1)[1]
    board = await live.http.post(
        f"/api/workshops/{workshop['id']}/boards",
        json={"title": "Linked board"},
        headers=live.headers(workshop["facilitator_token"]),
    )
    board_id = board.json()["id"]
    assert await ticket_status(live, link, board_id) == 201
    async with connect(await live.ws_url(link, board_id)) as ws:
        await ws.send(msgspec.json.encode({"type": "hello", "since": None}).decode())
        welcome = msgspec.json.decode(await ws.recv())
    assert (welcome["type"], welcome["you"]["role"]) == ("welcome", "facilitator")
    assert await ticket_status(live, live.organiser, board_id) == 401  # not an organiser's


async def test_handshakes_take_a_ticket_for_that_board_once_and_nothing_else(
    live: Live,
) -> None:
    second = await live.new_board()
    scoped = await live.invite("participant", board_id=live.board_id)
    async with await live.client(scoped):
        pass  # its own board opens
    assert await ticket_status(live, scoped, second) == 404
    other_organiser = await organiser_token(live.ctx, "Ole")
    other = await live.http.post(
        "/api/workshops", json={"title": "Other"}, headers=live.headers(other_organiser)
    )
    assert await ticket_status(live, other.json()["facilitator_token"], live.board_id) == 404
    assert await ticket_status(live, live.token, "no-such-board") == 404
    assert await ticket_status(live, "forged.token.here", live.board_id) == 401

    url = await live.ws_url()
    assert await refused_status(url, origin=Origin("https://evil.example")) == 403
    used = await live.ws_url()
    async with connect(used):
        pass
    assert await refused_status(used) == 403  # a ticket opens a socket once
    elsewhere = (await live.ws_url(board_id=second)).replace(second, live.board_id, 1)
    assert await refused_status(elsewhere) == 403  # and only its own board's
    base = live.url.replace("http://", "ws://") + f"/ws/boards/{live.board_id}"
    assert await refused_status(f"{base}?token={live.token}") == 403  # never a lasting token
    assert await refused_status(f"{base}?ticket=") == 403
    assert await refused_status(base) == 403
    async with await live.client(origin="http://127.0.0.1:8000"):  # the configured own origin
        pass


async def test_a_ticket_opens_its_socket_within_30_seconds_only(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    late, in_time = await live.ws_url(), await live.ws_url()
    issued = time.time()
    monkeypatch.setattr(live.ctx.auth, "clock", lambda: issued + 31)
    assert await refused_status(late) == 403
    monkeypatch.setattr(live.ctx.auth, "clock", lambda: issued + 29)
    async with asyncio.timeout(WAIT), connect(in_time, compression=None) as ws:
        await ws.send('{"type": "hello"}')
        assert msgspec.json.decode(await ws.recv())["type"] == "welcome"


# --------------------------------------------------------------------------- several instances


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
async def test_two_instances_on_one_postgresql_see_each_others_commands(
    app_settings: Settings,
) -> None:
    async with live_server(app_settings) as one, running(app_settings) as other_url:
        two = Live(
            other_url, one.http, one.workshop_id, one.token, one.board_id, one.ctx, one.organiser
        )
        on_one, on_two = await one.client(), await two.client()
        try:
            async with asyncio.timeout(WAIT):
                made_on_two = await on_two.command(add(text="from two"))
                await on_one.wait_for_version(made_on_two["version"])
                made_on_one = await on_one.command(add(text="from one"))
                await on_two.wait_for_version(made_on_one["version"])
            assert ids(on_one.received) == ids(on_two.received)
            assert [e["version"] for e in on_one.received] == [2, 3]
        finally:
            await on_one.close()
            await on_two.close()


# --------------------------------------------------------------------------- resume without gaps


async def test_resuming_with_since_gets_exactly_the_missed_events_then_live_ones(
    live: Live, app_settings: Settings
) -> None:
    """Randomised: drop at a random moment while events happen, resume with ``since``."""
    runs = 20 if app_settings.database_url.startswith("sqlite") else 3
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    writer = await live.client()
    start = writer.version
    held: list[JSON] = []  # every event the resuming side received, in arrival order
    try:
        for run in range(runs):
            missed, drop_after = rng.randint(30, 70), rng.randint(0, 10)
            async with asyncio.timeout(WAIT * 2):
                reader = await live.client(since=start + len(held), epoch=writer.epoch)
                flood = asyncio.gather(
                    *[await writer.send_command(add(text=f"run {run}")) for _ in range(missed)]
                )
                await reader.wait_for_version(reader.version + drop_after)
                if rng.random() < 0.5:
                    await jitter(rng, 0.05)
                await reader.close()
                if rng.random() < 0.5:
                    await flood  # reconnect after all of them, or while they still happen
                resumed = await live.client(since=reader.version, epoch=reader.epoch)
                assert resumed.welcome["view"] is None, f"seed {seed}"
                await flood
                for _ in range(rng.randint(0, 5)):
                    await writer.send_command(add(text="live"))
                final = (await writer.command(add(text="last")))["version"]
                await resumed.wait_for_version(final)
                await resumed.close()
            for client in (reader, resumed):
                assert (client.gaps, client.duplicates) == (0, 0), f"seed {seed}"
            held.extend(reader.received + resumed.received)
        recorded = await live.events()
        assert ids(held) == ids(recorded[start:]), f"seed {seed}"
        assert [e["version"] for e in held] == list(range(start + 1, len(recorded) + 1))
    finally:
        await writer.close()


async def test_a_resume_past_the_replay_cap_gets_a_fresh_view(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.live.welcome.REPLAY_CAP", 5)
    async with await live.client() as writer, asyncio.timeout(WAIT):
        for _ in range(7):
            await writer.command(add())
        async with await live.client(since=1, epoch=writer.epoch) as far_behind:
            assert far_behind.welcome["events"] is None
            assert far_behind.welcome["view"]["version"] == 8
        async with await live.client(since=3, epoch=writer.epoch) as near:
            assert [e["version"] for e in near.welcome["events"]] == [4, 5, 6, 7, 8]


async def test_a_resume_whose_events_carry_too_much_gets_a_fresh_view(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await live.client() as writer, asyncio.timeout(WAIT):
        for _ in range(4):
            await writer.command(add(text="x" * 400))
        monkeypatch.setattr("service.live.welcome.REPLAY_BYTES", 1500)  # two of those notes' events
        async with await live.client(since=1, epoch=writer.epoch) as heavy:
            assert heavy.welcome["events"] is None
            assert heavy.welcome["view"]["version"] == 5
        async with await live.client(since=3, epoch=writer.epoch) as light:
            assert [e["version"] for e in light.welcome["events"]] == [4, 5]


async def test_a_big_board_stays_joinable_fresh_and_resuming(live: Live) -> None:
    """1,600 notes of 500 characters (one person's four seconds of work in the field): a
    fresh join's welcome and a resume's 1,000 missed events each pass the 1 MiB a slow reader
    may have queued; both arrive, and both connections stay open and live."""
    writer = await live.client()
    try:
        async with asyncio.timeout(WAIT * 12):
            for batch in range(8):
                sent = [
                    await writer.send_command(add(text=f"{batch:02d}-{n:03d} " + "w" * 493))
                    for n in range(200)
                ]
                await asyncio.gather(*sent)
            version = writer.version
            assert version == 1 + 1600
            fresh = await live.client()
            resumed = await live.client(since=version - 1000, epoch=writer.epoch)
            assert len(fresh.welcome["view"]["notes"]) == 1600
            assert [e["version"] for e in resumed.welcome["events"]] == list(
                range(version - 999, version + 1)
            )
            for welcome in (fresh.welcome, resumed.welcome):
                assert len(msgspec.json.encode(welcome)) > 1 << 20  # past the slow-reader limit
            made = await writer.command(add(text="after both joined"))
            await fresh.wait_for_version(made["version"])
            await resumed.wait_for_version(made["version"])
        for client in (fresh, resumed):
            assert (client.close_code, client.gaps, client.duplicates) == (None, 0, 0)
        await fresh.close()
        await resumed.close()
    finally:
        await writer.close()


# ------------------------------------------------------------------- slow and hostile clients


async def test_a_client_that_stops_reading_is_closed_with_4008_and_slows_no_one(
    app_settings: Settings, apps: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cap = 64 * 1024
    monkeypatch.setattr("service.live.socket.SEND_QUEUE_BYTES", cap)
    async with live_server(app_settings) as live:
        await stop_reading_while_others_write(live, hub_of(apps[0]), cap)


async def test_sockets_that_stop_reading_are_closed_with_4008_and_let_go_as_peers_read_on(
    app_settings: Settings, apps: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten sockets read nothing after ``hello`` while a writer records about 1 MB of events
    for each, then stops. Bytes the kernels hold never reach the server's 1 MiB queue limit,
    yet each socket is closed with 4008 once its writer has waited on one send too long, and
    the server lets go of the socket though it never reads; a peer reads every event."""
    monkeypatch.setattr("service.live.connection.SEND_STALL_SECONDS", 1.0)
    monkeypatch.setattr("service.server.USER_TIMEOUT", 5.0)
    async with live_server(app_settings) as live:
        watcher, writer = await live.client(), await live.client()
        silent = [await silent_reader(live) for _ in range(10)]
        try:
            async with asyncio.timeout(WAIT):
                await wait_until(lambda: len(watcher.presence) == 12)
            readers = {watcher.you["connection"], writer.you["connection"]}
            room = hub_of(apps[0]).rooms[live.board_id]
            quiet = [c for c in room.members.values() if c.id not in readers]
            assert len(quiet) == len(silent)
            assert all(server_end_open(s) for s in silent)
            async with asyncio.timeout(WAIT * 3):
                await writer.command(add("n-long"))
                for batch in range(8):
                    edits = [
                        {"type": "note.edit", "note_id": "n-long", "text": f"{n:03d}" + "😀" * 497}
                        for n in range(50 * batch, 50 * batch + 50)
                    ]
                    acks = [await writer.send_command(edit) for edit in edits]
                    final = (await asyncio.gather(*acks))[-1]["version"]
                await watcher.wait_for_version(final)  # the peer kept up all along
            async with asyncio.timeout(WAIT):  # the writer has stopped: no queue grows now
                await wait_until(lambda: all(c.closed for c in quiet))
                await wait_until(lambda: not readers ^ set(watcher.presence))  # seen leaving
            assert [c.close_code for c in quiet] == [protocol.CLOSE_SLOW] * len(quiet)
            async with asyncio.timeout(WAIT * 2):  # and the server let go of their sockets
                await wait_until(lambda: not any(server_end_open(s) for s in silent))
            async with asyncio.timeout(WAIT):
                more = await writer.command(add(text="after the silent ones went"))
                await watcher.wait_for_version(more["version"])
            assert (watcher.gaps, watcher.duplicates, watcher.close_code) == (0, 0, None)
        finally:
            for sock in silent:
                sock.close()
            await watcher.close()
            await writer.close()


async def stop_reading_while_others_write(live: Live, hub: Hub, cap: int) -> None:
    watcher, writer = await live.client(), await live.client()
    # A small receive window, and the server's bounded send buffer (service/server.py): little
    # is held in the kernels, so the queue behind them grows past its cap quickly.
    tiny = socket.socket()
    tiny.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tiny.setblocking(False)
    await asyncio.get_running_loop().sock_connect(
        tiny, ("127.0.0.1", int(live.url.rsplit(":", 1)[1]))
    )
    async with asyncio.timeout(WAIT):
        slow = await connect(await live.ws_url(), sock=tiny, max_queue=1, compression=None)
        await slow.send('{"type": "hello"}')
        slow_id = msgspec.json.decode(await slow.recv())["you"]["connection"]
        await wait_until(lambda: slow_id in watcher.presence)
    room = hub.rooms[live.board_id]
    connection = room.members[slow_id]
    assert connection.max_bytes == cap
    peak = Peak(lambda: connection.queued_bytes).start()
    try:
        async with asyncio.timeout(WAIT * 3):
            sent = 0
            while slow_id in room.members and sent < 5000:
                acks = [await writer.send_command(add(text="x" * 500)) for _ in range(50)]
                final = (await asyncio.gather(*acks))[-1]["version"]
                sent += 50
            assert slow_id not in room.members, "the slow client was never dropped"
        async with asyncio.timeout(WAIT):  # reading again, it finds the 4008 close
            assert await close_code_after_draining(slow) == 4008
        async with asyncio.timeout(WAIT):
            await wait_until(lambda: slow_id not in watcher.presence)  # peers saw it leave
            await watcher.wait_for_version(final)
            more = await writer.command(add(text="after the slow one left"))
            await watcher.wait_for_version(more["version"])
        assert (watcher.gaps, watcher.duplicates) == (0, 0)
        assert 0 < peak.most <= cap
        assert connection.closed
        assert connection.queued_bytes == 0
    finally:
        await peak.stop()
        await slow.close()
        await watcher.close()
        await writer.close()


def malformed_frames(rng: random.Random, count: int) -> list[str | bytes]:
    """``count`` frames the server must answer with one ``error`` each and never apply."""
    makers: list[Any] = [
        lambda: rng.randbytes(rng.randint(1, 200)),  # binary noise
        lambda: "".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(1, 40))),
        lambda: b"\xff\xfe" + rng.randbytes(10),  # not UTF-8 at all
        lambda: (
            f'{{"type": "command", "op_id": "{new_id()}", "command": {{"type": "note.add",'
            ' "note_id": "\xff"'
        ),  # cut short
        lambda: "[1, 2, 3]",
        lambda: '["command", {"op_id": "x"}]',
        lambda: "42",
        lambda: "null",
        lambda: "{}",
        lambda: '{"type": "teleport"}',
        lambda: '{"type": "command", "op_id": 5, "command": {"type": "note.add"}}',
        lambda: f'{{"type": "command", "op_id": "{new_id()}"}}',
        lambda: (
            f'{{"type": "command", "op_id": "{new_id()}", "command": {{"type": "note.teleport",'
            ' "note_id": "n1"}}'
        ),
        lambda: (
            f'{{"type": "command", "op_id": "{new_id()}", "command": {{"type": "note.add",'
            ' "note_id": "n1", "text": "half a hint", "near": {"x": 0}}}'
        ),
        lambda: (
            f'{{"type": "command", "op_id": "{new_id()}", "command": {{"type": "note.add",'
            ' "note_id": "n1", "text": "x", "x": "left", "y": 0}}'
        ),
        lambda: '{"type": "presence", "cursor": {"x": 1e12, "y": 0}}',
        lambda: '{"type": "hello", "since": -1}',
        lambda: '{"type": "hello"}',  # already joined
        lambda: '{"type": "ping", "t": "soon"}',
    ]
    return [rng.choice(makers)() for _ in range(count)]


async def test_malformed_frames_get_one_error_each_and_change_nothing(live: Live) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    good = await live.client()
    start = good.version
    acked: list[str] = []
    stop = asyncio.Event()

    async def keep_writing() -> None:
        while not stop.is_set():
            op_id = new_id()
            await good.command(add(), op_id)
            acked.append(op_id)

    async def hostile(frames: list[str | bytes]) -> None:
        async with connect(await live.ws_url(), compression=None) as bad:
            await bad.send('{"type": "hello"}')
            assert msgspec.json.decode(await bad.recv())["type"] == "welcome"
            errors: list[JSON] = []

            async def read() -> None:
                async for raw in bad:
                    frame = msgspec.json.decode(raw)
                    if frame["type"] == "pong":
                        return
                    assert frame["type"] in ("error", "events", "presence"), frame
                    if frame["type"] == "error":
                        errors.append(frame)

            reader = asyncio.create_task(read())
            for frame in frames:
                await bad.send(frame)
            await bad.send('{"type": "ping"}')  # answered after every frame before it
            await reader
            assert len(errors) == len(frames), f"seed {seed}"
            codes = {e["code"] for e in errors}
            assert codes <= {"malformed_json", "invalid_frame", "already_joined"}, codes

    async def oversize() -> int | None:
        async with connect(await live.ws_url(), compression=None, max_size=None) as big:
            await big.send(add(text="x" * 70_000)["text"])
            return await close_code_after_draining(big)

    writing = asyncio.create_task(keep_writing())
    try:
        async with asyncio.timeout(WAIT * 3):
            batches = [malformed_frames(rng, 2_500) for _ in range(4)]
            await asyncio.gather(*(hostile(frames) for frames in batches))
            assert await asyncio.gather(*(oversize() for _ in range(3))) == [1009] * 3
            stop.set()
            await writing
            assert acked  # the good client was served all along
            await good.wait_for_version(start + len(acked))
        recorded = await live.events()
        assert [e["command_id"] for e in recorded[start:]] == acked
        assert (good.gaps, good.duplicates, good.errors) == (0, 0, [])
    finally:
        writing.cancel()
        await good.close()


# --------------------------------------------------------------------------- revocation and logs


async def test_a_removed_person_and_a_revoked_invite_lose_their_open_sockets(live: Live) -> None:
    path = f"/api/workshops/{live.workshop_id}"
    invite = await live.http.post(
        f"{path}/invites", json={"role": "participant"}, headers=live.headers()
    )
    invited = invite.json()
    joined = await live.http.post(
        f"{path}/join", json={"name": "Anna"}, headers=live.headers(invited["token"])
    )
    anna = joined.json()
    second = await live.http.post(
        f"{path}/invites", json={"role": "participant"}, headers=live.headers()
    )
    ben_invite = second.json()
    opened = await live.http.post("/api/auth/session", headers=live.headers(ben_invite["token"]))
    ben_session = opened.json()["token"]
    watcher = await live.client()
    anna_socket, ben_socket = await live.client(anna["token"]), await live.client(ben_session)
    try:
        removed = await live.http.post(
            f"{path}/people/{anna['actor_id']}/remove", headers=live.headers()
        )
        assert removed.status_code == 200, removed.text
        await wait_until(lambda: anna_socket.close_code is not None)
        assert anna_socket.close_code == 4401
        async with asyncio.timeout(WAIT):
            made = await watcher.command(add(text="the others go on"))
            await ben_socket.wait_for_version(made["version"])
        revoke = f"{path}/invites/{ben_invite['invite_id']}/revoke"
        assert (await live.http.post(revoke, headers=live.headers())).status_code == 200
        await wait_until(lambda: ben_socket.close_code is not None)
        assert ben_socket.close_code == 4401
        async with asyncio.timeout(WAIT):
            await watcher.command(add(text="still live"))
    finally:
        for socket_ in (watcher, anna_socket, ben_socket):
            await socket_.close()


async def test_a_removed_organiser_loses_the_sockets_of_the_workshops_they_created(
    live: Live,
) -> None:
    """The organiser is the first facilitator of the workshop they create (``live.token``):
    removed by the operator, that socket closes with 4401 and that token opens nothing; the
    others on the board go on."""
    path = f"/api/workshops/{live.workshop_id}"
    invite = await live.http.post(
        f"{path}/invites", json={"role": "participant"}, headers=live.headers()
    )
    joined = await live.http.post(
        f"{path}/join", json={"name": "Anna"}, headers=live.headers(invite.json()["token"])
    )
    anna = joined.json()["token"]
    mine = await live.http.get("/api/programmes", headers=live.headers(live.organiser))
    organiser_id = mine.json()["organiser"]["id"]
    hosting, watcher = await live.client(), await live.client(anna)
    try:
        await organisers.remove(live.ctx, organiser_id)
        await wait_until(lambda: hosting.close_code is not None)
        assert hosting.close_code == 4401
        answer = await live.http.get(path, headers=live.headers())
        assert answer.status_code == 401
        assert await ticket_status(live, live.token, live.board_id) == 401
        async with asyncio.timeout(WAIT):
            await watcher.command(add(text="the others go on"))
        assert watcher.close_code is None
    finally:
        await hosting.close()
        await watcher.close()


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_no_token_or_ticket_reaches_the_server_log(app_settings: Settings) -> None:
    captured = Captured()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn.access")]
    async with started(app_settings, log_level="info") as server:
        for logger in loggers:
            logger.addHandler(captured)
        try:
            async with httpx2.AsyncClient(base_url=base_url(server), timeout=WAIT) as http:
                live = await live_on(base_url(server), http, plenary_of(server))
                url = await live.ws_url()
                ticket = url.rsplit("ticket=", 1)[1]
                async with connect(url):
                    pass
                by_hand = url.split("?")[0] + f"?token={live.token}"
                assert await refused_status(by_hand) == 403
                await live.http.get(f"/api/boards/{live.board_id}?token={live.token}")
        finally:
            for logger in loggers:
                logger.removeHandler(captured)
    text = "\n".join(captured.lines)
    assert "WebSocket /ws/boards/" in text  # the request lines were logged…
    assert "ticket=[redacted]" in text
    assert ticket not in text  # …without the ticket
    assert live.token not in text  # or a token, even one put in a URL by hand
    assert live.organiser not in text


async def test_five_hundred_malformed_frames_get_a_typed_answer_each_and_keep_the_socket(
    live: Live,
) -> None:
    """Every family of malformed input, as text and binary frames: one ``error`` (or, for a
    command the rules refuse, one ``reject``) each, the socket stays open, nothing is stored.
    A text frame that is not UTF-8 and a frame over 64 KiB close as the protocol says."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    note = b'"type": "note.add", "note_id": "n-bad", "text": "x", "x": N, "y": 0'
    targets = [
        Target(
            b'{"type": "presence", "cursor": {"x": 1, "y": 2}}',
            b'{"type": "presence", "cursor": {"x": N, "y": 2}}',
        ),
        Target(b'{"type": "hello", "since": 1}', b'{"type": "hello", "since": N}'),
        Target(b'{"type": "ping", "t": 1}', b'{"type": N, "t": 1}'),
        Target(
            b'{"type": "command", "op_id": "op-bad", "command": {'
            + note.replace(b"N", b"1")
            + b"}}",
            b'{"type": "command", "op_id": "op-bad", "command": {' + note + b"}}",
        ),
    ]
    codes = documented_codes()
    gone = {"command": {"type": "note.delete", "note_id": "no-such-note"}}
    head = (await live.http.get("/api/health")).json()["head"]
    peer = await live.client()

    async def hostile(frames: list[bytes]) -> None:
        async with connect(await live.ws_url(), compression=None, max_size=None) as bad:
            await bad.send('{"type": "hello"}')
            assert msgspec.json.decode(await bad.recv())["type"] == "welcome"
            answers: list[JSON] = []
            for frame in frames:
                try:
                    await bad.send(frame.decode())  # a text frame where it is UTF-8
                except UnicodeDecodeError:
                    await bad.send(frame)
            # Answered after everything before them: a ping by the reader, a command (which
            # the rules refuse) after the commands before it.
            await bad.send(b'{"type": "ping", "t": -1}')
            await bad.send(msgspec.json.encode({"type": "command", "op_id": "last", **gone}))
            ends: set[str] = set()
            async for raw in bad:
                answer = msgspec.json.decode(raw)
                if answer["type"] == "pong" and answer["t"] == -1:
                    ends.add("pong")
                elif answer["type"] == "reject" and answer["op_id"] == "last":
                    ends.add("reject")
                elif answer["type"] in ("error", "reject"):
                    answers.append(answer)
                if len(ends) == 2:
                    break
            assert len(answers) == len(frames), f"seed {seed}"
            assert {a["code"] for a in answers} <= codes, f"seed {seed}"
            assert bad.close_code is None  # still open

    async def closed_by(frame: bytes, *, text: bool) -> int | None:
        async with connect(await live.ws_url(), compression=None, max_size=None) as ws:
            await ws.send('{"type": "hello"}')
            await ws.recv()
            await ws.send(frame, text=text)
            return await close_code_after_draining(ws)

    try:
        async with asyncio.timeout(WAIT * 3):
            batches = [malformed(rng, target, 125) for target in targets]
            await asyncio.gather(*(hostile(frames) for frames in batches))
            assert await closed_by(b'{"type": "ping", "t": "\xff"}', text=True) == 1007
            assert await closed_by(b'{"t": "' + b"x" * 70_000 + b'"}', text=False) == 1009
            assert await peer.command(add()) is not None  # the peer was served throughout
        assert (await live.http.get("/api/health")).json()["head"] == head + 1
        assert (peer.gaps, peer.errors, peer.close_code) == (0, [], None)
    finally:
        await peer.close()
