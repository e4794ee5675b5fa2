"""Decisions with their evidence, and promotion of chosen items to the plenary board.

A decision selects, parks or rejects one note or cluster with a rationale. Its event records
the evidence as it stood: the latest closed round that had the item on its ballot (its dots,
its rank, the ballot size), the item's place on the grid, and the item's notes at that
version, so an auditor reads why without replaying anything.

Promotion copies clusters and notes from a breakout board to the plenary board. The service
reads the source board and the plenary board and asks ``plan_promotion`` (a rule of this
module, not of the service) what to copy and where it goes on the plenary (``domain.layout``:
a free column, clear of everything there); the plenary board's ``items.promote`` then records
the copies at those places with their lineage: origin board, origin id, origin version and
the source board's title (its group).

Longer than most modules, on purpose: a decision's rules and the evidence it records read
the same ballot, grid and notes, and promotion's plan is the rule for what a decision
carries to the plenary; apart, each would repeat the other's reading of the board.
"""

from __future__ import annotations

import hashlib

import msgspec

from domain import layout
from domain.actor import Actor
from domain.board_state import (
    Board,
    ClusterState,
    DecisionState,
    Id,
    NoteField,
    NoteState,
    Origin,
    Outcome,
    Placement,
    VoteTarget,
    check_text,
    cluster_members,
    item_kind,
    live_cluster,
    live_note,
)
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.types import Colour
from domain.voting import results

RATIONALE_MAX = 2000
PROMOTE_MAX = 100


class DecisionCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the decision and promotion commands."""


class RecordDecision(DecisionCommand, frozen=True, kw_only=True, tag="decision.record"):
    decision_id: Id
    item_id: Id
    outcome: Outcome
    rationale: str


class PromotedNote(msgspec.Struct, frozen=True, kw_only=True):
    """A note to copy: its new id on the plenary board and what it carries over."""

    note_id: str
    text: str
    x: float
    y: float
    colour: Colour
    author: str
    cluster_id: str | None
    origin: Origin
    fields: tuple[NoteField, ...] = ()
    """An initiative card's fields, carried over with it."""


class PromotedCluster(msgspec.Struct, frozen=True, kw_only=True):
    cluster_id: str
    label: str
    x: float
    y: float
    origin: Origin


class Promotion(msgspec.Struct, frozen=True, kw_only=True):
    """What ``plan_promotion`` read from the source board."""

    source_board_id: str
    source_version: int
    clusters: tuple[PromotedCluster, ...]
    notes: tuple[PromotedNote, ...]


class PromoteItems(DecisionCommand, frozen=True, kw_only=True, tag="items.promote"):
    """Copy ``cluster_ids`` (with their notes) and ``note_ids`` from ``source_board_id``.

    Clients send the ids; the service fills ``plan`` from the source board. A ``plan`` a
    client sent is replaced, never trusted.
    """

    promotion_id: Id
    source_board_id: Id
    cluster_ids: tuple[Id, ...] = ()
    note_ids: tuple[Id, ...] = ()
    plan: Promotion | None = None


class TrackDecision(DecisionCommand, frozen=True, kw_only=True, tag="decision.track"):
    """Give a decision its one solution track (sent by the service with ``track.start``)."""

    decision_id: Id
    track_id: Id


Command = RecordDecision | PromoteItems | TrackDecision


class DecisionEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the decision and promotion events."""


class EvidenceNote(msgspec.Struct, frozen=True, kw_only=True):
    note_id: str
    text: str
    author: str


class Evidence(msgspec.Struct, frozen=True, kw_only=True):
    """What the decision rested on, at board version ``board_version``."""

    board_version: int
    round_id: str | None = None
    votes: int | None = None
    rank: int | None = None
    """1 for the item with most dots; tied items share the better rank."""
    ballot_size: int | None = None
    grid: Placement | None = None
    notes: tuple[EvidenceNote, ...] = ()


class DecisionRecorded(DecisionEvent, frozen=True, kw_only=True, tag="decision.recorded"):
    decision_id: str
    item_id: str
    item_kind: VoteTarget
    title: str
    """The note's text or the cluster's label when it was decided."""
    outcome: Outcome
    rationale: str
    evidence: Evidence


class ItemsPromoted(DecisionEvent, frozen=True, kw_only=True, tag="items.promoted"):
    promotion_id: str
    source_board_id: str
    source_version: int
    clusters: tuple[PromotedCluster, ...]
    notes: tuple[PromotedNote, ...]


class DecisionTracked(DecisionEvent, frozen=True, kw_only=True, tag="decision.tracked"):
    """The decision is worked out in solution track ``track_id``: its one track."""

    decision_id: str
    track_id: str


Event = DecisionRecorded | ItemsPromoted | DecisionTracked


# --------------------------------------------------------------------------- decisions


def _evidence(state: Board, item_id: str, kind: VoteTarget) -> Evidence:
    note_ids = cluster_members(state, item_id) if kind == "clusters" else (item_id,)
    notes = tuple(
        EvidenceNote(note_id=nid, text=state.notes[nid].text, author=state.notes[nid].author)
        for nid in note_ids
        if not state.notes[nid].hidden
    )
    closed = [(rid, r) for rid, r in state.rounds.items() if not r.open and item_id in r.item_ids]
    evidence = Evidence(board_version=state.version, grid=state.grid.get(item_id), notes=notes)
    if not closed:
        return evidence
    round_id, round_ = closed[-1]  # dicts keep insertion order: the latest round opened
    tally = results(round_)
    votes = next(t.votes for t in tally if t.item_id == item_id)
    rank = 1 + sum(1 for t in tally if t.votes > votes)
    return msgspec.structs.replace(
        evidence, round_id=round_id, votes=votes, rank=rank, ballot_size=len(tally)
    )


def _decide_record(state: Board, command: RecordDecision) -> list[Event]:
    if state.phase not in ("discuss", "decide"):
        raise InvalidCommand(
            "Decisions are taken in the discuss or decide phase.", code="wrong_phase"
        )
    if command.decision_id in state.decisions:
        raise AlreadyExists(f"The decision {command.decision_id!r} exists.", code="duplicate_id")
    check_text(command.rationale, RATIONALE_MAX, "invalid_rationale")
    kind = item_kind(state, command.item_id)
    title = (
        state.notes[command.item_id].text
        if kind == "notes"
        else state.clusters[command.item_id].label
    )
    return [
        DecisionRecorded(
            decision_id=command.decision_id,
            item_id=command.item_id,
            item_kind=kind,
            title=title,
            outcome=command.outcome,
            rationale=command.rationale,
            evidence=_evidence(state, command.item_id, kind),
        )
    ]


# --------------------------------------------------------------------------- promotion


def promoted_id(promotion_id: str, origin_id: str) -> str:
    """The id a promoted item gets on the plenary board: stable for one promotion, distinct
    across promotions, and a valid ``Id`` (48 hex characters after ``p-``)."""
    digest = hashlib.sha256(f"{promotion_id}\x00{origin_id}".encode()).hexdigest()
    return "p-" + digest[:48]


def plan_promotion(source: Board, command: PromoteItems, *, target: Board) -> Promotion:
    """What ``command`` copies from ``source`` onto the board ``target``, and where: the named
    clusters with their live, visible notes, plus the named loose notes, laid out in a free
    column of ``target`` (``laid_out``). Raises ``NotFound`` for an unknown or deleted item,
    ``InvalidCommand`` (``foreign_board``, ``note_hidden``, ``not_breakout``,
    ``empty_promotion``)."""
    if source.workshop_id != target.workshop_id:
        raise InvalidCommand("Items are promoted within one workshop.", code="foreign_board")
    if source.kind != "breakout":
        raise InvalidCommand("Items are promoted from a breakout board.", code="not_breakout")
    count = len(command.cluster_ids) + len(command.note_ids)
    if not 0 < count <= PROMOTE_MAX:
        raise InvalidCommand(f"Promote 1 to {PROMOTE_MAX} items.", code="empty_promotion")
    pid, version = command.promotion_id, source.version

    def origin(item_id: str) -> Origin:
        return Origin(
            board_id=source.board_id, item_id=item_id, version=version, group=source.title
        )

    # People wrote on a pseudonymous board trusting their names stay off it: the copies carry
    # no author there (the origin leads an auditor to the source board's log).
    anonymous = source.anonymity == "pseudonymous"

    clusters: list[PromotedCluster] = []
    notes: dict[str, PromotedNote] = {}
    for cid in dict.fromkeys(command.cluster_ids):
        c = live_cluster(source, cid)
        new_cid = promoted_id(pid, cid)
        clusters.append(
            PromotedCluster(cluster_id=new_cid, label=c.label, x=c.x, y=c.y, origin=origin(cid))
        )
        for nid in cluster_members(source, cid):
            if not source.notes[nid].hidden:
                note = source.notes[nid]
                notes[nid] = _promoted_note(pid, nid, note, new_cid, origin(nid), anonymous)
    for nid in command.note_ids:
        note = live_note(source, nid)
        if note.hidden:
            raise InvalidCommand("A hidden note is not revealed yet.", code="note_hidden")
        if nid not in notes:
            notes[nid] = _promoted_note(pid, nid, note, None, origin(nid), anonymous)
    return laid_out(
        target,
        Promotion(
            source_board_id=source.board_id,
            source_version=version,
            clusters=tuple(clusters),
            notes=tuple(notes.values()),
        ),
    )


def laid_out(target: Board, plan: Promotion) -> Promotion:
    """``plan`` with its items placed in the first free column of ``target``: each cluster
    with its notes in rows under its label, then the loose notes; clear of every item on
    ``target`` and of each other (``domain.layout``)."""
    places = layout.place_block(
        layout.occupied(target),
        [c.cluster_id for c in plan.clusters],
        [(n.note_id, n.cluster_id) for n in plan.notes],
    )
    replace = msgspec.structs.replace
    return replace(
        plan,
        clusters=tuple(
            replace(c, x=places[c.cluster_id][0], y=places[c.cluster_id][1]) for c in plan.clusters
        ),
        notes=tuple(replace(n, x=places[n.note_id][0], y=places[n.note_id][1]) for n in plan.notes),
    )


def _fits(target: Board, plan: Promotion) -> bool:
    """Whether ``plan``'s items, where it put them, stay clear of everything on ``target``."""
    mine = layout.covered(
        ((c.cluster_id, c.x, c.y) for c in plan.clusters),
        (((n.note_id, n.x, n.y), n.cluster_id) for n in plan.notes),
    )
    there = layout.occupied(target)
    return not any(a.overlaps(b) for a in mine for b in there)


