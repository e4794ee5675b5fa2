"""The WebSocket hub: who is on which board, and getting every recorded event to each of them.

A ``Room`` per board reads new events from the store when woken (after a local commit, or a
PostgreSQL ``NOTIFY`` from another instance) and fans them out. Each ``Connection`` has a
bounded outbound queue and its own writer task, so a slow client never slows its board: it
is closed with 4008 and resumes. A joining connection is registered (buffering) before its
history is read, so nothing committed meanwhile is lost, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

import msgspec

from domain import board, facilitation, workshop
from domain.actor import Actor
from domain.recorded import RecordedEvent
from domain.streams import board_id_of, board_stream, workshop_id_of
from projections.visibility import Viewer, chain, present_event, private_to, pseudonym
from service.live import protocol
from service.store import EventStore
from service.wire import event_out

log = logging.getLogger("plenary.hub")

PUMP_BATCH = 500
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
        task = asyncio.create_task(self._close_quietly(code, reason))
        _background.add(task)
        task.add_done_callback(_background.discard)

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


_background: set[asyncio.Task[None]] = set()


class Room:
    """Everyone on one board, the last version fanned out to them, and their presence."""

    def __init__(self, hub: Hub, board_id: str) -> None:
        self.hub = hub
        self.board_id = board_id
        self.stream_id = board_stream(board_id)
        self.members: dict[str, Connection] = {}
        self.version = -1  # unknown until ``init`` reads it
        self._pump: asyncio.Task[None] | None = None
        self._again = False
        self.ready = asyncio.get_running_loop().create_future()
        self.presence: dict[str, protocol.Member] = {}
        self.presence_at: dict[str, float] = {}
        self.dirty: set[str] = set()
        self.left: set[str] = set()
        self.anonymity = "named"
        """The board's policy as of ``version``: how people are shown in what it sends."""
        self.tail: tuple[int, bytes] | None = None
        """Position and hash, as everyone may see it, of the last event fanned out: the link
        the next batch's first ``prev_hash`` may show (``visibility.chain``)."""

    async def init(self) -> None:
        self.version = await self.hub.store.stream_version(self.stream_id)
        self.anonymity = await self.hub.anonymity_of(self.board_id)
        self.ready.set_result(None)
        self.wake()

    def wake(self) -> None:
        """New events may exist: read and fan them out (one reader per room at a time)."""
        if self.version < 0:
            return
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._drain(), name=f"pump-{self.board_id}")
        else:
            self._again = True

    async def _drain(self) -> None:
        while True:
            self._again = False
            try:
                batch = await self.hub.store.read_stream(
                    self.stream_id, self.version, self.version + PUMP_BATCH
                )
            except Exception:
                log.exception("could not read board %s; retrying", self.board_id)
                await asyncio.sleep(0.5)
                continue
            self.accept(batch)
            if not self._again and len(batch) < PUMP_BATCH:
                return

    def accept(self, batch: list[RecordedEvent]) -> bool:
        """Fan out the part of ``batch`` after the room's version; ``False`` on a gap."""
        fresh = [r for r in batch if r.version > self.version]
        if not fresh:
            return True
        if self.version < 0 or fresh[0].version != self.version + 1:
            return False
        self.version = fresh[-1].version
        self._follow_policy(fresh)
        self.fan_out(fresh)
        last = fresh[-1]
        public = self.anonymity == "named" and private_to(last) is None
        self.tail = (last.position, last.hash if public else b"")
        return True

    def _follow_policy(self, batch: list[RecordedEvent]) -> None:
        """Follow the board's policy through its own ``anonymity.set`` events, as the domain
        records them (the room read it once, from the board's state, when it opened)."""
        for rec in batch:
            if rec.type == "anonymity.set":
                event = board.DECIDER.decode_event(rec.data)
                assert isinstance(event, facilitation.AnonymitySet)
                self.anonymity = event.policy
                self.dirty.update(self.presence)  # everyone is shown anew under the new policy
                self.hub.presence_pending.add(self)

    def fan_out(self, batch: list[RecordedEvent]) -> None:
        """Send ``batch`` to every member; joiners buffer it. One encoding serves everyone,
        unless the batch holds private events: then each person gets their own."""
        frames: dict[str | None, str] = {}
        personal = any(private_to(r) is not None for r in batch)
        first = batch[0].version
        for conn in list(self.members.values()):
            if conn.buffering:
                conn.buffer.extend(batch)
                if sum(len(r.data) for r in conn.buffer) > conn.max_bytes:
                    conn.shut(protocol.CLOSE_SLOW, "too slow: reconnect and resume")
            elif conn.sent_version == first - 1:
                key = conn.actor.id if personal else None
                frame = frames.get(key)
                if frame is None:
                    frame = frames[key] = self.encode_for(conn, batch, personal, self.tail)
                conn.push(frame)
                conn.sent_version = batch[-1].version
            else:
                self.send_after(conn, batch)

    def encode_for(
        self,
        conn: Connection,
        batch: list[RecordedEvent],
        personal: bool | None = None,
        before: tuple[int, bytes] | None = None,
    ) -> str:
        """The ``events`` frame of ``batch`` as ``conn``'s person may see it; ``personal``
        (whether the batch holds private events) when the caller knows it already; ``before``
        the event just before the batch, as everyone was shown it."""
        if personal is None:
            personal = any(private_to(r) is not None for r in batch)
        if self.anonymity == "named" and not personal:
            return encode_events(chain(batch, before))
        viewer = Viewer(
            id=conn.actor.id, role=conn.actor.role, pseudonym_key=self.hub.pseudonym_key
        )
        shown = [present_event(r, viewer, anonymity=self.anonymity) for r in batch]
        return encode_events(chain(shown, before))

    def send_after(self, conn: Connection, batch: list[RecordedEvent]) -> None:
        """Send the part of ``batch`` that ``conn`` does not hold yet; never a gap."""
        fresh = [r for r in batch if r.version > conn.sent_version]
        if not fresh:
            return
        if fresh[0].version != conn.sent_version + 1:
            log.error(
                "gap for connection %s: holds %d, next is %d; resyncing",
                conn.id,
                conn.sent_version,
                fresh[0].version,
            )
            conn.shut(protocol.CLOSE_SLOW, "out of step: reconnect and resume")
            return
        conn.push(self.encode_for(conn, fresh))
        conn.sent_version = fresh[-1].version

    def shown(self, member: protocol.Member) -> protocol.Member:
        """``member`` as peers see them: under a pseudonym on a pseudonymous board."""
        if self.anonymity != "pseudonymous":
            return member
        alias, name = pseudonym(self.hub.pseudonym_key, self.board_id, member.id)
        return msgspec.structs.replace(member, id=alias, name=name)

    # ----------------------------------------------------------------- presence

    def touch(self, conn: Connection, member: protocol.Member) -> None:
        self.presence[conn.id] = member
        self.presence_at[conn.id] = time.monotonic()
        self.dirty.add(conn.id)
        self.hub.presence_pending.add(self)

    def drop(self, conn: Connection) -> None:
        self.members.pop(conn.id, None)
        if self.presence.pop(conn.id, None) is not None:
            self.presence_at.pop(conn.id, None)
            self.dirty.discard(conn.id)
            self.left.add(conn.id)
            self.hub.presence_pending.add(self)

    def flush_presence(self, now: float, ttl: float) -> None:
        """Send what changed since the last flush; expire cursors idle for ``ttl`` seconds."""
        for conn_id, at in self.presence_at.items():
            member = self.presence[conn_id]
            if now - at > ttl and (member.cursor or member.typing or member.selection):
                self.presence[conn_id] = protocol.Member(
                    connection=member.connection, id=member.id, name=member.name, role=member.role
                )
                self.dirty.add(conn_id)
        if not self.dirty and not self.left:
            return
        frame = protocol.encode(
            protocol.PresenceOut(
                members=[self.shown(self.presence[c]) for c in sorted(self.dirty)],
                left=sorted(self.left),
            )
        )
        text = frame.decode()
        self.dirty.clear()
        self.left.clear()
        for conn in list(self.members.values()):
            if not conn.buffering:
                conn.push(text)


