"""What one viewer may see of a board: hidden notes, hidden tallies and pseudonyms.

A state machine drives one board with voting through the decider, records every accepted
event, folds it into the decider's state and the ``board_view`` projection, and checks what
``present_view`` and ``present_event`` (live and history paths) give each person against a
model of its own. Plain tests pin the helpers of ``projections.visibility`` one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain import board, decisions, facilitation, voting
from domain.actor import Actor
from domain.board_state import PHASES, Anonymity, Origin, Outcome, Phase, VoteTarget
from domain.errors import DomainError
from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.board_view import BOARD_VIEW, BoardView
from projections.trace import trace
from projections.visibility import (
    REDACTED,
    Viewer,
    aliased,
    present_event,
    present_view,
    private_to,
    pseudonym,
    redacted,
    still_private,
)
from service.live.room import encode_events
from tests.factories import Log, attempt

BOARD_ID = "b-visibility"
STREAM = board_stream(BOARD_ID)
KEY = b"visibility-test-pseudonym-key"

# Ids distinctive enough that finding one in encoded bytes means it leaked.
FACILITATOR = Actor(id="facilitator-f7c3", role="facilitator", name="Fay")
PARTICIPANTS = (
    Actor(id="participant-a1b2", role="participant", name="Ann"),
    Actor(id="participant-c3d4", role="participant", name="Ben"),
    Actor(id="participant-e5f6", role="participant", name="Cem"),
)
OBSERVER = Actor(id="observer-9d8e", role="observer", name="Olu")
EDITORS = (FACILITATOR, *PARTICIPANTS)
PEOPLE = (*EDITORS, OBSERVER)
VIEWERS = tuple(Viewer(id=p.id, role=p.role, pseudonym_key=KEY) for p in PEOPLE)

PREFIXES = (
    "idea",
    "Idée à côté",
    'a "quoted" \\ word',
    '"private_to":"x"',
    "tab\tand\nnewline",
    "🎯 aim",
)
"""Note texts start with one of these and end with a unique token (``~0007~``): JSON escapes
the prefixes in various ways, never the token, so finding a token in bytes finds its text."""

decode_event = msgspec.json.Decoder(board.Event).decode
editors = st.sampled_from(EDITORS)
voters = st.sampled_from((*PARTICIPANTS, *PARTICIPANTS, FACILITATOR))
MOVES = ("cast", "cast", "cast", "cast", "retract", "retract", "off", "closed", "unknown")
"""What one voter does in a ``vote`` step: ``off`` the ballot, in a ``closed`` or ``unknown``
round (these two fall back to the open round when there is none such)."""
picks = st.integers(0, 63)
"""An index into whatever ids exist when the rule runs (taken modulo their number)."""


def _pick(ids: list[str], index: int, fallback: str) -> str:
    return ids[index % len(ids)] if ids else fallback


def _is_redacted(shown: RecordedEvent, rec: RecordedEvent) -> bool:
    """Whether ``shown`` is the exact placeholder for ``rec``: its place, nothing else."""
    meta = shown.meta
    return (
        (shown.type, shown.data, shown.prev_hash, shown.hash) == (REDACTED, b"{}", b"", b"")
        and (meta.actor, meta.command_id, meta.correlation_id) == ("", "", "")
        and (shown.version, shown.position) == (rec.version, rec.position)
        and (shown.stream_id, shown.event_id, shown.recorded_at)
        == (rec.stream_id, rec.event_id, rec.recorded_at)
    )


def _leaks(blob: bytes, needles: Iterable[str]) -> list[str]:
    return [needle for needle in needles if needle.encode() in blob]


# --------------------------------------------------------------------------- the model


def _live_votes(votes: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """``votes`` without the items and voters left with no dots."""
    live = {v: {i: n for i, n in b.items() if n} for v, b in votes.items()}
    return {v: b for v, b in live.items() if b}


@dataclass
class ModelNote:
    author: str
    tokens: list[str]
    """The token of every text the note has had."""
    hidden: bool
    deleted: bool = False


@dataclass
class ModelRound:
    budget: int
    per_item_max: int
    hide_tallies: bool
    facilitators_vote: bool
    items: tuple[str, ...]
    open: bool = True
    votes: dict[str, Counter[str]] = field(default_factory=dict)

    def used(self, voter: str) -> int:
        return sum(self.votes.get(voter, Counter()).values())

    def tallies(self) -> dict[str, int]:
        return {item: sum(b[item] for b in self.votes.values()) for item in self.items}

    def live_votes(self) -> dict[str, dict[str, int]]:
        return _live_votes({voter: dict(ballot) for voter, ballot in self.votes.items()})


@dataclass(frozen=True)
class Privacy:
    """Whom an event was private to when recorded, and about which note or round."""

    owner: str
    note_id: str | None = None
    round_id: str | None = None


# --------------------------------------------------------------------------- the machine


class VisibilityMachine(RuleBasedStateMachine):
    """One board, a facilitator, three participants and an observer watching."""

    def __init__(self) -> None:
        super().__init__()
        self.log = Log()
        self.state = board.initial_state
        self.view = BOARD_VIEW.initial(BOARD_ID)
        self.privacy: list[Privacy | None] = []
        """Parallel to ``log.events``: from the model, never from the event's own fields."""
        self.serial = 0
        self.notes: dict[str, ModelNote] = {}
        self.clusters: list[str] = []
        self.rounds: dict[str, ModelRound] = {}
        self.phase: Phase = "collect"
        self.private_writing = False
        self.anonymity: Anonymity = "named"
        self.revealed: set[str] = set()
        self.presented: dict[tuple[int, str, str, bool | None], RecordedEvent] = {}

    # ------------------------------------------------------------------ plumbing

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def text(self, prefix: str) -> tuple[str, str]:
        token = f"~{self.next_serial():04d}~"
        return f"{prefix} {token}", token

    def run(self, command: board.Command, actor: Actor) -> list[board.Event] | DomainError:
        """Decide; record what was accepted and apply it to the state and the view."""
        outcome = attempt(self.state, command, actor)
        if isinstance(outcome, DomainError) or not outcome:
            return outcome
        for event in outcome:
            self.privacy.append(self.privacy_of(event, actor))
        for rec, event in zip(self.log.append(STREAM, outcome, actor), outcome, strict=True):
            assert rec.meta.actor == actor.id
            assert decode_event(rec.data) == event
            self.state = board.evolve(self.state, event)
            self.view = BOARD_VIEW.apply(self.view, rec)
        return outcome

    def privacy_of(self, event: board.Event, actor: Actor) -> Privacy | None:
        """Whom ``event`` is private to as the model sees it, checked against ``private_to``."""
        privacy: Privacy | None = None
        match event:
            case board.NoteAdded():
                if self.private_writing and actor.role != "facilitator":
                    privacy = Privacy(owner=actor.id, note_id=event.note_id)
            case (
                board.NoteEdited()
                | board.NoteMoved()
                | board.NoteRecoloured()
                | board.NoteDeleted()
            ):
                note = self.notes[event.note_id]
                if note.hidden:
                    privacy = Privacy(owner=note.author, note_id=event.note_id)
            case voting.VoteCast() | voting.VoteRetracted():
                if self.rounds[event.round_id].hide_tallies:
                    privacy = Privacy(owner=event.voter, round_id=event.round_id)
        owner = getattr(event, "private_to", None)
        assert owner == (privacy.owner if privacy else None), f"{event} should be {privacy}"
        return privacy

    def still_private(self, privacy: Privacy) -> bool:
        if privacy.round_id is not None:
            return self.rounds[privacy.round_id].open
        assert privacy.note_id is not None
        return self.notes[privacy.note_id].hidden

    def secrets_from(self, viewer_id: str) -> list[str]:
        """The tokens of every text hidden from ``viewer_id`` now (deleted unrevealed: for ever)."""
        return [
            token
            for note in self.notes.values()
            if note.hidden and note.author != viewer_id
            for token in note.tokens
        ]

    def note_ids(self, *, live: bool = False) -> list[str]:
        return [nid for nid, n in self.notes.items() if not (live and n.deleted)]

    def hidden_from(self, note_id: str, actor: Actor) -> bool:
        note = self.notes.get(note_id)
        return note is not None and note.hidden and note.author != actor.id

    def touch_note(self, command: board.Command, actor: Actor, note_id: str) -> bool:
        """Run a command on a note; one hidden from ``actor`` must look as if it did not exist."""
        outcome = self.run(command, actor)
        if self.hidden_from(note_id, actor):
            assert isinstance(outcome, DomainError), f"{actor.id} changed a hidden note"
            assert outcome.code in {"unknown_note", "wrong_phase"}, outcome.code
        return not isinstance(outcome, DomainError)

    # ------------------------------------------------------------------ notes and clusters

    @initialize(
        private=st.booleans(),
        pseudonymous=st.booleans(),
        authors=st.lists(editors, min_size=2, max_size=6),
    )
    def create(self, private: bool, pseudonymous: bool, authors: list[Actor]) -> None:
        """A board with a few notes (hidden ones if ``private``) and two clusters to vote on."""
        command = board.CreateBoard(board_id=BOARD_ID, workshop_id="w-visibility", title="Ideas")
        assert self.run(command, FACILITATOR)
        if pseudonymous:
            self.set_anonymity("pseudonymous")
        if private:
            self.start_private_writing()
        for i, author in enumerate(authors):
            self.add_note(author, PREFIXES[i % len(PREFIXES)], i)
        self.create_cluster(FACILITATOR)
        self.create_cluster(FACILITATOR)
        assert len(self.notes) == len(authors)

    @rule(by=editors, prefix=st.sampled_from(PREFIXES), x=st.integers(-9, 9))
    def add_note(self, by: Actor, prefix: str, x: int) -> None:
        note_id = f"n{self.next_serial()}"
        text, token = self.text(prefix)
        command = board.AddNote(note_id=note_id, text=text, x=float(x), y=0.0)
        if not isinstance(self.run(command, by), DomainError):
            hidden = self.private_writing and by.role != "facilitator"
            self.notes[note_id] = ModelNote(author=by.id, tokens=[token], hidden=hidden)

    @rule(by=editors, pick=picks, prefix=st.sampled_from(PREFIXES))
    def edit_note(self, by: Actor, pick: int, prefix: str) -> None:
        note_id = _pick(self.note_ids(), pick, "n-none")
        text, token = self.text(prefix)
        if self.touch_note(board.EditNote(note_id=note_id, text=text), by, note_id):
            self.notes[note_id].tokens.append(token)

    @rule(by=editors, pick=picks, x=st.integers(-9, 9), y=st.integers(-9, 9))
    def move_note(self, by: Actor, pick: int, x: int, y: int) -> None:
        note_id = _pick(self.note_ids(), pick, "n-none")
        self.touch_note(board.MoveNote(note_id=note_id, x=float(x), y=float(y)), by, note_id)

    @rule(by=editors, pick=picks)
    def delete_note(self, by: Actor, pick: int) -> None:
        note_id = _pick(self.note_ids(), pick, "n-none")
        if self.touch_note(board.DeleteNote(note_id=note_id), by, note_id):
            self.notes[note_id].deleted = True

    @rule(by=editors)
    def create_cluster(self, by: Actor) -> None:
        serial = self.next_serial()
        command = board.CreateCluster(cluster_id=f"c{serial}", label=f"Theme {serial}", x=0, y=0)
        if not isinstance(self.run(command, by), DomainError):
            self.clusters.append(command.cluster_id)

    @rule(by=editors, pick=picks, cluster=picks, leave=st.booleans())
    def cluster_note(self, by: Actor, pick: int, cluster: int, leave: bool) -> None:
        note_id = _pick(self.note_ids(live=True), pick, "n-none")
        cluster_id = None if leave else _pick(self.clusters, cluster, "c-none")
        command = board.ClusterNote(note_id=note_id, cluster_id=cluster_id)
        outcome = self.run(command, by)
        note = self.notes.get(note_id)
        if note is not None and note.hidden:
            assert isinstance(outcome, DomainError), "a hidden note joined a cluster"

    # ------------------------------------------------------------------ facilitation

    @rule()
    def start_private_writing(self) -> None:
        outcome = self.run(facilitation.StartPrivateWriting(), FACILITATOR)
        assert isinstance(outcome, list)
        assert bool(outcome) != self.private_writing
        self.private_writing = True

    @rule()
    def reveal(self) -> None:
        hidden = sorted(nid for nid, n in self.notes.items() if n.hidden and not n.deleted)
        outcome = self.run(facilitation.RevealNotes(), FACILITATOR)
        assert isinstance(outcome, list)
        assert bool(outcome) == (self.private_writing or bool(hidden))
        if outcome:
            (revealed,) = outcome
            assert isinstance(revealed, facilitation.NotesRevealed)
            assert [n.note_id for n in revealed.notes] == hidden
        for note_id in hidden:
            self.notes[note_id].hidden = False
        self.private_writing = False
        self.revealed |= set(hidden)
        for viewer in VIEWERS:
            assert set(hidden) <= set(present_view(self.view, viewer).notes)

    @rule(phase=st.sampled_from(PHASES))
    def change_phase(self, phase: Phase) -> None:
        outcome = self.run(facilitation.ChangePhase(phase=phase), FACILITATOR)
        open_round = any(r.open for r in self.rounds.values())
        if isinstance(outcome, DomainError):
            assert (outcome.code, open_round) == ("round_open", True)
            assert phase != self.phase
            return
        assert bool(outcome) == (phase != self.phase)
        self.phase = phase

    @rule(policy=st.sampled_from(("named", "pseudonymous")))
    def set_anonymity(self, policy: Anonymity) -> None:
        outcome = self.run(facilitation.SetAnonymity(policy=policy), FACILITATOR)
        if isinstance(outcome, DomainError):
            # Names never go on what people wrote or voted under a pseudonym.
            assert outcome.code == "anonymity_irreversible"
            assert (self.anonymity, policy) == ("pseudonymous", "named")
            assert self.notes  # the seed wrote some: once pseudonymous, the board stays so
            return
        assert bool(outcome) == (policy != self.anonymity)
        self.anonymity = policy

    # ------------------------------------------------------------------ voting

    def ballot(self, target: VoteTarget) -> tuple[str, ...]:
        if target == "clusters":
            return tuple(sorted(self.clusters))
        return tuple(sorted(nid for nid, n in self.notes.items() if not n.deleted and not n.hidden))

    @precondition(lambda self: not any(r.open for r in self.rounds.values()))
    @rule(
        to_vote=st.booleans(),
        kind=st.sampled_from(("notes", "clusters")),
        budget=st.integers(1, 5),
        data=st.data(),
        hide_tallies=st.booleans(),
        facilitators_vote=st.booleans(),
        chosen=st.lists(picks, max_size=3),
    )
    def open_round(
        self,
        to_vote: bool,
        kind: VoteTarget,
        budget: int,
        data: st.DataObject,
        hide_tallies: bool,
        facilitators_vote: bool,
        chosen: list[int],
    ) -> None:
        if to_vote:
            self.change_phase("vote")
        per_item_max = data.draw(st.integers(1, budget), label="per_item_max")
        pool = self.clusters if kind == "clusters" else self.note_ids(live=True)
        item_ids = tuple(dict.fromkeys(_pick(pool, i, "x-none") for i in chosen))
        round_id = f"r{self.next_serial()}"
        command = voting.OpenRound(
            round_id=round_id,
            target=kind,
            budget=budget,
            per_item_max=per_item_max,
            hide_tallies=hide_tallies,
            facilitators_vote=facilitators_vote,
            item_ids=item_ids,
        )
        outcome = self.run(command, FACILITATOR)
        if isinstance(outcome, DomainError):
            return
        assert self.phase == "vote"
        assert not any(r.open for r in self.rounds.values())
        (opened,) = outcome
        assert isinstance(opened, voting.RoundOpened)
        assert opened.item_ids == (item_ids or self.ballot(kind))
        assert not any(self.notes[i].hidden for i in opened.item_ids if i in self.notes)
        self.rounds[round_id] = ModelRound(
            budget=budget,
            per_item_max=per_item_max,
            hide_tallies=hide_tallies,
            facilitators_vote=facilitators_vote,
            items=opened.item_ids,
        )

    def open_round_id(self) -> str | None:
        return next((rid for rid, r in self.rounds.items() if r.open), None)

    def round_for(self, move: str) -> str:
        """The open round; for ``closed`` the latest closed one, for ``unknown`` none at all."""
        closed = [rid for rid, r in self.rounds.items() if not r.open]
        if move == "unknown":
            return "r-none"
        if move == "closed" and closed:
            return closed[-1]
        return self.open_round_id() or "r-none"

    @precondition(lambda self: self.open_round_id() is not None)
    @rule(moves=st.lists(st.tuples(voters, picks, st.sampled_from(MOVES)), min_size=1, max_size=16))
    def vote(self, moves: list[tuple[Actor, int, str]]) -> None:
        """Several people place or take back dots, one command each, as in a busy round."""
        for voter, pick, move in moves:
            round_id = self.round_for(move)
            if move == "retract":
                self.retract_vote(voter, round_id, pick)
            else:
                self.cast_vote(voter, round_id, pick, off_ballot=move == "off")

    def cast_vote(self, voter: Actor, round_id: str, pick: int, *, off_ballot: bool) -> None:
        round_ = self.rounds.get(round_id)
        items = list(round_.items) if round_ else []
        item_id = "x-off-ballot" if off_ballot else _pick(items, pick, "x-none")
        expected: str | None = None
        if round_ is None:
            expected = "unknown_round"
        elif not round_.open:
            expected = "round_closed"
        elif voter.role == "facilitator" and not round_.facilitators_vote:
            expected = "facilitators_do_not_vote"
        elif item_id not in round_.items:
            expected = "not_on_ballot"
        elif round_.used(voter.id) >= round_.budget:
            expected = "vote_budget_exceeded"
        elif round_.votes.get(voter.id, Counter())[item_id] >= round_.per_item_max:
            expected = "vote_item_limit"
        outcome = self.run(voting.CastVote(round_id=round_id, item_id=item_id), voter)
        if isinstance(outcome, DomainError):
            assert outcome.code == expected
            return
        assert expected is None, f"accepted despite {expected}"
        assert round_ is not None
        round_.votes.setdefault(voter.id, Counter())[item_id] += 1

    def retract_vote(self, voter: Actor, round_id: str, pick: int) -> None:
        round_ = self.rounds[round_id]
        mine = round_.votes.get(voter.id, Counter())
        item_id = _pick(sorted(+mine) or list(round_.items), pick, "x-none")
        outcome = self.run(voting.RetractVote(round_id=round_id, item_id=item_id), voter)
        if mine[item_id] == 0:
            assert isinstance(outcome, DomainError)
            assert outcome.code == "no_vote"
            return
        assert isinstance(outcome, list)
        assert outcome
        mine[item_id] -= 1

    @precondition(lambda self: self.open_round_id() is not None)
    @rule()
    def close_round(self) -> None:
        round_id = self.open_round_id() or "r-none"
        round_ = self.rounds[round_id]
        outcome = self.run(voting.CloseRound(round_id=round_id), FACILITATOR)
        assert isinstance(outcome, list)
        (closed,) = outcome
        assert isinstance(closed, voting.RoundClosed)
        assert {t.item_id: t.votes for t in closed.results} == round_.tallies()
        assert closed.voters == len(round_.live_votes())
        round_.open = False
        assert self.run(voting.CloseRound(round_id=round_id), FACILITATOR) == []
        self.cast_vote(PARTICIPANTS[0], round_id, 0, off_ballot=False)  # too late: round_closed

    @rule(
        to_discuss=st.booleans(),
        pick=picks,
        on_cluster=st.booleans(),
        outcome=st.sampled_from(("select", "park", "reject")),
    )
    def record_decision(
        self, to_discuss: bool, pick: int, on_cluster: bool, outcome: Outcome
    ) -> None:
        if to_discuss:
            self.change_phase("discuss")
        items = self.clusters if on_cluster else self.note_ids(live=True)
        item_id = _pick(items, pick, "x-none")
        command = decisions.RecordDecision(
            decision_id=f"d{self.next_serial()}",
            item_id=item_id,
            outcome=outcome,
            rationale="because",
        )
        result = self.run(command, FACILITATOR)
        if self.hidden_from(item_id, FACILITATOR):
            assert isinstance(result, DomainError), "a decision on a hidden note"

    # ------------------------------------------------------------------ invariants

    @invariant()
    def votes_stay_within_limits_and_tallies_equal_the_live_votes(self) -> None:
        assert set(self.state.rounds) == set(self.view.rounds) == set(self.rounds)
        for round_id, model in self.rounds.items():
            state, view = self.state.rounds[round_id], self.view.rounds[round_id]
            assert state.open == view.open == model.open
            for votes in (state.votes, view.votes):
                for ballot in votes.values():
                    assert sum(ballot.values()) <= model.budget
                    assert all(0 <= n <= model.per_item_max for n in ballot.values())
            expected = model.tallies()
            assert view.tallies == expected
            assert state.tally() == expected
            assert _live_votes(view.votes) == _live_votes(state.votes) == model.live_votes()
            assert view.voters == len(model.live_votes())

    @invariant()
    def each_viewer_sees_only_what_is_theirs_to_see(self) -> None:
        assert self.view.anonymity == self.state.anonymity == self.anonymity
        pseudonymous = self.anonymity == "pseudonymous"
        for viewer in VIEWERS:
            shown = present_view(self.view, viewer)
            blob = msgspec.json.encode(shown)
            visible = {
                nid
                for nid, n in self.notes.items()
                if not n.deleted and (not n.hidden or n.author == viewer.id)
            }
            assert set(shown.notes) == visible
            assert {n for n in self.revealed if not self.notes[n].deleted} <= visible
            assert not _leaks(blob, self.secrets_from(viewer.id)), viewer.id
            own = pseudonym(KEY, BOARD_ID, viewer.id)[0] if pseudonymous else viewer.id
            for round_id, model in self.rounds.items():
                if model.open and model.hide_tallies:
                    seen = shown.rounds[round_id]
                    mine = model.live_votes().get(viewer.id)
                    assert seen.votes == ({own: mine} if mine else {})
                    assert seen.tallies == {}
            if pseudonymous:
                assert not _leaks(blob, [p.id for p in PEOPLE]), viewer.id

    @invariant()
    def every_event_reaches_each_viewer_cut_down_live_and_in_history(self) -> None:
        def lifted(rec: RecordedEvent) -> bool:
            return not still_private(rec, self.view)

        # The live path (hub fan-out) first, then history (``present_history``): ``shown``
        # keeps the history for the decision trace below.
        paths: tuple[Callable[[RecordedEvent], bool] | None, ...] = (None, lifted)
        people = [p.id for p in PEOPLE] if self.anonymity == "pseudonymous" else []
        for viewer in VIEWERS:
            secrets = self.secrets_from(viewer.id) + people
            for lift in paths:
                shown = [self.present(rec, viewer, lift) for rec in self.log.events]
                for rec, out, privacy in zip(self.log.events, shown, self.privacy, strict=True):
                    self.check_event(rec, out, privacy, viewer, live=lift is None)
                frame = encode_events(shown).encode()
                assert not _leaks(frame, secrets), (
                    viewer.id,
                    "live" if lift is None else "history",
                )
            # The decision trace is built from history as the viewer may see it.
            for decision in present_view(self.view, viewer).decisions:
                traced = msgspec.json.encode(trace(BOARD_ID, decision, shown))
                assert not _leaks(traced, secrets), (viewer.id, decision.id)

    def present(
        self, rec: RecordedEvent, viewer: Viewer, lift: Callable[[RecordedEvent], bool] | None
    ) -> RecordedEvent:
        """``present_event``, remembered per input: it is a pure function of the event, the
        viewer, the policy and whether the event's privacy is lifted, and steps repeat them."""
        key = (rec.position, viewer.id, self.view.anonymity, None if lift is None else lift(rec))
        if key not in self.presented:
            self.presented[key] = present_event(
                rec, viewer, anonymity=self.view.anonymity, lifted=lift
            )
        return self.presented[key]

    def check_event(
        self,
        rec: RecordedEvent,
        out: RecordedEvent,
        privacy: Privacy | None,
        viewer: Viewer,
        *,
        live: bool,
    ) -> None:
        assert (out.version, out.position) == (rec.version, rec.position)
        if privacy is None or privacy.owner == viewer.id:
            assert out.type == rec.type
            return
        if live or self.still_private(privacy):
            assert _is_redacted(out, rec), (viewer.id, rec.type, out)
        else:  # the privacy has ended (revealed, even if deleted since; round closed)
            assert out.type == rec.type, (viewer.id, rec.type)


