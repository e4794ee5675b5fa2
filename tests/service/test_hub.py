"""The hub's rooms, with a fake store: joining races and a store that fails."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from domain.actor import Actor
from domain.recorded import RecordedEvent
from service.live.connection import Connection
from service.live.hub import Hub
from service.store import EventStore, StoreUnavailable


class GatedStore:
    """Answers ``stream_version`` once ``gate`` opens (or fails while ``fail`` is set)."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.fail = False

    async def stream_version(self, _stream_id: str) -> int:
        await self.gate.wait()
        if self.fail:
            raise StoreUnavailable("the database does not answer")
        return 0

    async def read_stream(self, *_args: Any) -> list[RecordedEvent]:
        return []


def connection(name: str) -> Connection:
    async def send(_text: str) -> None:
        return None

    async def close(_code: int, _reason: str) -> None:
        return None

    return Connection(name, Actor(id=name, role="participant"), send, close, 1 << 16)


def hub_on(store: GatedStore) -> Hub:
    return Hub(cast(EventStore, store))


async def test_a_joiner_never_lands_in_a_room_that_emptied_while_it_waited() -> None:
    store = GatedStore()
    hub = hub_on(store)
    first, second = connection("first"), connection("second")

    async def join_and_leave() -> object:
        room = await hub.join(first, "b1")
        hub.leave(first, "b1")  # the room empties and goes before the second one resumes
        return room

    leaving = asyncio.create_task(join_and_leave())
    await asyncio.sleep(0)  # the first joiner created the room and waits for its version
    staying = asyncio.create_task(hub.join(second, "b1"))
    await asyncio.sleep(0)
    store.gate.set()
    emptied, room = await leaving, await staying
    assert room is not emptied
    assert hub.rooms["b1"] is room
    assert set(room.members) == {"second"}


async def test_a_room_whose_store_fails_is_forgotten_and_joiners_hear_why() -> None:
    store = GatedStore()
    store.fail = True
    hub = hub_on(store)
    creator = asyncio.create_task(hub.join(connection("a"), "b1"))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hub.join(connection("b"), "b1"))
    await asyncio.sleep(0)
    store.gate.set()
    for task in (creator, waiter):
        with pytest.raises(StoreUnavailable):
            await task
    assert "b1" not in hub.rooms

    store.fail = False
    room = await hub.join(connection("c"), "b1")
    assert hub.rooms["b1"] is room
    assert room.version == 0
