"""Each person's key, in the log's own database (``person_keys``): made on first use, cached
in each process, dropped on erasure.

A key is made with insert-if-absent and then read back, so processes that seal for the same
person at once agree on one key. Erasure sets the key to NULL and keeps the row: no process
ever makes that person a key again, and a text sealed for them afterwards (a late copy) is a
marker nothing opens. The cache holds every key this process used: a few thousand people's
keys are a few hundred kilobytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from service.store.chain import to_micros
from service.store.engine import unavailable_on_error
from service.store.schema import person_keys

KEY_BYTES = 32
"""AES-256."""
_CHUNK = 500
"""Ids per ``IN (...)`` when loading keys."""


class PersonKeys:
    """The keys of a store's database. ``cached`` is synchronous; the rest reads or writes."""

    def __init__(self, engine: AsyncEngine, write_engine: AsyncEngine) -> None:
        """``write_engine`` takes SQLite's write lock first (``BEGIN IMMEDIATE``)."""
        self._engine = engine
        self._write_engine = write_engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._ciphers: dict[str, AESGCM | None] = {}
        """Person id → their cipher, or ``None`` once they are known to be erased."""

    def cached(self, person_id: str) -> AESGCM | None:
        """The cipher this process holds for ``person_id``; ``None`` if erased or not loaded."""
        return self._ciphers.get(person_id)

    def known(self, person_id: str) -> bool:
        """Whether ``cached`` answers for ``person_id`` without a read."""
        return person_id in self._ciphers

    async def for_sealing(self, person_id: str) -> AESGCM | None:
        """``person_id``'s cipher, their key made now if they have none; ``None`` if erased."""
        if person_id in self._ciphers:
            return self._ciphers[person_id]
        await self.load([person_id])
        if person_id not in self._ciphers:
            row = {
                "person_id": person_id,
                "key": os.urandom(KEY_BYTES),
                "created_at": to_micros(datetime.now(UTC)),
            }
            query = sa.select(person_keys.c.key).where(person_keys.c.person_id == person_id)
            async with unavailable_on_error("make a key"), self._write_engine.begin() as conn:
                await conn.execute(self._insert(person_keys).values(row).on_conflict_do_nothing())
                key = await conn.scalar(query)  # ours, or the one another process made first
            self._remember(person_id, key)
        return self._ciphers[person_id]

    async def load(self, person_ids: Iterable[str]) -> None:
        """Read the keys of ``person_ids`` this process does not hold yet. A person with no
        row stays unknown (``cached`` gives ``None``): no text was ever sealed for them."""
        missing = sorted({pid for pid in person_ids if pid not in self._ciphers})
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            query = sa.select(person_keys.c.person_id, person_keys.c.key).where(
                person_keys.c.person_id.in_(chunk)
            )
            async with unavailable_on_error("read keys"), self._engine.connect() as conn:
                rows = (await conn.execute(query)).all()
            for person_id, key in rows:
                self._remember(person_id, key)

    async def shred(self, person_id: str) -> None:
        """Drop ``person_id``'s key for good (a row with no key if they never had one)."""
        now = to_micros(datetime.now(UTC))
        stmt = self._insert(person_keys).values(
            person_id=person_id, key=None, created_at=now, erased_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[person_keys.c.person_id],
            set_={"key": None, "erased_at": sa.func.coalesce(person_keys.c.erased_at, now)},
        )
        async with unavailable_on_error("drop a key"), self._write_engine.begin() as conn:
            if conn.dialect.name == "sqlite":  # zero the freed bytes in the page, not just unlink
                await conn.exec_driver_sql("PRAGMA secure_delete = ON")
            await conn.execute(stmt)
        self.forget(person_id)

    def forget(self, person_id: str) -> None:
        """Hold ``person_id`` as erased from now on (their key was dropped, maybe elsewhere)."""
        self._ciphers[person_id] = None

    async def erased(self) -> set[str]:
        """Everyone whose key was dropped."""
        query = sa.select(person_keys.c.person_id).where(person_keys.c.key.is_(None))
        async with unavailable_on_error("read erasures"), self._engine.connect() as conn:
            return {str(pid) for pid in (await conn.scalars(query)).all()}

    def _remember(self, person_id: str, key: bytes | None) -> None:
        self._ciphers[person_id] = None if key is None else AESGCM(bytes(key))