TestVisibilityMachine = VisibilityMachine.TestCase
TestVisibilityMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


# --------------------------------------------------------------------------- plain tests

ANN, BEN = PARTICIPANTS[0], PARTICIPANTS[1]


def _board_events() -> list[tuple[board.Event, Actor]]:
    """Private writing with a hidden note each from Ann and Ben, one open note from the
    facilitator, and a hidden-tallies round where Ann and Ben voted."""

    def added(note_id: str, by: Actor, hidden: bool) -> board.NoteAdded:
        return board.NoteAdded(
            note_id=note_id,
            text=f"text of {note_id}",
            x=0.0,
            y=0.0,
            colour="yellow",
            author=by.id,
            private_to=by.id if hidden else None,
        )

    def cast(by: Actor) -> voting.VoteCast:
        return voting.VoteCast(round_id="r1", item_id="nf", voter=by.id, private_to=by.id)

    return [
        (board.BoardCreated(board_id=BOARD_ID, workshop_id="w", title="Ideas"), FACILITATOR),
        (facilitation.PrivateWritingStarted(), FACILITATOR),
        (added("na", ANN, hidden=True), ANN),
        (added("nb", BEN, hidden=True), BEN),
        (added("nf", FACILITATOR, hidden=False), FACILITATOR),
        (facilitation.PhaseChanged(phase="vote", previous="collect"), FACILITATOR),
        (
            voting.RoundOpened(
                round_id="r1",
                target="notes",
                budget=3,
                per_item_max=2,
                hide_tallies=True,
                facilitators_vote=False,
                item_ids=("nf",),
            ),
            FACILITATOR,
        ),
        (cast(ANN), ANN),
        (cast(BEN), BEN),
        (cast(BEN), BEN),
    ]


