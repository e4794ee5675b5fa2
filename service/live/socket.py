"""``/ws/boards/{board_id}?token=…``: the live board over a WebSocket.

The token and the Origin are checked at the handshake; a refused handshake never upgrades.
Then every frame is decoded with msgspec: a bad one gets a typed ``error`` frame and the
connection stays open; commands get ``ack`` or ``reject``; events arrive from the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from domain import solution
from domain.errors import PlenaryError
from domain.streams import board_stream
from projections.visibility import present_view, pseudonym
from service import edge
from service.access.tokens import Claims, Kind, Unauthorized
from service.commands.access import Caller, check_board
from service.commands.handle import handle
from service.context import Plenary
from service.errors import RateLimited
from service.live import protocol
from service.live.connection import Connection
from service.live.room import Room
from service.wire import event_out

log = logging.getLogger("plenary.ws")

REPLAY_CAP = 1000
"""Past this many missed events a resuming client gets a fresh view instead."""
REPLAY_BYTES = 1 << 20
"""Past this much stored event data to replay, a resuming client gets a fresh view instead
(which the board's limits bound), so no welcome grows with what its events carry."""
SEND_QUEUE_BYTES = 1 << 20
"""Past this many bytes queued for a client it is closed with 4008 (it resumes). The welcome
does not count: it is as big as the board, and a client that reads it is not behind."""
MAX_PENDING_COMMANDS = 256
"""Commands one connection may have waiting for their ack; more are rejected."""
TICKET: frozenset[Kind] = frozenset({"ticket"})
CLOSE_TIMEOUT = 1.5
"""How long a close frame may wait for a client that reads nothing before it is dropped."""


async def board_socket(websocket: WebSocket) -> None:
    """The WebSocket endpoint of one board (see ``docs/protocol.md``)."""
    ctx: Plenary = websocket.app.state.plenary
    board_id = websocket.path_params["board_id"]
    refusal = await _refusal(ctx, websocket, board_id)
    if isinstance(refusal, int):
        await websocket.close(code=refusal)
        return
    claims = refusal
    await websocket.accept()
    most = ctx.settings.limits.connections_per_board
    if not ctx.hub.admit(board_id, most):
        await _turn_away(websocket, most)
        return
    try:
        await _session(ctx, websocket, board_id, claims)
    finally:
        ctx.hub.release(board_id)


async def _turn_away(websocket: WebSocket, most: int) -> None:
    """Tell a connection over the board's limit why, and close it (4429)."""
    message = f"A board takes at most {most} connections; try again later."
    frame = protocol.ErrorFrame(code="too_many_connections", message=message)
    with contextlib.suppress(Exception):  # a client that reads nothing is not waited for
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await websocket.send_text(protocol.encode(frame).decode())
            await websocket.close(code=protocol.CLOSE_CROWDED, reason="too many connections")


async def _session(ctx: Plenary, websocket: WebSocket, board_id: str, claims: Claims) -> None:
    """One admitted connection, from its first frame to its close."""
    serving = asyncio.current_task()

    async def close(code: int, reason: str) -> None:
        ctx.hub.leave(conn, board_id)  # peers see it go now, not when its socket ends
        try:
            await asyncio.wait_for(websocket.close(code=code, reason=reason), CLOSE_TIMEOUT)
        except TimeoutError:
            # It reads nothing, not even the close frame: stop serving it, which releases
            # the socket, rather than leave a silent connection that never gets events.
            if serving is not None and not serving.done():
                serving.cancel()
            raise

    conn = Connection(
        str(uuid.uuid4()),
        claims.actor(),
        websocket.send_text,
        close,
        SEND_QUEUE_BYTES,
        workshop_id=claims.wid,
        scope=claims.board,
        via=claims.via,
    )
    conn.start()
    ctx.hub.connections.add(conn)  # watched for a stalled send
    commands = CommandQueue(ctx, conn, board_id)
    try:
        await _serve(ctx, websocket, conn, board_id, commands)
    except asyncio.CancelledError:
        if not conn.closed:
            raise
    finally:
        commands.cancel()
        ctx.hub.connections.discard(conn)
        ctx.hub.leave(conn, board_id)
        conn.shut(protocol.CLOSE_NORMAL, "bye")


class CommandQueue:
    """A connection's commands, run one after another in arrival order while its socket
    keeps being read (pings, presence), so a busy board never stalls a client's reader."""

    def __init__(self, ctx: Plenary, conn: Connection, board_id: str) -> None:
        self.ctx, self.conn, self.board_id = ctx, conn, board_id
        self._queue: deque[protocol.CommandFrame] = deque()
        self._task: asyncio.Task[None] | None = None
        self._bucket = ctx.rates.connection()

    def submit(self, frame: protocol.CommandFrame) -> None:
        try:
            self.ctx.rates.spend(self.conn.actor.id, self._bucket)
        except RateLimited as exc:
            _reject(self.conn, frame.op_id, exc.code, exc.message, exc.retry_after)
            return
        if len(self._queue) >= MAX_PENDING_COMMANDS:
            _reject(
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
            await _command(self.ctx, self.conn, self.board_id, self._queue.popleft())

    def cancel(self) -> None:
        self._queue.clear()
        if self._task is not None:
            self._task.cancel()


async def _refusal(ctx: Plenary, websocket: WebSocket, board_id: str) -> Claims | int:
    """The claims of an acceptable handshake, or the close code that refuses it.

    The handshake carries a ticket (``POST /api/boards/{id}/ticket``), never a lasting token:
    valid for seconds, for this board only, and used up here.
    """
    origin = websocket.headers.get("origin")
    if origin is not None and origin not in ctx.settings.origins():
        return protocol.CLOSE_FORBIDDEN
    try:
        ticket = await ctx.auth.authenticate(websocket.query_params.get("ticket", ""), TICKET)
        if ticket.opens != board_id:
            raise Unauthorized("This ticket opens another board.")
        caller = Caller(actor=ticket.actor(), workshop_id=ticket.wid, scope=ticket.board)
        check_board(caller, await ctx.reads.board_state_or_none(board_id), board_id)
        ctx.auth.redeem(ticket)
    except Unauthorized:
        return protocol.CLOSE_UNAUTHORIZED
    except PlenaryError:
        return protocol.CLOSE_NOT_FOUND
    return ticket


async def _serve(
    ctx: Plenary,
    websocket: WebSocket,
    conn: Connection,
    board_id: str,
    commands: CommandQueue,
) -> None:
    room: Room | None = None
    while not conn.closed:
        try:
            message = await websocket.receive()
        except WebSocketDisconnect:
            return
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") or message.get("bytes") or b""
        try:
            frame = edge.decode(protocol.client_decoder, raw)
        except msgspec.ValidationError as exc:
            _error(conn, "invalid_frame", str(exc))
            continue
        except edge.Malformed as exc:
            _error(conn, exc.code, exc.message)
            continue
        match frame:
            case protocol.Hello():
                if room is not None:
                    _error(conn, "already_joined", "Send hello once per connection.")
                    continue
                room = await _join(ctx, conn, board_id, frame)
            case protocol.CommandFrame():
                if room is None:
                    _reject(conn, frame.op_id, "hello_first", "Send hello before commands.")
                    continue
                commands.submit(frame)
            case protocol.PresenceFrame() if room is not None:
                room.touch(conn, _member(conn, frame))
            case protocol.PresenceFrame():
                _error(conn, "hello_first", "Send hello before presence.")
            case protocol.Ping():
                conn.push(
                    protocol.encode(protocol.Pong(t=frame.t, server_time=ctx.clock())).decode()
                )


def _member(conn: Connection, frame: protocol.PresenceFrame | None = None) -> protocol.Member:
    actor = conn.actor
    if frame is None:
        return protocol.Member(connection=conn.id, id=actor.id, name=actor.name, role=actor.role)
    return protocol.Member(
        connection=conn.id,
        id=actor.id,
        name=actor.name,
        role=actor.role,
        cursor=frame.cursor,
        selection=frame.selection,
        typing=frame.typing,
    )


async def _join(ctx: Plenary, conn: Connection, board_id: str, hello: protocol.Hello) -> Room:
    """Register first (buffering), then read history, then flush what arrived meanwhile."""
    room = await ctx.hub.join(conn, board_id)
    try:
        welcome = await _welcome(ctx, conn, board_id, hello, room)
    except BaseException:
        room.drop(conn)
        raise
    conn.push(protocol.encode(welcome).decode(), counted=False)
    buffered, conn.buffer = conn.buffer, []
    conn.buffering = False
    fresh = [r for r in buffered if r.version > conn.sent_version]
    if fresh:
        conn.push(room.encode_for(conn, fresh))
        conn.sent_version = fresh[-1].version
    room.touch(conn, _member(conn))
    return room


async def _welcome(
    ctx: Plenary, conn: Connection, board_id: str, hello: protocol.Hello, room: Room
) -> protocol.Welcome:
    since = hello.since
    same_epoch = hello.epoch is None or hello.epoch == ctx.store.epoch
    you = _you(room, conn)
    members = [room.shown(m) for m in room.presence.values()]
    viewer = ctx.reads.viewer(conn.actor)
    if since is not None and same_epoch and 0 <= room.version - since <= REPLAY_CAP:
        events = await ctx.store.read_stream(board_stream(board_id), since)
        if sum(len(r.data) for r in events) <= REPLAY_BYTES:
            version = events[-1].version if events else since
            conn.sent_version = version
            shown = await ctx.reads.present_history(board_id, events, viewer)
            return protocol.Welcome(
                board_id=board_id,
                epoch=ctx.store.epoch,
                version=version,
                events=[event_out(r) for r in shown],
                you=you,
                members=members,
                server_time=ctx.clock(),
            )
    view = await ctx.reads.board_view(board_id)
    conn.sent_version = view.version
    return protocol.Welcome(
        board_id=board_id,
        epoch=ctx.store.epoch,
        version=view.version,
        view=present_view(view, viewer),
        you=you,
        members=members,
        server_time=ctx.clock(),
    )


def _you(room: Room, conn: Connection) -> protocol.You:
    actor = conn.actor
    you = protocol.You(id=actor.id, name=actor.name, role=actor.role, connection=conn.id)
    if room.anonymity != "pseudonymous":
        return you
    alias, name = pseudonym(room.hub.pseudonym_key, room.board_id, actor.id)
    return msgspec.structs.replace(you, pseudonym=alias, pseudonym_name=name)


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
        _reject(conn, frame.op_id, exc.code, exc.message)
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


def _reject(
    conn: Connection, op_id: str, code: str, message: str, retry_after: float | None = None
) -> None:
    refusal = protocol.Reject(op_id=op_id, code=code, message=message, retry_after=retry_after)
    conn.push(protocol.encode(refusal).decode())


def _error(conn: Connection, code: str, message: str) -> None:
    conn.push(protocol.encode(protocol.ErrorFrame(code=code, message=message)).decode())
