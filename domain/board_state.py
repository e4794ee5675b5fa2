"""What the board's rules know about one board, and the lookups every part of them shares.

``domain.board`` (notes and clusters), ``domain.facilitation`` (phases, timer, private writing,
anonymity, lock), ``domain.voting`` (dot voting and the impact/effort grid) and
``domain.decisions`` (decisions and promotion) all decide on this one state, because one board
is one stream and one consistency boundary.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from domain.checks import check_characters, noun
from domain.errors import InvalidCommand, NotFound
from domain.types import Colour

# ``(?!\n)``: Python's ``$`` also matches before a trailing newline, so ``"a\n"`` passed;
# ``\Z`` would fix that too but is not valid in the JSON Schema msgspec derives from this.
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+(?!\n)$")]
BoardKind = Literal["plenary", "breakout"]
Phase = Literal["collect", "cluster", "vote", "discuss", "decide"]
PHASES: tuple[Phase, ...] = ("collect", "cluster", "vote", "discuss", "decide")
Anonymity = Literal["named", "pseudonymous"]
VoteTarget = Literal["notes", "clusters"]
Outcome = Literal["select", "park", "reject"]


class Origin(msgspec.Struct, frozen=True, kw_only=True):
    """Where a promoted note or cluster came from: its board, its id there, that board's version."""

    board_id: str
    item_id: str
    version: int
    group: str = ""
    """The source board's title when the item was promoted: the group it came from."""


class NoteField(msgspec.Struct, frozen=True, kw_only=True):
    """One field of a structured note (an initiative card's "city", "problem", ...): the
    question it answers (``key``, its ``label`` as the form asked it) and what was written."""

    key: str
    label: str
    text: str


class NoteState(msgspec.Struct, frozen=True, kw_only=True):
    author: str
    text: str
    x: float
    y: float
    colour: Colour
    cluster_id: str | None = None
    deleted: bool = False
    hidden: bool = False
    """Written during private writing and not revealed yet: only its author may see it."""
    origin: Origin | None = None
    fields: tuple[NoteField, ...] = ()
    """A card's fields (empty for a plain note); ``text`` is the card's title."""


class ClusterState(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    x: float
    y: float
    deleted: bool = False
    origin: Origin | None = None


class Timer(msgspec.Struct, frozen=True, kw_only=True):
    """The running timer. It ends ``seconds`` after its start event's record time (server
    time), so the domain needs no clock; it counts as running until stopped or replaced."""

    seconds: int
    label: str = ""


class Round(msgspec.Struct, frozen=True, kw_only=True):
    """One dot-voting round. ``votes``: voter → item → dots. Kept after it closes."""

    target: VoteTarget
    budget: int
    per_item_max: int
    hide_tallies: bool
    facilitators_vote: bool
    item_ids: tuple[str, ...]
    open: bool = True
    votes: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)

    def used(self, voter: str) -> int:
        """How many of their dots ``voter`` has placed in this round."""
        return sum(self.votes.get(voter, {}).values())

    def tally(self) -> dict[str, int]:
        """Item → dots on it now, for every item on the ballot."""
        totals = dict.fromkeys(self.item_ids, 0)
        for ballot in self.votes.values():
            for item_id, dots in ballot.items():
                totals[item_id] += dots
        return totals


class Placement(msgspec.Struct, frozen=True, kw_only=True):
    """An item's place on the impact/effort grid (both 0–10)."""

    impact: float
    effort: float