def _recorded(events: list[tuple[board.Event, Actor]]) -> list[RecordedEvent]:
    log = Log()
    for event, actor in events:
        log.append(STREAM, [event], actor)
    return log.events


def _view_of(events: list[tuple[board.Event, Actor]]) -> BoardView:
    view = BOARD_VIEW.initial(BOARD_ID)
    for rec in _recorded(events):
        view = BOARD_VIEW.apply(view, rec)
    return view


def _one(event: msgspec.Struct, actor: Actor = FACILITATOR) -> RecordedEvent:
    (rec,) = Log().append(STREAM, [event], actor)
    return rec


def _viewer(actor: Actor) -> Viewer:
    return Viewer(id=actor.id, role=actor.role, pseudonym_key=KEY)


def test_a_pseudonym_is_stable_keyed_and_different_on_each_board() -> None:
    alias, name = pseudonym(KEY, BOARD_ID, ANN.id)
    assert pseudonym(KEY, BOARD_ID, ANN.id) == (alias, name)
    assert alias.startswith("anon-")
    assert len(alias) == len("anon-") + 16
    assert len(name.split()) == 2
    assert pseudonym(b"another key", BOARD_ID, ANN.id)[0] != alias
    assert pseudonym(KEY, "b-other", ANN.id)[0] != alias
    assert pseudonym(KEY, BOARD_ID, BEN.id)[0] != alias
    assert ANN.id not in alias + name


