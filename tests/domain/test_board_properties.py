"""Properties of the board decider over random command sequences, valid and invalid."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain import board
from domain.actor import Actor
from domain.codec import encode_event
from domain.errors import DomainError
from domain.types import Colour
from tests.factories import (
    AUDITOR,
    CREATE,
    FACILITATOR,
    OBSERVER,
    SEED_NOTES,
    accepted,
    actors,
    attempt,
    board_commands,
    cluster_ids,
    cluster_targets,
    colours,
    command_scripts,
    coords,
    editors,
    labels,
    note_ids,
    seed_authors,
    texts,
)

decode_event = msgspec.json.Decoder(board.Event).decode
SETTINGS = settings(max_examples=150, deadline=None)


def _snapshot(state: board.Board) -> bytes:
    return msgspec.json.encode(state)


@SETTINGS
@given(script=command_scripts())
def test_decide_is_deterministic_and_evolve_accepts_every_event_it_emits(
    script: list[tuple[board.Command, Actor]],
) -> None:
    state = board.initial_state
    for command, actor in script:
        before = _snapshot(state)
        events = attempt(state, command, actor)
        again = attempt(state, command, actor)
        assert _snapshot(state) == before, "decide changed the state it was given"
        if isinstance(events, DomainError):
            assert isinstance(again, type(events))
            assert again.code == events.code
            continue
        assert again == events
        for event in events:
            assert decode_event(encode_event(event)) == event
            state = board.evolve(state, event)


@SETTINGS
@given(script=command_scripts())
def test_a_live_note_only_ever_sits_in_a_live_cluster(
    script: list[tuple[board.Command, Actor]],
) -> None:
    state = board.initial_state
    for command, actor in script:
        events = attempt(state, command, actor)
        state = state if isinstance(events, DomainError) else board.fold(events, state)
        for note in state.notes.values():
            if not note.deleted and note.cluster_id is not None:
                assert note.cluster_id in state.clusters
                assert not state.clusters[note.cluster_id].deleted


@SETTINGS
@given(script=command_scripts(), command=board_commands, actor=editors)
def test_repeating_an_accepted_command_changes_nothing_more(
    script: list[tuple[board.Command, Actor]], command: board.Command, actor: Actor
) -> None:
    state = accepted(script)[0]
    first = attempt(state, command, actor)
    if isinstance(first, DomainError):
        return
    repeated = attempt(board.fold(first, state), command, actor)
    if isinstance(repeated, DomainError):
        assert repeated.code in {"board_exists", "duplicate_id", "note_deleted", "cluster_deleted"}
    else:
        assert repeated == []


@SETTINGS
@given(
    script=command_scripts(max_size=15),
    command=board_commands,
    actor=st.sampled_from([OBSERVER, AUDITOR]),
)
def test_observers_and_auditors_are_always_refused(
    script: list[tuple[board.Command, Actor]], command: board.Command, actor: Actor
) -> None:
    with pytest.raises(DomainError) as refused:
        board.decide(accepted(script)[0], command, actor)
    assert refused.value.code == "forbidden"


# --------------------------------------------------------------------------- stateful


@dataclass(frozen=True)
class ModelNote:
    author: str
    text: str
    x: float
    y: float
    colour: str
    cluster: str | None = None


@dataclass(frozen=True)
class ModelCluster:
    label: str
    x: float
    y: float


# The limits as the product states them, kept apart from the constants the code uses.
TEXT_LIMIT = 500
LABEL_LIMIT = 120
COORD_LIMIT = 1_000_000


def _bad_text(text: str) -> bool:
    return text.strip() == "" or len(text) > TEXT_LIMIT


def _bad_label(label: str) -> bool:
    return label.strip() == "" or len(label) > LABEL_LIMIT


def _bad_point(x: float, y: float) -> bool:
    return not all(math.isfinite(v) and -COORD_LIMIT <= v <= COORD_LIMIT for v in (x, y))


def _problems(**checks: bool) -> set[str]:
    return {code for code, failed in checks.items() if failed}


who = st.one_of(editors, actors)


class BoardMachine(RuleBasedStateMachine):
    """Drives the decider and a plain reference model side by side.

    The model knows which rules a command breaks; the decider must refuse with one of
    their codes, or accept (with events exactly when the model expects a change).
    """

    def __init__(self) -> None:
        super().__init__()
        self.state = board.initial_state
        self.notes: dict[str, ModelNote] = {}
        self.clusters: dict[str, ModelCluster] = {}
        self.deleted_notes: set[str] = set()
        self.deleted_clusters: set[str] = set()

    # ------------------------------------------------------------------ the model's view

    def used(self, entity_id: str) -> bool:
        return entity_id in (
            self.notes.keys() | self.clusters.keys() | self.deleted_notes | self.deleted_clusters
        )

    def note_problems(self, note_id: str) -> set[str]:
        if note_id in self.notes:
            return set()
        return {"note_deleted" if note_id in self.deleted_notes else "unknown_note"}

    def cluster_problems(self, cluster_id: str) -> set[str]:
        if cluster_id in self.clusters:
            return set()
        return {"cluster_deleted" if cluster_id in self.deleted_clusters else "unknown_cluster"}

    def not_author(self, note_id: str, actor: Actor) -> bool:
        note = self.notes.get(note_id)
        return note is not None and actor.role != "facilitator" and note.author != actor.id

    def run(self, command: board.Command, actor: Actor, problems: set[str], change: bool) -> bool:
        """Decide ``command``; check the outcome against the model; True if it was accepted."""
        if actor.role in ("observer", "auditor"):
            problems = problems | {"forbidden"}
        events = attempt(self.state, command, actor)
        if isinstance(events, DomainError):
            assert events.code in problems, f"{command}: {events.code} not in {problems}"
            return False
        assert not problems, f"{command} accepted despite {problems}"
        assert bool(events) == change, f"{command} gave {events}"
        self.state = board.fold(events, self.state)
        return True

    # ------------------------------------------------------------------ rules

    @initialize(authors=seed_authors)
    def seed(self, authors: list[Actor]) -> None:
        """The board of ``seed_board``, built through the rules below so the model follows it."""
        assert self.run(CREATE, FACILITATOR, set(), change=True)
        for i, (note_id, author) in enumerate(zip(SEED_NOTES, authors, strict=True)):
            self.add_note(author, note_id, f"seed {note_id}", float(i), 0.0, "yellow")
        self.create_cluster(FACILITATOR, "c1", "Seed", 0.0, 0.0)
        self.cluster_note(FACILITATOR, SEED_NOTES[0], "c1")
        assert (len(self.notes), len(self.clusters)) == (len(SEED_NOTES), 1)

    @rule(by=who)
    def create_board_again(self, by: Actor) -> None:
        problems = {"board_exists"} | ({"forbidden"} if by.role != "facilitator" else set())
        self.run(CREATE, by, problems, change=True)

    @rule(by=who, note_id=note_ids, text=texts, x=coords, y=coords, colour=colours)
    def add_note(
        self, by: Actor, note_id: str, text: str, x: float, y: float, colour: Colour
    ) -> None:
        problems = _problems(
            duplicate_id=self.used(note_id),
            invalid_text=_bad_text(text),
            invalid_coordinates=_bad_point(x, y),
        )
        command = board.AddNote(note_id=note_id, text=text, x=x, y=y, colour=colour)
        if self.run(command, by, problems, change=True):
            self.notes[note_id] = ModelNote(author=by.id, text=text, x=x, y=y, colour=colour)

    @rule(by=who, note_id=note_ids, text=texts)
    def edit_note(self, by: Actor, note_id: str, text: str) -> None:
        problems = self.note_problems(note_id) | _problems(
            not_author=self.not_author(note_id, by), invalid_text=_bad_text(text)
        )
        note = self.notes.get(note_id)
        change = note is not None and note.text != text
        if self.run(board.EditNote(note_id=note_id, text=text), by, problems, change):
            self.notes[note_id] = replace(self.notes[note_id], text=text)

    @rule(by=who, note_id=note_ids, x=coords, y=coords)
    def move_note(self, by: Actor, note_id: str, x: float, y: float) -> None:
        problems = self.note_problems(note_id) | _problems(invalid_coordinates=_bad_point(x, y))
        note = self.notes.get(note_id)
        change = note is not None and (note.x, note.y) != (x, y)
        if self.run(board.MoveNote(note_id=note_id, x=x, y=y), by, problems, change):
            self.notes[note_id] = replace(self.notes[note_id], x=x, y=y)

    @rule(by=who, note_id=note_ids, colour=colours)
    def recolour_note(self, by: Actor, note_id: str, colour: Colour) -> None:
        problems = self.note_problems(note_id) | _problems(not_author=self.not_author(note_id, by))
        note = self.notes.get(note_id)
        change = note is not None and note.colour != colour
        if self.run(board.RecolourNote(note_id=note_id, colour=colour), by, problems, change):
            self.notes[note_id] = replace(self.notes[note_id], colour=colour)

    @rule(by=who, note_id=note_ids)
    def delete_note(self, by: Actor, note_id: str) -> None:
        problems = self.note_problems(note_id) | _problems(not_author=self.not_author(note_id, by))
        if self.run(board.DeleteNote(note_id=note_id), by, problems, change=True):
            del self.notes[note_id]
            self.deleted_notes.add(note_id)

    @rule(by=who, note_id=note_ids, cluster_id=cluster_targets)
    def cluster_note(self, by: Actor, note_id: str, cluster_id: str | None) -> None:
        problems = self.note_problems(note_id)
        if cluster_id is not None:
            problems |= self.cluster_problems(cluster_id)
        note = self.notes.get(note_id)
        change = note is not None and note.cluster != cluster_id
        command = board.ClusterNote(note_id=note_id, cluster_id=cluster_id)
        if self.run(command, by, problems, change):
            self.notes[note_id] = replace(self.notes[note_id], cluster=cluster_id)

    @rule(by=who, cluster_id=cluster_ids, label=labels, x=coords, y=coords)
    def create_cluster(self, by: Actor, cluster_id: str, label: str, x: float, y: float) -> None:
        problems = _problems(
            duplicate_id=self.used(cluster_id),
            invalid_label=_bad_label(label),
            invalid_coordinates=_bad_point(x, y),
        )
        command = board.CreateCluster(cluster_id=cluster_id, label=label, x=x, y=y)
        if self.run(command, by, problems, change=True):
            self.clusters[cluster_id] = ModelCluster(label=label, x=x, y=y)

    @rule(by=who, cluster_id=cluster_ids, label=labels)
    def rename_cluster(self, by: Actor, cluster_id: str, label: str) -> None:
        problems = self.cluster_problems(cluster_id) | _problems(invalid_label=_bad_label(label))
        found = self.clusters.get(cluster_id)
        change = found is not None and found.label != label
        if self.run(board.RenameCluster(cluster_id=cluster_id, label=label), by, problems, change):
            self.clusters[cluster_id] = replace(self.clusters[cluster_id], label=label)

    @rule(by=who, cluster_id=cluster_ids, x=coords, y=coords)
    def move_cluster(self, by: Actor, cluster_id: str, x: float, y: float) -> None:
        problems = self.cluster_problems(cluster_id) | _problems(
            invalid_coordinates=_bad_point(x, y)
        )
        found = self.clusters.get(cluster_id)
        change = found is not None and (found.x, found.y) != (x, y)
        if self.run(board.MoveCluster(cluster_id=cluster_id, x=x, y=y), by, problems, change):
            self.clusters[cluster_id] = replace(self.clusters[cluster_id], x=x, y=y)

    @rule(by=who, cluster_id=cluster_ids)
    def delete_cluster(self, by: Actor, cluster_id: str) -> None:
        problems = self.cluster_problems(cluster_id)
        if self.run(board.DeleteCluster(cluster_id=cluster_id), by, problems, change=True):
            del self.clusters[cluster_id]
            self.deleted_clusters.add(cluster_id)
            self.notes = {
                note_id: replace(note, cluster=None) if note.cluster == cluster_id else note
                for note_id, note in self.notes.items()
            }

    # ------------------------------------------------------------------ invariants

    @invariant()
    def state_matches_the_model(self) -> None:
        live_notes = {
            note_id: ModelNote(
                author=n.author, text=n.text, x=n.x, y=n.y, colour=n.colour, cluster=n.cluster_id
            )
            for note_id, n in self.state.notes.items()
            if not n.deleted
        }
        live_clusters = {
            cluster_id: ModelCluster(label=c.label, x=c.x, y=c.y)
            for cluster_id, c in self.state.clusters.items()
            if not c.deleted
        }
        assert live_notes == self.notes
        assert live_clusters == self.clusters
        assert self.state.created

    @invariant()
    def deleted_ids_are_never_reusable(self) -> None:
        for gone in self.deleted_notes | self.deleted_clusters:
            for command in (
                board.AddNote(note_id=gone, text="again", x=0, y=0),
                board.CreateCluster(cluster_id=gone, label="again", x=0, y=0),
            ):
                with pytest.raises(DomainError) as refused:
                    board.decide(self.state, command, FACILITATOR)
                assert refused.value.code == "duplicate_id"


TestBoardMachine = BoardMachine.TestCase
TestBoardMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
