"""The projector in its own process: read models kept caught up, restarted, never orphaned."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest
from starlette.applications import Starlette

from domain import board
from domain.actor import Actor
from domain.streams import board_stream
from projections.board_view import BOARD_VIEW
from service.app import close_plenary, open_plenary, project_until_closed
from service.context import Plenary
from service.readside.projector import ProjectorProcess
from service.readside.readmodels import SqlViewStore
from service.server import started
from service.settings import Settings
from service.store import StoreUnavailable
from tests.conftest import StoreLocation
from tests.service.seed import create_workshop_and_board
from tests.service.store.support import meta, new_event
from tests.waiting import until

HOST = Actor(id="host", role="facilitator", name="Host")
WAIT = 30.0


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[tuple[Plenary, ProjectorProcess]]:
    """The app under uvicorn on a free loopback port, with its projector process."""
    async with started(settings) as server:
        state = cast(Starlette, server.config.app).state
        yield state.plenary, state.projector_process


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def add_note(ctx: Plenary, n: int) -> None:
    command = board.AddNote(note_id=f"n{n}", text=f"note {n}", x=n, y=n)
    await ctx.runner.execute(board.DECIDER, board_stream("b"), command, HOST, f"note-{n}")


async def projected_to(views: SqlViewStore, head: int) -> None:
    """Wait until the stored board view's checkpoint reaches ``head`` (written by another
    process, so polled)."""

    async def reached() -> bool:
        return (await views.checkpoint(BOARD_VIEW.name) or (0, 0))[1] >= head

    await until(reached, within=WAIT, what=f"the board view is projected to {head}", every=0.05)


async def caught_up(ctx: Plenary) -> None:
    """Wait until the stored board view is at the log's head, then check it is the fold."""
    await projected_to(ctx.views, (await ctx.store.head()).position)
    stored = await ctx.views.load_views(BOARD_VIEW.name, ["b"])
    assert BOARD_VIEW.decode(stored["b"]) == await ctx.reads.board_view("b")


async def test_serve_keeps_read_models_in_a_child_that_comes_back(
    app_settings: Settings,
) -> None:
    settings = dataclasses.replace(app_settings, projector="process")
    async with serving(settings) as (ctx, process):
        assert process.pid is not None
        assert process.pid != os.getpid()
        first = process.pid
        await create_workshop_and_board(ctx, HOST)
        for n in range(5):
            await add_note(ctx, n)
        await caught_up(ctx)

        os.kill(first, signal.SIGKILL)
        await until(
            lambda: process.starts >= 2 and process.pid is not None,
            within=WAIT,
            what="the projector process is started again",
            every=0.05,
        )
        assert process.pid != first
        for n in range(5, 8):
            await add_note(ctx, n)
        await caught_up(ctx)
        second = process.pid

    assert not alive(first)
    assert not alive(second), "the projector process stops with the server"


async def test_inline_mode_starts_no_process(app_settings: Settings) -> None:
    async with serving(app_settings) as (_ctx, process):
        assert app_settings.projector == "inline"
        assert process is None


async def test_a_projector_stops_when_its_stdin_closes(store_location: StoreLocation) -> None:
    store = await store_location.open()  # migrated, as serve leaves it
    views = await SqlViewStore.for_store(store)
    env = {**os.environ, "PLENARY_DATABASE_SCHEMA": store_location.schema or ""}
    try:
        child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "service.cli", "project", "--follow-stdin"),
            *("--database", store_location.url),
            stdin=asyncio.subprocess.PIPE,
            env=env,
        )
        assert child.stdin is not None
        # A board recorded now is projected only by a child that is still running.
        created = new_event(
            "board.created", type="board.created", board_id="b", workshop_id="w", title="T"
        )
        [event] = await store.append(board_stream("b"), [created], 0, meta())
        child.stdin.write(b"w")
        await projected_to(views, event.position)
        assert child.returncode is None, "it keeps running while the pipe is open"
        child.stdin.close()
        async with asyncio.timeout(WAIT):
            assert await child.wait() == 0
    finally:
        await views.close()
        await store.close()