def test_only_an_event_with_a_private_to_string_is_private() -> None:
    open_note = board.NoteAdded(
        note_id="n1", text="idea", x=0.0, y=0.0, colour="yellow", author=ANN.id
    )
    hidden = msgspec.structs.replace(open_note, private_to=ANN.id)
    assert b'"private_to":null' in _one(open_note, ANN).data
    assert private_to(_one(open_note, ANN)) is None
    assert private_to(_one(board.ClusterCreated(cluster_id="c1", label="x", x=0, y=0))) is None
    assert private_to(_one(facilitation.NotesRevealed())) is None
    assert private_to(_one(hidden, ANN)) == ANN.id


def test_note_text_that_looks_like_a_private_to_field_does_not_make_an_event_private() -> None:
    text = '"private_to":"x"'
    event = board.NoteAdded(note_id="n1", text=text, x=0.0, y=0.0, colour="yellow", author=ANN.id)
    rec = _one(event, ANN)
    assert private_to(rec) is None
    shown = present_event(rec, _viewer(BEN), anonymity="named")
    assert shown == rec
    assert msgspec.json.decode(shown.data)["text"] == text


def test_aliased_replaces_every_person_at_any_depth_and_drops_the_hashes() -> None:
    revealed = facilitation.NotesRevealed(
        notes=(
            facilitation.RevealedNote(
                note_id="na", text="mine", x=1.0, y=2.0, colour="pink", author=ANN.id
            ),
        )
    )
    decided = decisions.DecisionRecorded(
        decision_id="d1",
        item_id="na",
        item_kind="notes",
        title="mine",
        outcome="select",
        rationale="because",
        evidence=decisions.Evidence(
            board_version=4,
            notes=(decisions.EvidenceNote(note_id="na", text="mine", author=BEN.id),),
        ),
    )
    vote = voting.VoteCast(round_id="r1", item_id="na", voter=BEN.id, private_to=BEN.id)
    joined = _one(facilitation.NotesRevealed())
    joined = msgspec.structs.replace(
        joined, data=msgspec.json.encode({"deep": [{"actor_id": ANN.id, "other": ANN.name}]})
    )

    def alias(actor: Actor) -> str:
        return pseudonym(KEY, BOARD_ID, actor.id)[0]

    rec = aliased(_one(revealed), KEY, BOARD_ID)
    assert msgspec.json.decode(rec.data)["notes"][0] == {
        "note_id": "na",
        "text": "mine",
        "x": 1.0,
        "y": 2.0,
        "colour": "pink",
        "author": alias(ANN),
        "fields": [],
    }
    assert (rec.meta.actor, rec.prev_hash, rec.hash) == (alias(FACILITATOR), b"", b"")
    rec = aliased(_one(decided), KEY, BOARD_ID)
    assert msgspec.json.decode(rec.data)["evidence"]["notes"][0]["author"] == alias(BEN)
    rec = aliased(_one(vote, BEN), KEY, BOARD_ID)
    data = msgspec.json.decode(rec.data)
    assert (data["voter"], data["private_to"], rec.meta.actor) == (alias(BEN),) * 3
    rec = aliased(joined, KEY, BOARD_ID)
    assert msgspec.json.decode(rec.data) == {"deep": [{"actor_id": alias(ANN), "other": "Ann"}]}
    for rec in (aliased(_one(e), KEY, BOARD_ID) for e in (revealed, decided, vote)):
        assert not _leaks(rec.data + rec.meta.actor.encode(), [p.id for p in PEOPLE])


