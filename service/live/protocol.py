"""The WebSocket protocol's frames: JSON objects tagged by ``type``, validated with msgspec.

Client → server: ``hello``, ``command``, ``presence``, ``ping``.
Server → client: ``welcome``, ``events``, ``ack``, ``reject``, ``presence``, ``pong``,
``error``. ``docs/protocol.md`` describes each with an example session.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from domain import board, solution, workshop
from domain.board import Id
from domain.types import Role
from service import edge
from service.wire import EventOut

# Close codes (4000–4999 are the application's own).
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_TOO_BIG = 1009
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_REVOKED = 4401
"""On an open connection: the person was removed, or the invite they came in with revoked."""
CLOSE_SLOW = 4008
"""The client fell too far behind reading; reconnect and resume with ``since``."""
CLOSE_CROWDED = 4429
FRAME_CODES = (
    "invalid_frame",
    "already_joined",
    "hello_first",
    "too_many_pending",
    "too_many_connections",
)
"""Codes of the socket's own ``error`` and ``reject`` frames (``docs/protocol.md``); every other
code a ``reject`` carries is one of ``service.errors.CATALOGUE``."""
"""The board has as many connections as the service allows; try again later."""

Coordinate = Annotated[float, msgspec.Meta(ge=-1_000_000, le=1_000_000)]


# --------------------------------------------------------------------------- client → server


class ClientFrame(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of what a client sends."""


class Hello(ClientFrame, frozen=True, kw_only=True, tag="hello"):
    """Start or resume: ``since`` is the last board version the client holds (null: none)."""

    since: Annotated[int, msgspec.Meta(ge=0, le=edge.MAX_VERSION)] | None = None
    epoch: str | None = None
    """The store epoch the client's state came from; another epoch gets a fresh view."""


AnyCommand = board.Command | workshop.Command | solution.Command
"""Every command a connection may send: the board's own, its workshop's, a solution track's."""


class CommandFrame(ClientFrame, frozen=True, kw_only=True, tag="command"):
    """A command; ``op_id`` is its ``command_id``, so a resend is applied once. Board commands
    apply to the socket's board, workshop commands to its workshop, solution track commands to
    ``track_id`` (a track of the same workshop)."""

    op_id: Id
    command: AnyCommand
    track_id: Id | None = None


class Cursor(msgspec.Struct, frozen=True, kw_only=True):
    x: Coordinate
    y: Coordinate


class PresenceFrame(ClientFrame, frozen=True, kw_only=True, tag="presence"):
    """Ephemeral: where the pointer is, what is selected, which note is being typed in."""

    cursor: Cursor | None = None
    selection: Annotated[tuple[Id, ...], msgspec.Meta(max_length=50)] = ()
    typing: Id | None = None


class Ping(ClientFrame, frozen=True, kw_only=True, tag="ping"):
    t: float | None = None


ClientMessage = Hello | CommandFrame | PresenceFrame | Ping
client_decoder = msgspec.json.Decoder(ClientMessage)


# --------------------------------------------------------------------------- server → client


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """One connection on the board, as peers see it (a person may have two tabs open)."""

    connection: str
    id: str
    name: str
    role: Role
    cursor: Cursor | None = None
    selection: tuple[str, ...] = ()
    typing: str | None = None


class You(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    role: Role
    connection: str
    pseudonym: str | None = None
    """On a pseudonymous board, the id that stands for you in views, events and presence."""
    pseudonym_name: str | None = None


class Welcome(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="welcome"):
    """The answer to ``hello``: either a whole ``view`` at ``version`` or the ``events``
    after the client's ``since`` up to ``version``; then live ``events`` frames follow."""

    board_id: str
    epoch: str
    version: int
    view: Any | None = None
    events: list[EventOut] | None = None
    you: You
    members: list[Member]
    server_time: float | None = None
    """The server's clock (Unix seconds) when it sent this: timers count down against it."""


class Events(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="events"):
    """Recorded events in version order, without gaps after what the client holds."""

    events: list[EventOut]


class Ack(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="ack"):
    """The command ``op_id`` is recorded; its stream was at ``version`` after it (the board's,
    unless ``stream_id`` names the workshop's or a track's)."""

    op_id: str
    version: int
    stream_id: str | None = None
    duplicate: bool = False
    event_versions: list[int] = msgspec.field(default_factory=list)


class Reject(
    msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="reject", omit_defaults=True
):
    """The command ``op_id`` was refused; nothing was recorded."""

    op_id: str
    code: str
    message: str
    retry_after: float | None = None
    """Seconds until this connection may send a command again (``rate_limited`` only)."""


class PresenceOut(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="presence"):
    """Who changed presence since the last frame, and who left."""

    members: list[Member]
    left: list[str] = msgspec.field(default_factory=list)


class Pong(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="pong"):
    t: float | None = None
    server_time: float


class ErrorFrame(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", tag="error"):
    """A frame that could not be understood; the connection stays open."""

    code: str
    message: str


encode = msgspec.json.Encoder().encode
