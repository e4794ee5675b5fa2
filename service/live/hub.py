"""The WebSocket hub: every room of this process, and getting every recorded event to them.

``deliver`` hands it the events each commit recorded (here, or read after another instance's
``NOTIFY``); each ``Room`` fans them out to its ``Connection``s. The hub also closes the sockets
of people the workshop has just taken out, watches for stalled sends, and flushes presence.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from domain import organisers, workshop
from domain.recorded import RecordedEvent
from domain.streams import board_id_of, workshop_id_of
from service.live import protocol
from service.live.connection import STALL_SWEEP_SECONDS, Connection
from service.live.room import Room
from service.store import EventStore

log = logging.getLogger("plenary.hub")

_REVOKING = frozenset(
    {"participant.removed", "person.erased", "invite.revoked", "organiser.removed"}
)


def _revokes(event: workshop.Event | organisers.Event, conn: Connection) -> bool:
    """Whether ``event`` (of the workshop, or the organisers) takes ``conn``'s rights away."""
    match event:
        case organisers.OrganiserRemoved():
            return conn.actor.id == event.organiser_id
        case workshop.ParticipantRemoved() | workshop.PersonErased():
            return conn.actor.id == event.actor_id
        case workshop.InviteRevoked():
            return conn.via == event.invite_id
    return False


async def _named(_board_id: str) -> str:
    return "named"


class Hub:
    """Every room of this process; ``deliver`` hands it the events a commit recorded."""

    def __init__(
        self,
        store: EventStore,
        *,
        presence_hz: float = 20.0,
        presence_ttl: float = 30.0,
        anonymity_of: Callable[[str], Awaitable[str]] = _named,
        pseudonym_key: bytes = b"",
    ) -> None:
        self.store = store
        self.anonymity_of = anonymity_of
        """The board's anonymity policy now; a room reads it once and follows its events."""
        self.pseudonym_key = pseudonym_key
        self.rooms: dict[str, Room] = {}
        self.sockets: dict[str, int] = {}
        """Open sockets per board, counted from the upgrade (before ``hello``)."""
        self.presence_pending: set[Room] = set()
        self.presence_interval = 1.0 / presence_hz
        self.presence_ttl = presence_ttl
        self._presence_task: asyncio.Task[None] | None = None
        self.connections: set[Connection] = set()
        """Every open connection, joined or not, watched for a stalled send."""
        self._stall_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._presence_task = asyncio.create_task(self._presence_loop(), name="hub-presence")
        self._stall_task = asyncio.create_task(self._stall_loop(), name="hub-stalls")

    async def stop(self) -> None:
        for task in (self._presence_task, self._stall_task):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        open_ = {c for room in self.rooms.values() for c in room.members.values()}
        open_ |= self.connections
        for conn in open_:
            conn.shut(protocol.CLOSE_GOING_AWAY, "server shutting down")
        closing = [conn.closing for conn in open_ if conn.closing is not None]
        await asyncio.gather(*closing, return_exceptions=True)

    def deliver(self, committed: list[RecordedEvent]) -> None:
        """Events just committed (here, or read after another instance's ``NOTIFY``): fan
        them out without reading them back, and close the sockets of people the workshop has
        just taken out (``participant.removed``, ``invite.revoked``, ``organiser.removed``)."""
        by_board: dict[str, list[RecordedEvent]] = {}
        for rec in committed:
            board_id = board_id_of(rec.stream_id)
            if board_id is not None and board_id in self.rooms:
                by_board.setdefault(board_id, []).append(rec)
            elif rec.type in _REVOKING:
                self._revoke(rec)
        for board_id, batch in by_board.items():
            room = self.rooms[board_id]
            if not room.accept(batch):
                room.wake()  # a gap (another process wrote in between): read the store

    def _revoke(self, rec: RecordedEvent) -> None:
        workshop_id = workshop_id_of(rec.stream_id)
        event: workshop.Event | organisers.Event
        if workshop_id is None:  # an organiser removed: in every workshop
            event = organisers.DECIDER.decode_event(rec.data)
        else:
            event = workshop.DECIDER.decode_event(rec.data)
        for room in list(self.rooms.values()):
            for conn in list(room.members.values()):
                if workshop_id in (None, conn.workshop_id) and _revokes(event, conn):
                    conn.shut(protocol.CLOSE_REVOKED, "access revoked")

    def here(self, board_id: str) -> dict[str, int]:
        """Who has ``board_id`` open on this instance: person id → their open sockets."""
        room = self.rooms.get(board_id)
        people: dict[str, int] = {}
        for conn in [] if room is None else room.members.values():
            people[conn.actor.id] = people.get(conn.actor.id, 0) + 1
        return people

    def admit(self, board_id: str, most: int) -> bool:
        """Count one more socket on ``board_id``, unless it has ``most`` already; ``release``
        it when the socket ends."""
        count = self.sockets.get(board_id, 0)
        if count >= most:
            return False
        self.sockets[board_id] = count + 1
        return True

    def release(self, board_id: str) -> None:
        """A socket ``admit`` counted has ended."""
        count = self.sockets.pop(board_id, 0) - 1
        if count > 0:
            self.sockets[board_id] = count

    async def join(self, conn: Connection, board_id: str) -> Room:
        """Register ``conn`` (buffering) in the board's room, created on first use.

        The room is checked and joined with no await in between: a room whose last member
        left while this one waited is gone from ``rooms``, and joining it would mean never
        hearing of a commit again.
        """
        while True:
            room = await self._room(board_id)
            if self.rooms.get(board_id) is room:
                conn.buffering = True
                room.members[conn.id] = conn
                return room

    async def _room(self, board_id: str) -> Room:
        room = self.rooms.get(board_id)
        if room is None:
            room = self.rooms[board_id] = Room(self, board_id)
            try:
                await room.init()
            except BaseException as exc:
                if self.rooms.get(board_id) is room:
                    del self.rooms[board_id]
                if isinstance(exc, Exception):
                    room.ready.set_exception(exc)
                    room.ready.exception()  # retrieved here; waiting joiners re-raise it
                else:
                    room.ready.cancel()
                raise
        else:
            await asyncio.shield(room.ready)
        return room

    def leave(self, conn: Connection, board_id: str) -> None:
        room = self.rooms.get(board_id)
        if room is None:
            return
        room.drop(conn)
        if not room.members:
            self.rooms.pop(board_id, None)

    async def _stall_loop(self) -> None:
        """Close every connection whose writer has waited on one send past its deadline: a
        client that stopped reading, whatever the kernels took off its queue first."""
        while True:
            await asyncio.sleep(STALL_SWEEP_SECONDS)
            now = time.monotonic()
            for conn in [c for c in self.connections if c.stalled(now)]:
                log.info("connection %s stalled on a send; closing it (4008)", conn.id)
                conn.shut(protocol.CLOSE_SLOW, "too slow: reconnect and resume with since")

    async def _presence_loop(self) -> None:
        while True:
            await asyncio.sleep(self.presence_interval)
            now = time.monotonic()
            rooms = list(self.rooms.values())
            for room in rooms:
                if room in self.presence_pending or room.presence_at:
                    room.flush_presence(now, self.presence_ttl)
            self.presence_pending.clear()