async def test_a_read_only_store_refuses_writes(store_location: StoreLocation) -> None:
    writer = await store_location.open()
    try:
        [event] = await writer.append("board-1", [new_event()], 0, meta())
    finally:
        await writer.close()
    reader = await store_location.open(read_only=True)
    try:
        assert await reader.read_all() == [event]
        with pytest.raises(StoreUnavailable, match="reading only"):
            await reader.append("board-1", [new_event()], 1, meta())
        with pytest.raises(StoreUnavailable, match="reading only"):
            await reader.save_snapshot("board-1", 1, "board", b"state")
        reader.save_snapshot_soon("board-1", 1, "board", b"state")  # dropped
        assert await reader.load_snapshot("board-1", "board") is None
    finally:
        await reader.close()


def test_the_projector_mode_comes_from_the_environment(tmp_path: object) -> None:
    env = {"PLENARY_SECRET": "s" * 32, "PLENARY_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).projector == "process"
    assert Settings.from_env({**env, "PLENARY_PROJECTOR": "inline"}).projector == "inline"
    with pytest.raises(ValueError, match="PLENARY_PROJECTOR"):
        Settings.from_env({**env, "PLENARY_PROJECTOR": "thread"})


async def test_wakes_are_coalesced_and_the_last_one_is_never_dropped(tmp_path: Path) -> None:
    received = tmp_path / "wakes"
    received.write_bytes(b"")
    record = (  # each byte as it comes
        "import sys; out = open(sys.argv[1], 'ab', buffering=0)\n"
        "while byte := sys.stdin.buffer.read(1): out.write(byte)"
    )
    gap = 0.2
    process = ProjectorProcess([sys.executable, "-c", record, str(received)], wake_gap=gap)
    await process.start()
    try:
        for _ in range(50):  # a burst of commits inside one gap
            process.wake()
        # The first is sent at once, the trailing one at the end of the gap.
        await until(lambda: received.read_bytes() == b"ww", within=WAIT, what="two wakes")
        gap_over = time.monotonic() + gap
        await until(lambda: time.monotonic() > gap_over, within=WAIT, what="the next gap over")
        process.wake()  # a later commit, after the gap: sent at once (stop drops a trailing one)
    finally:
        await process.stop()
    assert received.read_bytes() == b"www"


async def test_one_projector_per_database_holds_the_lease(store_location: StoreLocation) -> None:
    store = await store_location.open(read_only=True)
    views = await SqlViewStore.for_store(store)
    first, second = views.lease(), views.lease()
    try:
        assert await first.try_take()
        assert not await second.try_take()
        assert not second.held
        await first.release()
        assert await second.try_take()
        assert not await first.try_take()
    finally:
        await first.release()
        await second.release()
        await views.close()
        await store.close()


async def test_a_standby_projector_takes_over_when_the_lease_is_free(
    app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="plenary")

    def standing_by() -> int:
        return caplog.text.count("another projector keeps these read models; standing by")

    ctx = await open_plenary(app_settings)
    try:
        await create_workshop_and_board(ctx, HOST)
        await add_note(ctx, 1)
        head = (await ctx.store.head()).position
        holder = ctx.views.lease()  # another instance's projector, say
        assert await holder.try_take()
        wakes = asyncio.StreamReader()
        standby = asyncio.create_task(
            project_until_closed(
                app_settings.database_url, app_settings.database_schema, wakes, 0.1
            )
        )
        # It looks for the lease at start and on each wake or poll: twice, and still waits.
        await until(lambda: standing_by() >= 1, within=WAIT, what="the standby starts")
        wakes.feed_data(b"w")
        await until(lambda: standing_by() >= 2, within=WAIT, what="the standby looks again")
        assert await ctx.views.checkpoint(BOARD_VIEW.name) is None, "it waits for the lease"

        await holder.release()
        await caught_up(ctx)
        assert (await ctx.views.checkpoint(BOARD_VIEW.name) or (0, 0))[1] == head
        wakes.feed_eof()
        async with asyncio.timeout(WAIT):
            await standby
    finally:
        await close_plenary(ctx)