def test_present_view_keeps_the_viewers_own_hidden_notes_and_own_votes() -> None:
    view = _view_of(_board_events())
    ann = present_view(view, _viewer(ANN))
    assert set(ann.notes) == {"na", "nf"}
    assert ann.rounds["r1"].votes == {ANN.id: {"nf": 1}}
    assert ann.rounds["r1"].tallies == {}
    ben = present_view(view, _viewer(BEN))
    assert set(ben.notes) == {"nb", "nf"}
    assert ben.rounds["r1"].votes == {BEN.id: {"nf": 2}}
    for outsider in (FACILITATOR, OBSERVER, PARTICIPANTS[2]):
        seen = present_view(view, _viewer(outsider))
        assert set(seen.notes) == {"nf"}
        assert (seen.rounds["r1"].votes, seen.rounds["r1"].tallies) == ({}, {})
    assert view.rounds["r1"].tallies == {"nf": 3}


def test_present_view_on_a_pseudonymous_board_shows_nobody_by_their_real_id() -> None:
    events = _board_events()
    events.append((facilitation.AnonymitySet(policy="pseudonymous"), FACILITATOR))
    view = _view_of(events)
    ann = present_view(view, _viewer(ANN))
    own = pseudonym(KEY, BOARD_ID, ANN.id)[0]
    assert ann.notes["na"].author == own
    assert ann.rounds["r1"].votes == {own: {"nf": 1}}
    assert not _leaks(msgspec.json.encode(ann), [p.id for p in PEOPLE])
    # The view and the events show a person by the same pseudonym.
    (added,) = [
        r for r in _recorded(events) if r.type == "note.added" and ANN.id in r.data.decode()
    ]
    shown = present_event(added, _viewer(ANN), anonymity="pseudonymous")
    assert msgspec.json.decode(shown.data)["author"] == shown.meta.actor == own


