"""What a board's socket sends one person, and what the server shows them at each point.

A ``Watch`` is one person's board page on a recorded board: the frames their socket gets,
made by the service's own code (``Room.encode_for`` for live ``events``, ``present_view``
for a ``welcome``'s view, ``Reads.present_history`` for a resume's ``welcome.events``),
and at the frames it reports, the server's view for them, normalised (``tests.web.fold``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import msgspec

from domain.actor import Actor
from domain.recorded import RecordedEvent
from projections.board_view import BoardView
from projections.visibility import Viewer, present_view, pseudonym
from service.live import protocol
from service.live.connection import Connection
from service.live.hub import Hub
from service.live.room import Room
from service.readside.reads import Reads
from service.store import EventStore
from service.wire import event_out
from tests.web.fold import Run, normalise

PSEUDONYM_KEY = b"golden pseudonym key"

Json = dict[str, Any]


class _Now:
    """What ``Reads.present_history`` reads about the board: its view now."""

    def __init__(self, view: BoardView) -> None:
        self.view = view

    async def board_view(self, board_id: str) -> BoardView:
        return self.view

    async def anonymity_of(self, board_id: str) -> str:
        return self.view.anonymity


def seen_by(person: Actor) -> Viewer:
    """``person`` as ``projections.visibility`` cuts views and events for them."""
    return Viewer(id=person.id, role=person.role, pseudonym_key=PSEUDONYM_KEY)


def shown_as(board_id: str, person: Actor, anonymity: str) -> str:
    """The id that stands for ``person`` on a board with ``anonymity``."""
    if anonymity == "pseudonymous":
        return pseudonym(PSEUDONYM_KEY, board_id, person.id)[0]
    return person.id


async def history(
    board_id: str, events: list[RecordedEvent], now: BoardView, viewer: Actor
) -> list[RecordedEvent]:
    """``events`` of ``board_id`` as ``viewer`` reads them when the board is ``now``
    (``GET /api/boards/{id}/events``, a resume's ``welcome.events``): private ones whose
    privacy has ended since come whole (``Reads.present_history``)."""
    now_ = cast(Reads, _Now(now))
    return await Reads.present_history(now_, board_id, events, seen_by(viewer))


async def _unused_send(text: str) -> None:
    raise AssertionError("frames are encoded here, never sent")


async def _unused_close(code: int, reason: str) -> None:
    raise AssertionError("frames are encoded here, never sent")


@dataclass
class Watch:
    """One person's board page: the frames their socket got, in order, and for each frame
    in ``report`` the server's view of the board then (as ``present_view`` gives it to
    them), normalised. Build it with ``welcome_view``, ``live`` and ``resume``, as the
    server sends: it needs the running event loop the hub's rooms need."""

    name: str
    board_id: str
    viewer: Actor
    views: list[BoardView]
    """The server's (whole) view of the board after each version."""
    probe: bool = False
    frames: list[str] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    """The board version the page holds after each frame."""
    report: list[int] = field(default_factory=list)
    expected: dict[int, Json] = field(default_factory=dict)
    revealed: list[dict[str, tuple[datetime, int]]] = field(default_factory=list)
    """After each frame: notes the page first saw in a ``notes.revealed`` since its last
    view (note id → the reveal's time and version)."""
    stale: set[int] = field(default_factory=set)
    """Frames after which the page asks for a fresh view (an ``anonymity.set`` came): what it
    holds then is not compared, the fresh view in the next frame is."""
    redacted: int = 0
    """How many ``redacted`` placeholders the frames carry."""
    _known: set[str] = field(default_factory=set)
    _first_in_reveal: dict[str, tuple[datetime, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A hub without a store: encoding a frame reads nothing.
        self._room = Room(Hub(cast(EventStore, None), pseudonym_key=PSEUDONYM_KEY), self.board_id)
        self._conn = Connection("c-golden", self.viewer, _unused_send, _unused_close, 1 << 40)
        self._viewer = seen_by(self.viewer)

    # ------------------------------------------------------------------ frames

    def welcome_view(self, version: int) -> None:
        """The ``welcome`` of a fresh join: the board's view at ``version``."""
        shown = present_view(self.views[version], self._viewer)
        self._known = set(shown.notes)
        self._first_in_reveal = {}
        self._add(self._welcome(version, view=shown), version, carries_events=False)

    def live(self, recorded: RecordedEvent) -> None:
        """The ``events`` frame the hub's room sends this person for one command's event
        (``Room.encode_for``, the board's policy as it is after it)."""
        self._room.anonymity = self.views[recorded.version].anonymity
        self._add(self._room.encode_for(self._conn, [recorded]), recorded.version)

    async def resume(self, recorded: list[RecordedEvent]) -> None:
        """The ``welcome`` of a page that reconnects holding the version before
        ``recorded``, the last of which is the board now (``Reads.present_history``)."""
        version = recorded[-1].version if recorded else self.versions[-1]
        shown = await history(self.board_id, recorded, self.views[version], self.viewer)
        self._add(self._welcome(version, events=shown), version)

    def _welcome(
        self, version: int, view: BoardView | None = None, events: list[RecordedEvent] | None = None
    ) -> str:
        you = protocol.You(
            id=self.viewer.id, name=self.viewer.name, role=self.viewer.role, connection="c-golden"
        )
        if self.views[version].anonymity == "pseudonymous":
            alias, name = pseudonym(PSEUDONYM_KEY, self.board_id, self.viewer.id)
            you = msgspec.structs.replace(you, pseudonym=alias, pseudonym_name=name)
        welcome = protocol.Welcome(
            board_id=self.board_id,
            epoch="golden",
            version=version,
            view=view,
            events=None if events is None else [event_out(r) for r in events],
            you=you,
            members=[],
            server_time=0.0,
        )
        return protocol.encode(welcome).decode()

    def _add(self, frame: str, version: int, *, carries_events: bool = True) -> None:
        self.frames.append(frame)
        self.versions.append(version)
        events = (msgspec.json.decode(frame).get("events") or []) if carries_events else []
        for event in events:
            self._track(event)
        self.revealed.append(dict(self._first_in_reveal))
        if any(e["type"] == "anonymity.set" for e in events):
            self.stale.add(len(self.frames) - 1)
            self.welcome_view(version)  # the page asks for a fresh view at once

    def _track(self, event: Json) -> None:
        data = event["data"]
        if event["type"] == "redacted":
            self.redacted += 1
        elif event["type"] == "note.added":  # a note id may come back after its deletion
            self._known.add(data["note_id"])
            self._first_in_reveal.pop(data["note_id"], None)
        elif event["type"] == "note.deleted":
            self._known.discard(data["note_id"])
            self._first_in_reveal.pop(data["note_id"], None)
        elif event["type"] == "items.promoted":
            self._known.update(n["note_id"] for n in data["notes"])
        elif event["type"] == "notes.revealed":
            at = datetime.fromisoformat(event["recorded_at"])
            for note in data["notes"]:
                if note["note_id"] not in self._known:
                    self._known.add(note["note_id"])
                    self._first_in_reveal[note["note_id"]] = (at, event["version"])

    # ------------------------------------------------------------------ comparing

    def expect(self, index: int) -> None:
        """Report frame ``index``: compare the page's view after it with the server's."""
        self.report.append(index)
        self.expected[index] = self.expected_at(index)

    def expected_at(self, index: int) -> Json:
        """The server's view after frame ``index`` for this person, normalised."""
        assert index not in self.stale, "the page holds no view to compare after this frame"
        shown = present_view(self.views[self.versions[index]], self._viewer)
        encoded = msgspec.json.decode(msgspec.json.encode(shown))
        return normalise(encoded, self.shown_id(index), self.revealed[index])

    def run(self, report: list[int] | None = None) -> Run:
        """The frames to follow, reporting ``report`` (by default the expected frames)."""
        reported = self.report if report is None else report
        return Run(self.board_id, self.frames, reported, self.probe and report is None)

    def shown_id(self, index: int) -> str:
        """The id that stands for this person in the views at frame ``index``."""
        return shown_as(self.board_id, self.viewer, self.views[self.versions[index]].anonymity)

    def actual(self, index: int, view: Json) -> Json:
        """The page's view at frame ``index``, normalised like the server's."""
        return normalise(view, self.shown_id(index))