_REVOKING = frozenset({"participant.removed", "person.erased", "invite.revoked"})


def _revokes(event: workshop.Event, conn: Connection) -> bool:
    """Whether the workshop ``event`` takes ``conn``'s rights away."""
    match event:
        case workshop.ParticipantRemoved() | workshop.PersonErased():
            return conn.actor.id == event.actor_id
        case workshop.InviteRevoked():
            return conn.via == event.invite_id
    return False


def encode_events(batch: list[RecordedEvent]) -> str:
    return protocol.encode(protocol.Events(events=[event_out(r) for r in batch])).decode()


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
        for room in list(self.rooms.values()):
            for conn in list(room.members.values()):
                conn.shut(protocol.CLOSE_GOING_AWAY, "server shutting down")
        if _background:
            await asyncio.gather(*_background, return_exceptions=True)

    def deliver(self, committed: list[RecordedEvent]) -> None:
        """Events just committed (here, or read after another instance's ``NOTIFY``): fan
        them out without reading them back, and close the sockets of people the workshop has
        just taken out (``participant.removed``, ``invite.revoked``)."""
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
        event = workshop.DECIDER.decode_event(rec.data)
        for room in list(self.rooms.values()):
            for conn in list(room.members.values()):
                if conn.workshop_id == workshop_id and _revokes(event, conn):
                    conn.shut(protocol.CLOSE_REVOKED, "access revoked")

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
