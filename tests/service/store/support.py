"""Builders for store tests: new events with fresh ids, metadata, a small varied log."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec

from domain import board
from domain.actor import Actor
from domain.codec import encode_event, event_type
from domain.recorded import EventMeta, RecordedEvent
from domain.streams import board_stream
from domain.types import Role
from service.store import EventStore, NewEvent
from tests.conftest import StoreLocation

T = TypeVar("T")

_counter = itertools.count(1)


def new_event(kind: str = "note.added", **fields: object) -> NewEvent:
    """A new event with a fresh id and canonical JSON ``data`` (``fields`` or a counter)."""
    data = fields or {"n": next(_counter), "text": "a sticky note"}
    return NewEvent(event_id=str(uuid.uuid4()), type=kind, data=msgspec.json.encode(data))


async def append_batches(
    store: EventStore, board_id: str, batches: list[tuple[list[board.Event], Actor]]
) -> list[RecordedEvent]:
    """Each of ``batches`` (``tests.factories.accepted``'s) appended to board ``board_id``'s
    stream as one command of its actor; the stream as recorded."""
    stream, version = board_stream(board_id), 0
    for events, actor in batches:
        new = [
            NewEvent(event_id=str(uuid.uuid4()), type=event_type(e), data=encode_event(e))
            for e in events
        ]
        await store.append(stream, new, version, meta(actor=actor.id, role=actor.role))
        version += len(new)
    return await store.read_stream(stream)


def meta(
    command_id: str | None = None,
    *,
    actor: str = "alice",
    role: Role = "participant",
    causation_id: str | None = None,
) -> EventMeta:
    """Metadata with a fresh command id unless one is given."""
    command_id = command_id or str(uuid.uuid4())
    return EventMeta(
        actor=actor,
        role=role,
        command_id=command_id,
        correlation_id=f"corr-{command_id}",
        causation_id=causation_id,
    )


async def seed_log(store: EventStore, total: int = 24) -> list[RecordedEvent]:
    """``total`` events over three streams, with varied actors, roles, batch sizes, causation."""
    streams = ["board-a", "board-b", "workshop-w"]
    versions = dict.fromkeys(streams, 0)
    recorded: list[RecordedEvent] = []
    step = 0
    while len(recorded) < total:
        stream = streams[step % 3]
        count = min(1 + step % 3, total - len(recorded))
        role: Role = "facilitator" if step % 2 else "participant"
        cause = None if step % 4 else f"cause-{step}"
        events = [new_event() for _ in range(count)]
        out = await store.append(
            stream,
            events,
            versions[stream],
            meta(actor=f"user{step % 5}", role=role, causation_id=cause),
        )
        versions[stream] = out[-1].version
        recorded += out
        step += 1
    return recorded


async def race(
    store: EventStore,
    location: StoreLocation,
    count: int,
    work: Callable[[EventStore, int], Awaitable[T]],
) -> list[T | BaseException]:
    """``work(writer, i)`` for ``i < count``, all at once; ``writer`` alternates between
    ``store`` and a second store on its database, as a second process would."""
    other = await location.open()
    try:
        stores = (store, other)
        return await asyncio.gather(
            *(work(stores[i % 2], i) for i in range(count)), return_exceptions=True
        )
    finally:
        await other.close()
