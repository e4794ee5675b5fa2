"""A socket's commands: queued per connection, run through ``service.commands.handle`` one
after another, each answered with ``ack`` or ``reject``."""

from __future__ import annotations

import asyncio
from collections import deque

from domain import solution
from domain.errors import PlenaryError
from domain.streams import board_stream
from service.commands.access import Caller
from service.commands.handle import handle
from service.context import Plenary
from service.errors import RateLimited
from service.live import protocol
from service.live.connection import Connection

MAX_PENDING_COMMANDS = 256
"""Commands one connection may have waiting for their ack, the one running included; more
are rejected."""


class CommandQueue:
    """A connection's commands, run one after another in arrival order while its socket
    keeps being read (pings, presence), so a busy board never stalls a client's reader."""

    def __init__(self, ctx: Plenary, conn: Connection, board_id: str) -> None:
        self.ctx, self.conn, self.board_id = ctx, conn, board_id
        self._queue: deque[protocol.CommandFrame] = deque()
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._bucket = ctx.rates.connection()

    def submit(self, frame: protocol.CommandFrame) -> None:
        try:
            self.ctx.rates.spend(self.conn.actor.id, self._bucket)
        except RateLimited as exc:
            reject(self.conn, frame.op_id, exc.code, exc.message, exc.retry_after)
            return
        if len(self._queue) + self._running >= MAX_PENDING_COMMANDS:
            reject(
                self.conn,
                frame.op_id,
                "too_many_pending",
                f"At most {MAX_PENDING_COMMANDS} commands may wait for their ack.",
            )
            return
        self._queue.append(frame)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"ws-commands-{self.conn.id}")

    async def _run(self) -> None:
        while self._queue and not self.conn.closed:
            frame = self._queue.popleft()
            self._running = True  # it still waits for its ack: it counts toward the limit
            try:
                await _command(self.ctx, self.conn, self.board_id, frame)
            finally:
                self._running = False

    def cancel(self) -> None:
        self._queue.clear()
        if self._task is not None:
            self._task.cancel()


async def _command(
    ctx: Plenary, conn: Connection, board_id: str, frame: protocol.CommandFrame
) -> None:
    """Run ``frame``'s command through ``service.commands.handle``, as the socket's person,
    on the socket's board, its workshop, or the track the frame names; ``ack`` or ``reject``."""
    caller = Caller(actor=conn.actor, workshop_id=conn.workshop_id, scope=conn.scope)
    command = frame.command
    on = board_id
    if isinstance(command, solution.SolutionCommand):
        on = command.track_id if isinstance(command, solution.StartTrack) else frame.track_id or ""
    try:
        done = await handle(ctx, caller, command, frame.op_id, on=on, transport="ws")
    except PlenaryError as exc:  # a rule said no, a conflict outlasted retries, store down
        reject(conn, frame.op_id, exc.code, exc.message)
        return
    stream_id = None if done.stream_id == board_stream(board_id) else done.stream_id
    ack = protocol.Ack(
        op_id=frame.op_id,
        version=done.version,
        stream_id=stream_id,
        duplicate=done.duplicate,
        event_versions=[r.version for r in done.events],
    )
    conn.push(protocol.encode(ack).decode())


def reject(
    conn: Connection, op_id: str, code: str, message: str, retry_after: float | None = None
) -> None:
    refusal = protocol.Reject(op_id=op_id, code=code, message=message, retry_after=retry_after)
    conn.push(protocol.encode(refusal).decode())