class DecisionState(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    outcome: Outcome
    title: str = ""
    """The decided item's text or label when it was decided."""
    track_id: str | None = None
    """The solution track that works the decision out, once started (one at most)."""


class ActionState(msgspec.Struct, frozen=True, kw_only=True):
    """An action item of a decision (``domain.discussion``)."""

    decision_id: str
    done: bool = False


class Discussion(msgspec.Struct, frozen=True, kw_only=True):
    """The discuss phase's state (``domain.discussion``): the spotlighted item, the comments'
    ids and the decisions' action items."""

    spotlight: str | None = None
    comments: frozenset[str] = frozenset()
    actions: dict[str, ActionState] = msgspec.field(default_factory=dict)


class VoteDefaults(msgspec.Struct, frozen=True, kw_only=True):
    """What a new vote round on the board starts from in the facilitator's form (``vote.open``
    still says every value itself): dots each, most on one item, tallies hidden."""

    budget: int = 5
    per_item_max: int = 3
    hide_tallies: bool = True


class NoteChange(msgspec.Struct, frozen=True, kw_only=True):
    """One note as a change found it and left it (``None``: it did not exist)."""

    note_id: str
    before: NoteState | None
    after: NoteState | None


class ClusterChange(msgspec.Struct, frozen=True, kw_only=True):
    """One cluster as a change found it and left it (``None``: it did not exist)."""

    cluster_id: str
    before: ClusterState | None
    after: ClusterState | None


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """What one command of a person did to the board's items (``domain.undo``): named by the
    command's id, with the command tags whose rules an undo or redo of it passes again."""

    change_id: str
    tags: tuple[str, ...] = ()
    notes: tuple[NoteChange, ...] = ()
    clusters: tuple[ClusterChange, ...] = ()


class Changes(msgspec.Struct, frozen=True, kw_only=True):
    """One person's changes they may take back (``undo``, last on top) and make again
    (``redo``, last taken back on top)."""

    undo: tuple[Change, ...] = ()
    redo: tuple[Change, ...] = ()


class Board(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules need to know about a board. Treat the dicts as immutable."""

    board_id: str = ""
    workshop_id: str = ""
    title: str = ""
    kind: BoardKind = "breakout"
    created: bool = False
    version: int = 0
    """How many events the board has: the version a decision's evidence refers to."""
    notes: dict[str, NoteState] = msgspec.field(default_factory=dict)
    clusters: dict[str, ClusterState] = msgspec.field(default_factory=dict)
    phase: Phase = "collect"
    locked: bool = False
    private_writing: bool = False
    anonymity: Anonymity = "named"
    timer: Timer | None = None
    rounds: dict[str, Round] = msgspec.field(default_factory=dict)
    open_round: str | None = None
    grid: dict[str, Placement] = msgspec.field(default_factory=dict)
    decisions: dict[str, DecisionState] = msgspec.field(default_factory=dict)
    promotions: frozenset[str] = frozenset()
    prompt: str = ""
    """The sentence shown on the board: what people are asked (``board.configure``)."""
    phases: tuple[Phase, ...] = PHASES
    """The phases the board uses, in order; ``phase.change`` moves only to one of them."""
    vote_defaults: VoteDefaults = msgspec.field(default_factory=VoteDefaults)
    discussion: Discussion = msgspec.field(default_factory=Discussion)
    changes: dict[str, Changes] = msgspec.field(default_factory=dict)
    """Person → the changes they may undo and redo (``domain.undo``); kept from the events'
    meta, so only a fold that knows who caused each event fills it."""
    replaying: str = ""
    """The command id of the undo or redo whose events are being applied: not a new change."""


# --------------------------------------------------------------------------- lookups


def live_note(state: Board, note_id: str, viewer: str | None = None) -> NoteState:
    """The note ``note_id`` if it exists, is not deleted and ``viewer`` may see it.

    A hidden note is unknown to everyone but its author (pass ``viewer=None`` to skip that
    check). Raises ``NotFound`` with ``unknown_note`` or ``note_deleted``.
    """
    note = state.notes.get(note_id)
    if note is None or (note.hidden and viewer is not None and viewer != note.author):
        raise NotFound(f"There is no note {note_id!r} on this board.", code="unknown_note")
    if note.deleted:
        raise NotFound(f"The note {note_id!r} was deleted.", code="note_deleted")
    return note


def live_cluster(state: Board, cluster_id: str) -> ClusterState:
    """The cluster ``cluster_id`` if it exists and is not deleted; else ``NotFound``
    (``unknown_cluster``, ``cluster_deleted``)."""
    cluster = state.clusters.get(cluster_id)
    if cluster is None:
        raise NotFound(f"There is no cluster {cluster_id!r} on this board.", code="unknown_cluster")
    if cluster.deleted:
        raise NotFound(f"The cluster {cluster_id!r} was deleted.", code="cluster_deleted")
    return cluster


def item_kind(state: Board, item_id: str) -> VoteTarget:
    """Whether ``item_id`` is a live, visible note or cluster; ``NotFound`` (``unknown_item``,
    or the note's or cluster's own code) otherwise. Hidden notes are not items yet."""
    if item_id in state.notes:
        note = live_note(state, item_id)
        if note.hidden:
            raise InvalidCommand("A hidden note is not revealed yet.", code="note_hidden")
        return "notes"
    if item_id in state.clusters:
        live_cluster(state, item_id)
        return "clusters"
    raise NotFound(f"There is no note or cluster {item_id!r} on this board.", code="unknown_item")


def cluster_members(state: Board, cluster_id: str) -> tuple[str, ...]:
    """The ids of the live notes in ``cluster_id``, sorted."""
    return tuple(
        sorted(
            nid for nid, n in state.notes.items() if n.cluster_id == cluster_id and not n.deleted
        )
    )


def check_text(text: str, limit: int, code: str, what: str = "") -> None:
    """Raise ``InvalidCommand`` with ``code`` unless ``text`` has 1 to ``limit`` characters, is
    not blank and holds no control character (``what`` names it; the code's noun else)."""
    if not text.strip() or len(text) > limit:
        raise InvalidCommand(
            f"A {what or noun(code)} has 1 to {limit} characters ({len(text)} given).", code=code
        )
    check_characters(text, code, what)
