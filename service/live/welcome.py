"""Joining a board's room: registered first, then the board's history (the events missed
since ``hello.since``, or a fresh view), then what arrived meanwhile: no gap, no duplicate."""

from __future__ import annotations

import msgspec

from domain.streams import board_stream
from projections.visibility import Viewer, own_pseudonym, present_view
from service.context import Plenary
from service.live import protocol
from service.live.connection import Connection
from service.live.room import Room
from service.wire import event_out

REPLAY_CAP = 1000
"""Past this many missed events a resuming client gets a fresh view instead."""
REPLAY_BYTES = 1 << 20
"""Past this much stored event data to replay, a resuming client gets a fresh view instead
(which the board's limits bound), so no welcome grows with what its events carry."""


def member(conn: Connection, frame: protocol.PresenceFrame | None = None) -> protocol.Member:
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


async def join(ctx: Plenary, conn: Connection, board_id: str, hello: protocol.Hello) -> Room:
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
    room.touch(conn, member(conn))
    return room


async def _welcome(
    ctx: Plenary, conn: Connection, board_id: str, hello: protocol.Hello, room: Room
) -> protocol.Welcome:
    since = hello.since
    same_epoch = hello.epoch is None or hello.epoch == ctx.store.epoch
    viewer = ctx.reads.viewer(conn.actor)
    you = _you(room, conn, viewer)
    members = [room.shown(m) for m in room.presence.values()]
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


def _you(room: Room, conn: Connection, viewer: Viewer) -> protocol.You:
    actor = conn.actor
    you = protocol.You(id=actor.id, name=actor.name, role=actor.role, connection=conn.id)
    own = own_pseudonym(viewer, room.board_id, room.anonymity)
    if own is None:
        return you
    return msgspec.structs.replace(you, pseudonym=own[0], pseudonym_name=own[1])
