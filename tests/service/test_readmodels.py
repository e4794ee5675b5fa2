"""Read models on SQLite live in a file beside the log's; they follow the log they came from."""

from __future__ import annotations

from pathlib import Path

from service.readmodels import SqlViewStore
from service.store import EventStore
from tests.service.store.support import meta, new_event


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
