"""Wake-ups from other service instances: PostgreSQL ``LISTEN`` on the store's channel.

Every commit on PostgreSQL sends an empty ``NOTIFY``. This listener, one per process, then
reads what the log gained since the last position it saw and hands those events to the hub
(which skips what it already delivered) and the projector: several ``plenary serve``
processes behave as one service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from domain.recorded import RecordedEvent
from service.store import EventStore

log = logging.getLogger("plenary.notify")

Deliver = Callable[[list[RecordedEvent]], None]


class PgWakeups:
    """Listens on the store's channel and calls ``deliver(events)`` with what is new."""

    def __init__(self, store: EventStore, url: str, deliver: Deliver) -> None:
        self.store = store
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.deliver = deliver
        self._conn: Any = None
        self._position = 0
        self._signal = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._position = (await self.store.head()).position
        self._task = asyncio.create_task(self._run(), name="pg-wakeups")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._close()

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    async def _listen(self) -> None:
        assert self.store.channel is not None
        self._conn = await asyncpg.connect(self.dsn, timeout=5)
        await self._conn.add_listener(self.store.channel, self._notified)
        self._signal.set()  # catch up on what was committed while not listening

    def _notified(self, *_args: object) -> None:
        self._signal.set()

    async def _run(self) -> None:
        while True:
            try:
                if self._conn is None or self._conn.is_closed():
                    await self._listen()
                await self._signal.wait()
                self._signal.clear()
                await self._catch_up()
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("listening for other instances failed (%s); retrying", exc)
                await self._close()
                await asyncio.sleep(1.0)

    async def _catch_up(self) -> None:
        while batch := await self.store.read_all(self._position, 1000):
            self._position = batch[-1].position
            self.deliver(batch)
