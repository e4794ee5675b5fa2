"""Sealing: signed checkpoints of the log's head, written into the data folder while it grows.

A seal is one Ed25519 signature of (epoch, position, hash) and one fsynced line of
``checkpoints.jsonl`` (``service/checkpoints.py``). What is sealed can no longer be rewritten
unseen by someone who can write the database but not the data folder; what came after the
latest seal is proved only by the chain and the commands records, so the server seals soon
after commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.errors import PlenaryError
from service.integrity import checkpoints
from service.store import EventStore, Head

log = logging.getLogger(__name__)

SEAL_SECONDS = 5.0
"""The server seals at most this often, soon after commits."""


class Sealer:
    """Seals ``store``'s head into ``data_dir``: on ``start``, then after commits, at most
    once every ``interval`` seconds, and once more on ``close``.

    ``wake`` never blocks (call it from a store listener). A seal that fails is logged and
    tried again after the next commit. The key is created on the first seal if missing.
    """

    def __init__(self, store: EventStore, data_dir: Path, interval: float = SEAL_SECONDS) -> None:
        self._store = store
        self._data_dir = data_dir
        self._interval = interval
        self._key: Ed25519PrivateKey | None = None
        self._sealed = 0
        self._moved = asyncio.Event()
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """The head moved: seal it soon."""
        self._moved.set()

    async def start(self) -> None:
        """Seal the head now, then keep sealing after commits (raises if this seal fails)."""
        await self.seal()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="plenary-sealer")

    async def close(self) -> None:
        """Stop, and seal the head one last time (raises if that fails)."""
        self._closing.set()
        self._moved.set()
        if self._task is not None:
            await self._task
        await self.seal()

    async def seal(self) -> int:
        """Sign the head into the data folder if it moved since the last seal; its position."""
        head = await self._store.head()
        if head.position in (0, self._sealed):
            return self._sealed
        await asyncio.to_thread(self._write, head)
        self._sealed = head.position
        return head.position

    def _write(self, head: Head) -> None:
        if self._key is None:
            self._key = checkpoints.load_or_create_key(self._data_dir)
        signed = checkpoints.sign(self._key, self._store.epoch, head.position, head.hash)
        checkpoints.append(self._data_dir, signed)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):  # one seal per interval at most
                async with asyncio.timeout(self._interval):
                    await self._closing.wait()
            await self._moved.wait()
            self._moved.clear()
            if self._closing.is_set():
                return
            try:
                await self.seal()
            except (PlenaryError, OSError, ValueError):
                log.exception("could not seal a checkpoint; trying again after the next commit")
