"""One client on one board: a bounded outbound queue and its own writer task.

``push`` never blocks: past ``max_bytes`` queued, or with a frame waiting past its deadline to
be handed to the network, the connection is closed with 4008 and the client resumes. One slow
client never slows its board.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable

from domain.actor import Actor
from domain.recorded import RecordedEvent
from service.live import protocol

SEND_STALL_SECONDS = 10.0
"""How long one frame may wait to be handed to the network (the client's TCP window shut,
the kernel's buffer full) before its connection counts as fallen behind and is closed 4008."""
SLOWEST_READER = 32 * 1024
"""Bytes a second the slowest reader still served (256 kbit/s) drains: a frame after a big
one (a welcome) may wait the big one's size at this rate on top of ``SEND_STALL_SECONDS``."""
STALL_SWEEP_SECONDS = 1.0


class Connection:
    """One client on one board. ``push`` never blocks; past ``max_bytes`` queued, or a frame
    waiting past its ``send_deadline`` to be sent, it closes with 4008."""

    def __init__(
        self,
        conn_id: str,
        actor: Actor,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
        max_bytes: int,
        *,
        workshop_id: str = "",
        scope: str | None = None,
        via: str | None = None,
    ) -> None:
        self.id = conn_id
        self.actor = actor
        self.workshop_id = workshop_id
        """The workshop the person's token opens."""
        self.scope = scope
        """The one board the person's token opens, if it is narrowed to one."""
        self.via = via
        """The invite the person's session was opened with (without joining), if any."""
        self._send = send
        self._close = close
        self.max_bytes = max_bytes
        self._queue: deque[str] = deque()
        self._queued = 0
        self._uncounted: str | None = None
        self._ready = asyncio.Event()
        self.closed = False
        self.close_code: int | None = None
        """Why the server closed it (``shut``), if it did."""
        self.send_deadline = 0.0
        """When the frame being sent now counts as stalled (``time.monotonic()``); 0: none."""
        self._after = 0
        """The size of the last frame sent, which the next one may wait behind."""
        self.sent_version = 0
        self.buffering = False
        self.buffer: list[RecordedEvent] = []
        self.writer: asyncio.Task[None] | None = None
        self.closing: asyncio.Task[None] | None = None
        """The close the server started (``shut``), held here until it is done."""

    @property
    def queued_bytes(self) -> int:
        return self._queued

    def start(self) -> None:
        self.writer = asyncio.create_task(self._write(), name=f"ws-writer-{self.id}")

    def push(self, text: str, *, counted: bool = True) -> None:
        """Queue ``text`` for sending; a client too far behind is closed with 4008. A frame
        pushed with ``counted=False`` (the welcome) does not count toward ``max_bytes``."""
        if self.closed:
            return
        if counted:
            self._queued += len(text)
            if self._queued > self.max_bytes:
                self.shut(protocol.CLOSE_SLOW, "too slow: reconnect and resume with since")
                return
        else:
            self._uncounted = text
        self._queue.append(text)
        self._ready.set()

    def shut(self, code: int, reason: str) -> None:
        """Close from the server side without waiting (the writer stops; the socket closes)."""
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self.send_deadline = 0.0
        self._queue.clear()
        self._queued = 0
        self._uncounted = None
        self.buffer.clear()
        if self.writer is not None:
            self.writer.cancel()
        self.closing = asyncio.create_task(self._close_quietly(code, reason))

    async def _close_quietly(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._close(code, reason), timeout=2.0)

    async def _write(self) -> None:
        while not self.closed:
            await self._ready.wait()
            self._ready.clear()
            while self._queue and not self.closed:
                text = self._queue.popleft()
                if text is self._uncounted:
                    self._uncounted = None
                else:
                    self._queued -= len(text)
                allowance = SEND_STALL_SECONDS + self._after / SLOWEST_READER
                self.send_deadline = time.monotonic() + allowance
                try:
                    await self._send(text)
                except Exception:  # the socket is gone; the reader notices and leaves
                    self.closed = True
                    return
                self.send_deadline = 0.0
                self._after = len(text)

    def stalled(self, now: float) -> bool:
        """Whether the frame being sent has waited past its deadline (checked by the hub)."""
        return 0.0 < self.send_deadline < now
