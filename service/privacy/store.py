"""The event store as everything above it reads it: personal texts opened, once, here.

``PrivateStore`` is the ``EventStore`` with every read (``read_stream``, ``read_all``,
``command_events``, what ``append`` and ``append_all`` return, what event listeners get)
passed through ``reveal``: sealed strings become their plaintext, or ``"(erased)"`` once their
person's key is gone. The stored bytes never change: ``verify``, the log export
(``read_all_stored``) and the hash chain see the sealed bytes. Events with no sealed text cost
one ``in`` test.

Reads learn of erasures too: before opening a batch, a ``person.erased`` in it drops that
person's key from this process's cache (so nothing in the batch, or after it, opens with it)
and calls the ``on_erasure`` callbacks, once per person and process. Erasures recorded before
the store opened are known from the key table and call nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.recorded import EventMeta, RecordedEvent
from service.privacy import marker
from service.privacy.keys import PersonKeys
from service.store import AppendPart, EventStore, NewEvent
from service.store.engine import unavailable_on_error
from service.store.schema import snapshots

ErasureListener = Callable[[list[str]], None]
ERASED_TYPE = "person.erased"


class _Erased(msgspec.Struct):
    actor_id: str


_decode_erased = msgspec.json.Decoder(_Erased).decode


class PrivateStore(EventStore):
    """An ``EventStore`` whose readers see personal texts opened. Open with ``open``."""

    keys: PersonKeys

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        schema: str | None = None,
        clock: Callable[[], datetime] | None = None,
        max_batch: int = 512,
        read_only: bool = False,
    ) -> PrivateStore:
        """As ``EventStore.open``; also reads who was erased already."""
        store = await super().open(
            url, schema=schema, clock=clock, max_batch=max_batch, read_only=read_only
        )
        assert isinstance(store, PrivateStore)
        try:
            store._erased = await store.keys.erased()
        except BaseException:
            await store.close()
            raise
        for person_id in store._erased:
            store.keys.forget(person_id)
        return store

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Internal: use ``await PrivateStore.open(url)``."""
        super().__init__(*args, **kwargs)
        self.keys = PersonKeys(self.engine, self.write_engine)
        self._erased: set[str] = set()
        self._erasure_listeners: list[ErasureListener] = []
        self._last: tuple[list[RecordedEvent], list[RecordedEvent]] | None = None

    # ----------------------------------------------------------------- reads, opened

    async def read_stream(
        self, stream_id: str, after_version: int = 0, up_to_version: int | None = None
    ) -> list[RecordedEvent]:
        return await self.reveal(await super().read_stream(stream_id, after_version, up_to_version))

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        return await self.reveal(await super().read_all(after_position, limit))

    async def command_events(self, command_id: str) -> list[RecordedEvent]:
        return await self.reveal(await super().command_events(command_id))

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: int,
        meta: EventMeta,
    ) -> list[RecordedEvent]:
        return await self.reveal(await super().append(stream_id, events, expected_version, meta))

    async def append_all(self, parts: Sequence[AppendPart]) -> list[list[RecordedEvent]]:
        recorded = await super().append_all(parts)
        return [await self.reveal(events) for events in recorded]

    def add_event_listener(
        self, callback: Callable[[list[RecordedEvent]], None]
    ) -> Callable[[], None]:
        """As ``EventStore.add_event_listener``, with the events opened (with the keys this
        process holds: it sealed them, so it has them)."""

        def opened(committed: list[RecordedEvent]) -> None:
            callback(self.reveal_now(committed))

        return super().add_event_listener(opened)

    # ----------------------------------------------------------------- reads, as stored

    async def read_all_stored(
        self, after_position: int = 0, limit: int = 1000
    ) -> list[RecordedEvent]:
        """As ``read_all``, with the bytes as stored (and hashed): texts still sealed."""
        return await super().read_all(after_position, limit)

    async def read_stream_stored(self, stream_id: str) -> list[RecordedEvent]:
        """Every event of ``stream_id`` as stored: texts still sealed."""
        return await super().read_stream(stream_id)

    # ----------------------------------------------------------------- opening

    async def reveal(self, records: list[RecordedEvent]) -> list[RecordedEvent]:
        """``records`` with their sealed texts opened, reading the keys this process lacks."""
        self._learn_erasures(records)
        missing: set[str] = set()
        opened = self._opened(records, missing)
        if not missing:
            return opened
        await self.keys.load(missing)  # once per person and process
        return self._opened(records)

    def reveal_now(self, records: list[RecordedEvent]) -> list[RecordedEvent]:
        """``reveal`` with the keys this process holds, without waiting (listener paths). The
        same list handed to several listeners is opened once."""
        last = self._last
        if last is not None and last[0] is records:
            return last[1]
        self._learn_erasures(records)
        opened = self._opened(records)
        self._last = (records, opened)
        return opened

    def _opened(
        self, records: list[RecordedEvent], missing: set[str] | None = None
    ) -> list[RecordedEvent]:
        """``records`` opened with the keys held; people whose key is not loaded yet are
        added to ``missing`` (if given; else their texts read as erased)."""
        keys = self.keys

        def lookup(person_id: str) -> AESGCM | None:
            if missing is not None and not keys.known(person_id):
                missing.add(person_id)
            return keys.cached(person_id)

        replace = msgspec.structs.replace
        return [
            replace(rec, data=marker.reveal(rec.data, lookup)) if marker.MARK in rec.data else rec
            for rec in records
        ]

    # ----------------------------------------------------------------- erasures

    def on_erasure(self, callback: ErasureListener) -> None:
        """Call ``callback(person_ids)`` when this process first reads the erasure of people
        (in any read or listener batch): after their keys left its cache, before the batch is
        opened. Keep it short and non-blocking."""
        self._erasure_listeners.append(callback)

    def _learn_erasures(self, records: list[RecordedEvent]) -> None:
        fresh: list[str] = []
        for rec in records:
            if rec.type == ERASED_TYPE:
                person_id = _decode_erased(rec.data).actor_id
                if person_id not in self._erased:
                    self._erased.add(person_id)
                    self.keys.forget(person_id)
                    fresh.append(person_id)
        if fresh:
            for callback in list(self._erasure_listeners):
                callback(fresh)

    async def drop_snapshots(self) -> None:
        """Delete every snapshot, after any this process queued was saved: they hold states
        with plaintext in them (snapshots are a cache; loads then replay whole streams)."""
        if not self.read_only:
            # The writer saves queued snapshots together, in order: once this one is saved,
            # so is any queued before it, and the delete below finds them all.
            await self.save_snapshot("", 0, "(flush)", b"")
        async with unavailable_on_error("delete snapshots"), self.write_engine.begin() as conn:
            await conn.execute(sa.delete(snapshots))