def _promoted_note(
    pid: str, nid: str, note: NoteState, cluster_id: str | None, origin: Origin, anonymous: bool
) -> PromotedNote:
    return PromotedNote(
        note_id=promoted_id(pid, nid),
        text=note.text,
        x=note.x,
        y=note.y,
        colour=note.colour,
        author="" if anonymous else note.author,
        cluster_id=cluster_id,
        origin=origin,
        fields=note.fields,
    )


def _decide_promote(state: Board, command: PromoteItems) -> list[Event]:
    if state.kind != "plenary":
        raise InvalidCommand("Items are promoted to the plenary board.", code="not_plenary")
    if command.promotion_id in state.promotions:
        raise AlreadyExists(f"The promotion {command.promotion_id!r} exists.", code="duplicate_id")
    plan = command.plan
    if plan is None or plan.source_board_id != command.source_board_id:
        raise InvalidCommand("The promotion has no plan from its source board.", code="no_plan")
    for new_id in [c.cluster_id for c in plan.clusters] + [n.note_id for n in plan.notes]:
        if new_id in state.notes or new_id in state.clusters:
            raise AlreadyExists(f"The id {new_id!r} is already used.", code="duplicate_id")
    if not _fits(state, plan):  # the board changed since the plan was made: place anew
        plan = laid_out(state, plan)
    return [
        ItemsPromoted(
            promotion_id=command.promotion_id,
            source_board_id=plan.source_board_id,
            source_version=plan.source_version,
            clusters=plan.clusters,
            notes=plan.notes,
        )
    ]


def decide(state: Board, command: Command, actor: Actor) -> list[Event]:
    """The events for ``command`` (the caller checked the role and that the board exists)."""
    del actor  # decisions and promotions are the facilitator's; the role table says so
    if isinstance(command, RecordDecision):
        return _decide_record(state, command)
    if isinstance(command, TrackDecision):
        return _decide_track(state, command)
    return _decide_promote(state, command)


def _decide_track(state: Board, command: TrackDecision) -> list[Event]:
    """One track per decision, decided on the decision's own board: two starts from one
    decision can never both pass. Raises ``decision_not_found``, ``decision_not_selected``,
    ``decision_has_track``; the same track again records nothing."""
    decision = state.decisions.get(command.decision_id)
    if decision is None:
        raise NotFound("There is no such decision on that board.", code="decision_not_found")
    if decision.outcome != "select":
        raise InvalidCommand(
            "A solution track starts from a decision that selected its item.",
            code="decision_not_selected",
        )
    if decision.track_id == command.track_id:
        return []
    if decision.track_id is not None:
        raise AlreadyExists(
            f"The decision already has the solution track {decision.track_id!r}.",
            code="decision_has_track",
        )
    return [DecisionTracked(decision_id=command.decision_id, track_id=command.track_id)]


# --------------------------------------------------------------------------- evolve


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied; never raises."""
    replace = msgspec.structs.replace
    if isinstance(event, DecisionRecorded):
        decision = DecisionState(item_id=event.item_id, outcome=event.outcome, title=event.title)
        return replace(state, decisions={**state.decisions, event.decision_id: decision})
    if isinstance(event, DecisionTracked):
        tracked = replace(state.decisions[event.decision_id], track_id=event.track_id)
        return replace(state, decisions={**state.decisions, event.decision_id: tracked})
    clusters = dict(state.clusters)
    for c in event.clusters:
        clusters[c.cluster_id] = ClusterState(label=c.label, x=c.x, y=c.y, origin=c.origin)
    notes = dict(state.notes)
    for n in event.notes:
        notes[n.note_id] = NoteState(
            author=n.author,
            text=n.text,
            x=n.x,
            y=n.y,
            colour=n.colour,
            cluster_id=n.cluster_id,
            origin=n.origin,
            fields=n.fields,
        )
    return replace(
        state,
        clusters=clusters,
        notes=notes,
        promotions=state.promotions | {event.promotion_id},
    )
