"""Everyone on one board: the last version fanned out to them, and their presence.

A room reads new events from the store when woken (after a local commit, or a PostgreSQL
``NOTIFY`` from another instance) and fans them out, encoded once for everyone unless a batch
holds private events. A joining connection is registered (buffering) before its history is
read, so nothing committed meanwhile is lost, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import msgspec

from domain import board, facilitation
from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.visibility import Viewer, chain, present_event, private_to, pseudonym
from service.live import protocol
from service.live.connection import Connection
from service.wire import event_out

if TYPE_CHECKING:
    from service.live.hub import Hub

log = logging.getLogger("plenary.hub")

PUMP_BATCH = 500


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


def encode_events(batch: list[RecordedEvent]) -> str:
    return protocol.encode(protocol.Events(events=[event_out(r) for r in batch])).decode()
