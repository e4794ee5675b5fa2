"""What the HTTP API answers: one msgspec type per answer, so that every endpoint's JSON is
declared once and the OpenAPI document (``service.http.openapi``) describes it exactly.

Views (a board, a track) are the read models' own types (``projections``), cut for the viewer.

Over 300 lines, on purpose: it is a list of declarations, one field a line, and the OpenAPI
document is read from it as one place.
"""

from __future__ import annotations

import msgspec

from domain.board_state import Anonymity, Origin, Phase
from domain.programme import OutcomeTargets
from domain.types import Role
from domain.workshop import AgendaItem, Prework
from projections.board_view import DecisionView, RoundView, TimerView
from projections.discussion_view import ActionView
from projections.programme import OutcomeCount, TrackEntry, WorkshopEntry
from projections.trace import TraceEntry
from service.wire import EventOut


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the answers."""


class Health(Answer, frozen=True, kw_only=True):
    ok: bool
    epoch: str
    backend: str
    head: int


class CommandAnswer(Answer, frozen=True, kw_only=True):
    """A command's outcome: its stream's version after it and the events it recorded."""

    version: int
    duplicate: bool
    events: list[EventOut]


class Assignment(CommandAnswer, frozen=True, kw_only=True):
    actor_id: str
    group_id: str | None


class Reader(Answer, frozen=True, kw_only=True):
    """The caller as the events of a board show them (the WebSocket's ``welcome.you``)."""

    id: str
    pseudonym: str | None
    """On a pseudonymous board, the id that stands for you in the events; ``None`` if named."""
    pseudonym_name: str | None


class BoardEvents(Answer, frozen=True, kw_only=True):
    board_id: str
    after: int
    events: list[EventOut]
    you: Reader


class BoardCreated(Answer, frozen=True, kw_only=True):
    id: str
    workshop_id: str
    title: str
    kind: str
    version: int


class GroupCreated(Answer, frozen=True, kw_only=True):
    group_id: str
    board_id: str
    name: str
    version: int


class TrackCreated(Answer, frozen=True, kw_only=True):
    id: str
    version: int
    title: str


# --------------------------------------------------------------------------- workshop reads


class BoardRef(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str


class Person(Answer, frozen=True, kw_only=True):
    id: str
    name: str
    organisation: str
    role: str
    group: str | None
    erased: bool


class Group(Answer, frozen=True, kw_only=True):
    id: str
    name: str
    board_id: str
    members: list[str]
    """Empty for people other than facilitators on a pseudonymous board's group."""
    size: int


class You(Answer, frozen=True, kw_only=True):
    id: str
    role: Role
    name: str
    group: str | None
    board: str | None


class WorkshopAnswer(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    date: str | None
    agenda: tuple[AgendaItem, ...]
    programme: str
    group_size_limit: int
    boards: list[BoardRef]
    participants: list[Person]
    groups: list[Group]
    you: You
    agenda_current: int | None = None
    """The agenda block started last (``agenda.start``), or ``None``."""
    prework: Prework | None = None
    """The form participants answer before the day (from the workshop's template), if any."""


class GroupOfBoard(Answer, frozen=True, kw_only=True):
    id: str
    name: str
    members: int


class BoardCard(Answer, frozen=True, kw_only=True):
    """One board of the overview: its phase, settings and activity, as the viewer sees it."""

    id: str
    title: str
    kind: str
    group: GroupOfBoard | None
    phase: Phase
    locked: bool
    private_writing: bool
    anonymity: Anonymity
    timer: TimerView | None
    notes: int
    clusters: int
    open_round: str | None
    rounds: int
    decisions: int
    version: int


class Overview(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    date: str | None
    agenda: tuple[AgendaItem, ...]
    programme: str
    people: dict[str, int]
    boards: list[BoardCard]
    tracks: list[TrackEntry]
    agenda_current: int | None = None


class LoggedDecision(DecisionView, frozen=True, kw_only=True):
    """A decision of the workshop's decision log: the board's decision and its board."""

    board_id: str
    board_title: str


class DecisionLog(Answer, frozen=True, kw_only=True):
    workshop_id: str
    decisions: list[LoggedDecision]


class RoundWithTitles(RoundView, frozen=True, kw_only=True):
    titles: dict[str, str]
    """Ballot item → the note's text or the cluster's label."""


class Rounds(Answer, frozen=True, kw_only=True):
    board_id: str
    version: int
    rounds: list[RoundWithTitles]


class Trace(Answer, frozen=True, kw_only=True):
    board_id: str
    decision: DecisionView
    entries: tuple[TraceEntry, ...]
    origin: Origin | None
    actions: tuple[ActionView, ...] = ()


class Programme(Answer, frozen=True, kw_only=True):
    programme: str
    title: str
    workshops: list[WorkshopEntry]
    tracks: list[TrackEntry]
    outcomes: list[OutcomeCount]


# --------------------------------------------------------------------------- who gets in


class Session(Answer, frozen=True, kw_only=True):
    """A fresh working session, saying what it is so clients never need to read the token."""

    token: str
    expires_at: int
    kind: str
    id: str
    name: str
    role: Role
    workshop_id: str | None
    board_id: str | None


class Ticket(Answer, frozen=True, kw_only=True):
    ticket: str
    expires_at: int


class ProgrammeCreated(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    owner: str
    version: int
    targets: OutcomeTargets


class Organiser(Answer, frozen=True, kw_only=True):
    id: str
    name: str


class OwnedProgramme(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    workshops: list[WorkshopEntry]


class Programmes(Answer, frozen=True, kw_only=True):
    organiser: Organiser
    programmes: list[OwnedProgramme]


class WorkshopCreated(Answer, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    date: str | None
    programme: str
    version: int
    facilitator_token: str
    facilitator_url: str


class Invite(Answer, frozen=True, kw_only=True):
    token: str
    url: str
    role: str
    actor_id: str
    invite_id: str
    expires_at: int
    qr_svg: str
    """The link as a QR code, an SVG document (made by the server: no third party sees it)."""


class InviteRow(Answer, frozen=True, kw_only=True):
    id: str
    role: str
    name: str
    board_id: str | None
    expires_at: int
    revoked: bool
    expired: bool
    joined: int
    """How many people joined with it."""


class Invites(Answer, frozen=True, kw_only=True):
    invites: list[InviteRow]


class Revoked(Answer, frozen=True, kw_only=True):
    invite_id: str
    revoked: bool
    version: int


class Removed(Answer, frozen=True, kw_only=True):
    actor_id: str
    removed: bool
    version: int


class Erased(Answer, frozen=True, kw_only=True):
    actor_id: str
    erased: bool
    version: int


class Joined(Answer, frozen=True, kw_only=True, omit_defaults=True):
    token: str
    expires_at: int
    url: str
    actor_id: str
    role: str
    workshop_id: str
    version: int
    board_id: str | None = None
    """Present when the invite names one board."""


# --------------------------------------------------------------------------- the console


class BoardDone(CommandAnswer, frozen=True, kw_only=True):
    """What a command run on every breakout board did on one of them."""

    board_id: str


class DoneOnAll(Answer, frozen=True, kw_only=True):
    correlation_id: str
    """Every event recorded carries it."""
    boards: list[BoardDone]


class AgendaStarted(Answer, frozen=True, kw_only=True):
    index: int
    version: int


class Here(Answer, frozen=True, kw_only=True):
    id: str
    name: str
    role: str
    sockets: int


class BoardPresence(Answer, frozen=True, kw_only=True):
    board_id: str
    people: list[Here]


class Presence(Answer, frozen=True, kw_only=True):
    boards: list[BoardPresence]
    """Every board of the workshop, with who has it open now."""
