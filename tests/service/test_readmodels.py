"""Read models: on SQLite in a file beside the log's, following the log they came from; one
projector per database holds their lease, on either backend."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from projections.board_view import BOARD_VIEW
from service.readside.readmodels import ProjectorLease, SqlViewStore
from service.store import EventStore
from service.store.engine import create_engine
from tests.conftest import postgres_connection, require_postgres, throwaway_database
from tests.service import served
from tests.service.store.support import meta, new_event
from tests.waiting import until


async def _opened(path: Path) -> tuple[EventStore, SqlViewStore]:
    store = await EventStore.open(f"sqlite+aiosqlite:///{path}")
    return store, await SqlViewStore.for_store(store)


async def _close(store: EventStore, views: SqlViewStore) -> None:
    await views.close()
    await store.close()


def _remove_log(folder: Path) -> None:
    """The log's file (and its WAL) goes; ``plenary-views.db`` stays."""
    for leftover in folder.glob("plenary.db*"):
        leftover.unlink()


async def test_views_survive_a_restart_of_the_same_log(tmp_path: Path) -> None:
    store, views = await _opened(tmp_path / "plenary.db")
    await store.append("board-1", [new_event()], 0, meta())
    await views.save("board_view", 3, 1, {"1": b"{}"})
    await _close(store, views)

    store, views = await _opened(tmp_path / "plenary.db")
    try:
        assert await views.checkpoint("board_view") == (3, 1)
        assert await views.load_views("board_view", ["1"]) == {"1": b"{}"}
    finally:
        await _close(store, views)


async def test_views_of_a_replaced_log_are_forgotten(tmp_path: Path) -> None:
    log = tmp_path / "plenary.db"
    store, views = await _opened(log)
    await store.append("board-1", [new_event()], 0, meta())
    await views.save("board_view", 3, 1, {"1": b"{}"})
    await _close(store, views)
    _remove_log(tmp_path)

    store, views = await _opened(log)
    try:
        assert (tmp_path / "plenary-views.db").exists()
        assert await views.checkpoint("board_view") is None
        assert await views.load_views("board_view", ["1"]) == {}
    finally:
        await _close(store, views)


@pytest.mark.postgres
@pytest.mark.parametrize("objid", [-(2**31), -1, 0, 2**31 - 1])
async def test_the_lease_is_one_holder_at_a_time_for_every_key(objid: int) -> None:
    """Keys at the edges of int4 too: the default schema's key is -2^31."""
    engine, _ = create_engine(await require_postgres(), None)
    key = (random.randint(1, 2**31 - 1), objid)  # a class of its own: no other run's lease
    first, second = ProjectorLease(engine, key, None), ProjectorLease(engine, key, None)
    try:
        assert await first.try_take()
        assert not await second.try_take()
        await first.release()
        assert await second.try_take()
    finally:
        await first.release()
        await second.release()
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
async def test_serve_on_postgres_without_a_schema_keeps_its_read_models(tmp_path: Path) -> None:
    """``plenary serve`` on a database of its own with no schema set: its projector child
    takes the lease and stores the views of what people write over HTTP."""
    async with throwaway_database(await require_postgres()) as url:
        env = served.serve_env(tmp_path / "var", url)
        server = await asyncio.to_thread(served.start, env, "--demo")
        try:
            board_id, head = await asyncio.to_thread(_write_a_board, server)
            views = await _board_views_when_caught_up(url, board_id, head)
        finally:
            output = await asyncio.to_thread(server.stop)
    assert views == 1
    assert "advisory" not in output, output


def _write_a_board(server: served.Served) -> tuple[str, int]:
    """A workshop, a board and three notes over HTTP; the board id and its last position."""
    organiser = server.organiser_session()
    created = served.post(server.base, "/api/workshops", {"title": "Streets"}, organiser)
    token = created["facilitator_token"]
    board = served.post(
        server.base, f"/api/workshops/{created['id']}/boards", {"title": "A"}, token
    )
    for n in range(3):
        note = {"type": "note.add", "note_id": f"n{n}", "text": "Cycle lanes", "x": n, "y": 0}
        served.post(
            server.base,
            f"/api/boards/{board['id']}/commands",
            {"command_id": f"note-{n}", "command": note},
            token,
        )
    health = served.wait_for_health(server.process, server.base)
    return str(board["id"]), int(health["head"])


async def _board_views_when_caught_up(url: str, board_id: str, head: int) -> int:
    """Once the board view's checkpoint reaches ``head`` (30 s at most), how many stored
    views the board has."""
    conn = await postgres_connection(url)
    try:

        async def caught_up() -> bool:
            position = await conn.fetchval(
                "SELECT position FROM projection_checkpoints WHERE name = $1", BOARD_VIEW.name
            )
            return position is not None and position >= head

        await until(caught_up, within=30, what=f"the projector catches up to {head}", every=0.1)
        views: int = await conn.fetchval(
            "SELECT count(*) FROM read_models WHERE projection = $1 AND key = $2",
            BOARD_VIEW.name,
            board_id,
        )
        return views
    finally:
        await conn.close()
