"""``/ws/boards/{board_id}?ticket=…``: the live board over a WebSocket.

The ticket and the Origin are checked at the handshake; a refused handshake never upgrades.
Then every frame is decoded with msgspec: a bad one gets a typed ``error`` frame and the
connection stays open; ``hello`` joins the room (``service.live.welcome``), commands queue
for ``ack`` or ``reject`` (``service.live.commands``); events arrive from the hub.

``_session`` (a connection's life) and ``_serve`` (its read loop, one ``case`` per frame type)
run past 15 lines: each is one sequence best read whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from domain.errors import PlenaryError
from service import edge
from service.access.tokens import Claims, Kind, Unauthorized
from service.commands.access import Caller, check_board
from service.context import Plenary
from service.live import protocol
from service.live.commands import CommandQueue, reject
from service.live.connection import Connection
from service.live.room import Room
from service.live.welcome import join, member

log = logging.getLogger("plenary.ws")

SEND_QUEUE_BYTES = 1 << 20
"""Past this many bytes queued for a client it is closed with 4008 (it resumes). The welcome
does not count: it is as big as the board, and a client that reads it is not behind."""
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
                room = await join(ctx, conn, board_id, frame)
            case protocol.CommandFrame():
                if room is None:
                    reject(conn, frame.op_id, "hello_first", "Send hello before commands.")
                    continue
                commands.submit(frame)
            case protocol.PresenceFrame() if room is not None:
                room.touch(conn, member(conn, frame))
            case protocol.PresenceFrame():
                _error(conn, "hello_first", "Send hello before presence.")
            case protocol.Ping():
                conn.push(
                    protocol.encode(protocol.Pong(t=frame.t, server_time=ctx.clock())).decode()
                )


def _error(conn: Connection, code: str, message: str) -> None:
    conn.push(protocol.encode(protocol.ErrorFrame(code=code, message=message)).decode())