def test_a_redacted_event_keeps_its_place_in_the_log_and_nothing_else() -> None:
    rec = _recorded(_board_events())[-1]
    for viewer in (_viewer(ANN), _viewer(FACILITATOR), _viewer(OBSERVER)):
        shown = present_event(rec, viewer, anonymity="pseudonymous")
        assert _is_redacted(shown, rec)
        assert shown == redacted(rec)
    assert present_event(rec, _viewer(BEN), anonymity="named") == rec


def test_history_lifts_a_vote_once_its_round_has_closed() -> None:
    events = _board_events()
    open_view = _view_of(events)
    closed = voting.RoundClosed(
        round_id="r1", results=(voting.Tally(item_id="nf", votes=3),), voters=2
    )
    closed_view = _view_of([*events, (closed, FACILITATOR)])
    rec = _recorded(events)[-1]
    assert still_private(rec, open_view)
    assert not still_private(rec, closed_view)
    shown = present_event(
        rec, _viewer(ANN), anonymity="named", lifted=lambda r: not still_private(r, closed_view)
    )
    assert shown == rec


def test_history_shows_a_note_that_was_revealed_before_it_was_deleted() -> None:
    note = board.NoteAdded(
        note_id="na",
        text="public since the reveal",
        x=0.0,
        y=0.0,
        colour="yellow",
        author=ANN.id,
        private_to=ANN.id,
    )
    revealed = facilitation.RevealedNote(
        note_id="na", text=note.text, x=0.0, y=0.0, colour="yellow", author=ANN.id
    )
    decided = decisions.DecisionRecorded(
        decision_id="d1",
        item_id="na",
        item_kind="notes",
        title=note.text,
        outcome="select",
        rationale="because",
        evidence=decisions.Evidence(
            board_version=5,
            notes=(decisions.EvidenceNote(note_id="na", text=note.text, author=ANN.id),),
        ),
    )
    events: list[tuple[board.Event, Actor]] = [
        (board.BoardCreated(board_id=BOARD_ID, workshop_id="w", title="Ideas"), FACILITATOR),
        (facilitation.PrivateWritingStarted(), FACILITATOR),
        (note, ANN),
        (facilitation.NotesRevealed(notes=(revealed,)), FACILITATOR),
        (facilitation.PhaseChanged(phase="decide", previous="collect"), FACILITATOR),
        (decided, FACILITATOR),
        (board.NoteDeleted(note_id="na"), FACILITATOR),
    ]
    view, history = _view_of(events), _recorded(events)
    ben = _viewer(BEN)

    def lifted(rec: RecordedEvent) -> bool:
        return not still_private(rec, view)

    shown = [present_event(r, ben, anonymity="named", lifted=lifted) for r in history]
    traced = trace(BOARD_ID, present_view(view, ben).decisions[0], shown)
    assert f"Note added: {note.text}" in [entry.what for entry in traced.entries]


def test_a_copy_promoted_from_a_pseudonymous_board_stays_without_an_author() -> None:
    origin = Origin(board_id="b-source", item_id="n1", version=3)
    copy = decisions.PromotedNote(
        note_id="p1", text="t", x=0, y=0, colour="yellow", author="", cluster_id=None, origin=origin
    )
    promoted = decisions.ItemsPromoted(
        promotion_id="pr", source_board_id="b-source", source_version=3, clusters=(), notes=(copy,)
    )
    history: list[tuple[board.Event, Actor]] = [
        (
            board.BoardCreated(board_id=BOARD_ID, workshop_id="w", title="P", kind="plenary"),
            FACILITATOR,
        ),
        (facilitation.AnonymitySet(policy="pseudonymous"), FACILITATOR),
        (promoted, FACILITATOR),
    ]
    shown = present_view(_view_of(history), _viewer(ANN))
    assert shown.notes["p1"].author == ""
    event = aliased(_recorded(history)[-1], KEY, BOARD_ID)
    assert msgspec.json.decode(event.data)["notes"][0]["author"] == ""
