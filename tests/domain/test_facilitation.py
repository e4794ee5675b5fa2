"""How a facilitator runs a board, as given/when/then: phases, the timer, private writing and
the reveal, anonymity, the lock, and the gate that bounds participants by lock and phase."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain import board, discussion, facilitation, voting
from domain.actor import Actor
from domain.board_state import PHASES, Phase, Timer
from domain.errors import Forbidden, InvalidCommand, NotFound
from domain.facilitation import PARTICIPANT_PHASES, TIMER_LABEL_MAX, TIMER_MAX, TIMER_MIN
from tests.domain.builders import BOARD, CREATED, added, cluster, given
from tests.factories import ALICE, BOB, FACILITATOR

DOC = Path(__file__).parents[2] / "docs" / "roles.md"


def phased(phase: Phase, previous: Phase = "collect") -> facilitation.PhaseChanged:
    return facilitation.PhaseChanged(phase=phase, previous=previous)


PRIVATE = facilitation.PrivateWritingStarted()
LOCKED = facilitation.BoardLocked()


def hidden(note_id: str, by: Actor = ALICE, text: str = "draft") -> board.NoteAdded:
    """``by``'s note written during private writing."""
    return board.NoteAdded(
        note_id=note_id, text=text, x=0.0, y=0.0, colour="yellow", author=by.id, private_to=by.id
    )


def started(seconds: int = 300, label: str = "") -> facilitation.TimerStarted:
    return facilitation.TimerStarted(seconds=seconds, label=label)


# --------------------------------------------------------------------------- phases


def test_a_new_board_is_in_the_collect_phase() -> None:
    assert board.fold([CREATED]).phase == "collect"


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "collect"])
def test_a_facilitator_moves_the_board_to_another_phase(phase: Phase) -> None:
    state = given(CREATED).when(facilitation.ChangePhase(phase=phase)).then(phased(phase))
    assert state.phase == phase


@pytest.mark.parametrize("phase", PHASES)
def test_changing_to_the_current_phase_changes_nothing(phase: Phase) -> None:
    history = (CREATED,) if phase == "collect" else (CREATED, phased(phase))
    given(*history).when(facilitation.ChangePhase(phase=phase)).then_nothing()


def test_going_back_to_an_earlier_phase_records_a_new_change_naming_the_previous_one() -> None:
    state = (
        given(CREATED, phased("vote"), phased("decide", "vote"))
        .when(facilitation.ChangePhase(phase="cluster"))
        .then(phased("cluster", "decide"))
    )
    assert state.phase == "cluster"


OPEN_ROUND = voting.RoundOpened(
    round_id="r1",
    target="clusters",
    budget=5,
    per_item_max=3,
    hide_tallies=True,
    facilitators_vote=False,
    item_ids=("c1",),
)


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "vote"])
def test_the_phase_stays_while_a_round_is_open(phase: Phase) -> None:
    given(*BOARD, phased("vote"), OPEN_ROUND).when(
        facilitation.ChangePhase(phase=phase)
    ).then_refused(InvalidCommand, "round_open")


def test_staying_in_the_vote_phase_while_a_round_is_open_changes_nothing() -> None:
    given(*BOARD, phased("vote"), OPEN_ROUND).when(
        facilitation.ChangePhase(phase="vote")
    ).then_nothing()


FACILITATION_COMMANDS: list[board.Command] = [
    facilitation.ChangePhase(phase="vote"),
    facilitation.StartTimer(seconds=60),
    facilitation.ExtendTimer(seconds=60),
    facilitation.StopTimer(),
    facilitation.StartPrivateWriting(),
    facilitation.RevealNotes(),
    facilitation.SetAnonymity(policy="pseudonymous"),
    facilitation.LockBoard(),
    facilitation.UnlockBoard(),
]


@pytest.mark.parametrize("command", FACILITATION_COMMANDS, ids=lambda c: type(c).__name__)
def test_only_a_facilitator_facilitates(command: board.Command) -> None:
    given(*BOARD, started(), PRIVATE, LOCKED).when(command, by=ALICE).then_refused(
        Forbidden, "forbidden"
    )


@pytest.mark.parametrize("command", FACILITATION_COMMANDS, ids=lambda c: type(c).__name__)
def test_no_facilitation_before_the_board_exists(command: board.Command) -> None:
    given().when(command).then_refused(NotFound, "board_not_found")


# --------------------------------------------------------------------------- timer


def test_a_facilitator_starts_a_timer() -> None:
    state = (
        given(CREATED)
        .when(facilitation.StartTimer(seconds=300, label="Brainstorm"))
        .then(started(300, "Brainstorm"))
    )
    assert state.timer == Timer(seconds=300, label="Brainstorm")


@pytest.mark.parametrize("seconds", [TIMER_MIN - 1, 0, -60, TIMER_MAX + 1])
def test_a_timer_runs_10_seconds_to_4_hours(seconds: int) -> None:
    given(CREATED).when(facilitation.StartTimer(seconds=seconds)).then_refused(
        InvalidCommand, "invalid_duration"
    )


@pytest.mark.parametrize("seconds", [TIMER_MIN, TIMER_MAX])
def test_a_timer_of_10_seconds_or_4_hours_is_fine(seconds: int) -> None:
    given(CREATED).when(facilitation.StartTimer(seconds=seconds)).then(started(seconds))


def test_a_timer_label_has_at_most_80_characters() -> None:
    given(CREATED).when(
        facilitation.StartTimer(seconds=60, label="l" * (TIMER_LABEL_MAX + 1))
    ).then_refused(InvalidCommand, "invalid_label")
    given(CREATED).when(facilitation.StartTimer(seconds=60, label="l" * TIMER_LABEL_MAX)).then(
        started(60, "l" * TIMER_LABEL_MAX)
    )


def test_starting_a_timer_while_one_runs_replaces_it() -> None:
    state = (
        given(CREATED, started(300, "First"))
        .when(facilitation.StartTimer(seconds=120))
        .then(started(120))
    )
    assert state.timer == Timer(seconds=120, label="")


def test_extending_a_timer_adds_to_it() -> None:
    state = (
        given(CREATED, started(300, "Go"))
        .when(facilitation.ExtendTimer(seconds=60))
        .then(facilitation.TimerExtended(seconds=60))
    )
    assert state.timer == Timer(seconds=360, label="Go")


@pytest.mark.parametrize("seconds", [TIMER_MIN - 1, 0, -10, TIMER_MAX + 1])
def test_an_extension_is_10_seconds_to_4_hours(seconds: int) -> None:
    given(CREATED, started(TIMER_MIN)).when(facilitation.ExtendTimer(seconds=seconds)).then_refused(
        InvalidCommand, "invalid_duration"
    )


def test_a_timer_is_extended_to_4_hours_and_no_further() -> None:
    running = (CREATED, started(TIMER_MAX - 60))
    given(*running).when(facilitation.ExtendTimer(seconds=60)).then(
        facilitation.TimerExtended(seconds=60)
    )
    given(*running).when(facilitation.ExtendTimer(seconds=61)).then_refused(
        InvalidCommand, "invalid_duration"
    )


def test_an_extension_needs_a_running_timer() -> None:
    given(CREATED).when(facilitation.ExtendTimer(seconds=60)).then_refused(NotFound, "no_timer")
    given(CREATED, started(), facilitation.TimerStopped()).when(
        facilitation.ExtendTimer(seconds=60)
    ).then_refused(NotFound, "no_timer")


def test_a_facilitator_stops_the_timer() -> None:
    state = (
        given(CREATED, started()).when(facilitation.StopTimer()).then(facilitation.TimerStopped())
    )
    assert state.timer is None


def test_stopping_without_a_timer_changes_nothing() -> None:
    given(CREATED).when(facilitation.StopTimer()).then_nothing()
    given(CREATED, started(), facilitation.TimerStopped()).when(
        facilitation.StopTimer()
    ).then_nothing()


# --------------------------------------------------------------------------- private writing


def test_a_facilitator_starts_private_writing_once() -> None:
    state = given(CREATED).when(facilitation.StartPrivateWriting()).then(PRIVATE)
    assert state.private_writing
    given(CREATED, PRIVATE).when(facilitation.StartPrivateWriting()).then_nothing()


def test_a_participants_note_written_in_private_is_hidden_and_theirs_alone() -> None:
    state = (
        given(CREATED, PRIVATE)
        .when(board.AddNote(note_id="n1", text="draft", x=0, y=0), by=ALICE)
        .then(hidden("n1", ALICE))
    )
    assert state.notes["n1"].hidden
    assert state.notes["n1"].author == "alice"


def test_a_facilitators_note_written_in_private_is_not_hidden() -> None:
    state = (
        given(CREATED, PRIVATE)
        .when(board.AddNote(note_id="f1", text="prompt", x=0, y=0))
        .then(added("f1", FACILITATOR, text="prompt"))
    )
    assert not state.notes["f1"].hidden


def test_a_note_written_outside_private_writing_is_not_hidden() -> None:
    state = (
        given(CREATED)
        .when(board.AddNote(note_id="n1", text="idea", x=0, y=0), by=ALICE)
        .then(added("n1", ALICE))
    )
    assert not state.notes["n1"].hidden


HIDDEN = (CREATED, PRIVATE, hidden("n1", ALICE), cluster("c1"))
"""Private writing, with Alice's hidden note ``n1`` and the cluster ``c1``."""

AUTHOR_CHANGES: list[tuple[board.Command, board.Event]] = [
    (
        board.EditNote(note_id="n1", text="better"),
        board.NoteEdited(note_id="n1", text="better", private_to="alice"),
    ),
    (
        board.MoveNote(note_id="n1", x=4.0, y=5.0),
        board.NoteMoved(note_id="n1", x=4.0, y=5.0, private_to="alice"),
    ),
    (
        board.RecolourNote(note_id="n1", colour="pink"),
        board.NoteRecoloured(note_id="n1", colour="pink", private_to="alice"),
    ),
    (board.DeleteNote(note_id="n1"), board.NoteDeleted(note_id="n1", private_to="alice")),
]


@pytest.mark.parametrize(
    ("command", "event"), AUTHOR_CHANGES, ids=[type(c).__name__ for c, _ in AUTHOR_CHANGES]
)
def test_changes_to_a_hidden_note_by_its_author_stay_private(
    command: board.Command, event: board.Event
) -> None:
    state = given(*HIDDEN).when(command, by=ALICE).then(event)
    assert state.notes["n1"].hidden


HIDDEN_NOTE_COMMANDS: list[board.Command] = [
    *(command for command, _ in AUTHOR_CHANGES),
    board.ClusterNote(note_id="n1", cluster_id="c1"),
    board.ClusterNote(note_id="n1", cluster_id=None),
]


@pytest.mark.parametrize("other", [BOB, FACILITATOR], ids=["participant", "facilitator"])
@pytest.mark.parametrize("command", HIDDEN_NOTE_COMMANDS, ids=repr)
def test_someone_elses_hidden_note_is_unknown(command: board.Command, other: Actor) -> None:
    given(*HIDDEN).when(command, by=other).then_refused(NotFound, "unknown_note")


@pytest.mark.parametrize("cluster_id", ["c1", None])
def test_a_hidden_note_joins_no_cluster_until_revealed(cluster_id: str | None) -> None:
    given(*HIDDEN).when(
        board.ClusterNote(note_id="n1", cluster_id=cluster_id), by=ALICE
    ).then_refused(InvalidCommand, "note_hidden")


WRITTEN_IN_PRIVATE = (
    CREATED,
    PRIVATE,
    hidden("n2", ALICE, "first draft"),
    hidden("n1", BOB, "bob's"),
    hidden("n3", ALICE, "scrapped"),
    added("f1", FACILITATOR, text="prompt"),
    board.NoteEdited(note_id="n2", text="final", private_to="alice"),
    board.NoteMoved(note_id="n2", x=7.0, y=8.0, private_to="alice"),
    board.NoteRecoloured(note_id="n1", colour="blue", private_to="bob"),
    board.NoteDeleted(note_id="n3", private_to="alice"),
)
"""Alice's ``n2`` (edited, moved), Bob's ``n1`` (recoloured), Alice's ``n3`` (deleted) and the
facilitator's visible ``f1``, in that order of writing."""

REVEALED = facilitation.NotesRevealed(
    notes=(
        facilitation.RevealedNote(
            note_id="n1", text="bob's", x=0, y=0, colour="blue", author="bob"
        ),
        facilitation.RevealedNote(
            note_id="n2", text="final", x=7.0, y=8.0, colour="yellow", author="alice"
        ),
    )
)


def test_the_reveal_carries_the_hidden_notes_as_they_are_now_sorted_by_id() -> None:
    state = given(*WRITTEN_IN_PRIVATE).when(facilitation.RevealNotes()).then(REVEALED)
    assert not state.private_writing
    assert not state.notes["n1"].hidden
    assert not state.notes["n2"].hidden


def test_revealed_notes_are_everyones() -> None:
    revealed = (*WRITTEN_IN_PRIVATE, REVEALED)
    given(*revealed).when(board.MoveNote(note_id="n2", x=1.0, y=1.0), by=BOB).then(
        board.NoteMoved(note_id="n2", x=1.0, y=1.0)
    )
    given(*revealed, cluster("c1")).when(
        board.ClusterNote(note_id="n2", cluster_id="c1"), by=ALICE
    ).then(board.NoteClustered(note_id="n2", cluster_id="c1"))
    given(*revealed).when(board.EditNote(note_id="n1", text="edited")).then(
        board.NoteEdited(note_id="n1", text="edited")
    )


def test_a_note_deleted_before_the_reveal_stays_unknown_to_everyone_else() -> None:
    revealed = (*WRITTEN_IN_PRIVATE, REVEALED)
    given(*revealed).when(board.MoveNote(note_id="n3", x=1.0, y=1.0), by=BOB).then_refused(
        NotFound, "unknown_note"
    )
    given(*revealed).when(board.DeleteNote(note_id="n3")).then_refused(NotFound, "unknown_note")


def test_notes_written_after_the_reveal_are_not_hidden() -> None:
    given(*WRITTEN_IN_PRIVATE, REVEALED).when(
        board.AddNote(note_id="n9", text="later", x=0, y=0), by=ALICE
    ).then(added("n9", ALICE, text="later"))


def test_revealing_ends_private_writing_even_when_nobody_wrote() -> None:
    state = (
        given(CREATED, PRIVATE)
        .when(facilitation.RevealNotes())
        .then(facilitation.NotesRevealed(notes=()))
    )
    assert not state.private_writing


def test_revealing_when_nothing_is_private_changes_nothing() -> None:
    given(*BOARD).when(facilitation.RevealNotes()).then_nothing()
    given(*WRITTEN_IN_PRIVATE, REVEALED).when(facilitation.RevealNotes()).then_nothing()


# --------------------------------------------------------------------------- anonymity


def test_a_facilitator_sets_the_anonymity_policy() -> None:
    state = (
        given(CREATED)
        .when(facilitation.SetAnonymity(policy="pseudonymous"))
        .then(facilitation.AnonymitySet(policy="pseudonymous"))
    )
    assert state.anonymity == "pseudonymous"
    back = (
        given(CREATED, facilitation.AnonymitySet(policy="pseudonymous"))
        .when(facilitation.SetAnonymity(policy="named"))
        .then(facilitation.AnonymitySet(policy="named"))
    )
    assert back.anonymity == "named"


def test_a_board_where_people_wrote_under_pseudonyms_stays_pseudonymous() -> None:
    pseudonymous = facilitation.AnonymitySet(policy="pseudonymous")
    note = board.NoteAdded(note_id="n1", text="Mine", x=0, y=0, colour="yellow", author=ALICE.id)
    given(CREATED, pseudonymous, note).when(facilitation.SetAnonymity(policy="named")).then_refused(
        InvalidCommand, "anonymity_irreversible"
    )
    opened = voting.RoundOpened(
        round_id="r1",
        target="clusters",
        budget=5,
        per_item_max=3,
        hide_tallies=True,
        facilitators_vote=False,
        item_ids=("c1",),
    )
    given(CREATED, pseudonymous, opened).when(
        facilitation.SetAnonymity(policy="named")
    ).then_refused(InvalidCommand, "anonymity_irreversible")
    given(CREATED, pseudonymous, cluster("c1")).when(
        facilitation.SetAnonymity(policy="named")
    ).then_refused(InvalidCommand, "anonymity_irreversible")


def test_a_pseudonymous_board_nobody_worked_on_yet_may_go_back_to_named() -> None:
    given(CREATED, facilitation.AnonymitySet(policy="pseudonymous")).when(
        facilitation.SetAnonymity(policy="named")
    ).then(facilitation.AnonymitySet(policy="named"))


def test_setting_the_current_anonymity_policy_changes_nothing() -> None:
    given(CREATED).when(facilitation.SetAnonymity(policy="named")).then_nothing()
    given(CREATED, facilitation.AnonymitySet(policy="pseudonymous")).when(
        facilitation.SetAnonymity(policy="pseudonymous")
    ).then_nothing()


# --------------------------------------------------------------------------- lock


def test_a_facilitator_locks_and_unlocks_a_board() -> None:
    locked = given(CREATED).when(facilitation.LockBoard()).then(LOCKED)
    assert locked.locked
    unlocked = (
        given(CREATED, LOCKED).when(facilitation.UnlockBoard()).then(facilitation.BoardUnlocked())
    )
    assert not unlocked.locked


def test_locking_a_locked_or_unlocking_an_unlocked_board_changes_nothing() -> None:
    given(CREATED, LOCKED).when(facilitation.LockBoard()).then_nothing()
    given(CREATED).when(facilitation.UnlockBoard()).then_nothing()
    given(CREATED, LOCKED, facilitation.BoardUnlocked()).when(
        facilitation.UnlockBoard()
    ).then_nothing()


VOTING_BOARD = (
    *BOARD,
    phased("vote"),
    voting.RoundOpened(
        round_id="r1",
        target="clusters",
        budget=5,
        per_item_max=3,
        hide_tallies=True,
        facilitators_vote=True,
        item_ids=("c1",),
    ),
)
"""``BOARD`` in the vote phase with the open round ``r1`` that facilitators vote in too."""

WHILE_LOCKED: list[board.Command] = [
    board.AddNote(note_id="n2", text="t", x=0, y=0),
    board.EditNote(note_id="n1", text="better"),
    board.MoveNote(note_id="n1", x=1.0, y=1.0),
    board.MoveCluster(cluster_id="c1", x=1.0, y=1.0),
    board.CreateCluster(cluster_id="c2", label="L", x=0, y=0),
    voting.CastVote(round_id="r1", item_id="c1"),
    voting.PlaceOnGrid(item_id="c1", impact=5.0, effort=5.0),
]


@pytest.mark.parametrize("command", WHILE_LOCKED, ids=lambda c: type(c).__name__)
def test_a_locked_board_takes_nothing_from_participants(command: board.Command) -> None:
    given(*VOTING_BOARD, LOCKED).when(command, by=ALICE).then_refused(Forbidden, "board_locked")


@pytest.mark.parametrize("command", WHILE_LOCKED, ids=lambda c: type(c).__name__)
def test_a_locked_board_still_takes_the_facilitators_commands(command: board.Command) -> None:
    state = board.fold([*VOTING_BOARD, LOCKED])
    assert board.decide(state, command, FACILITATOR)


def test_an_unlocked_board_takes_participants_commands_again() -> None:
    given(*VOTING_BOARD, LOCKED, facilitation.BoardUnlocked()).when(
        board.MoveNote(note_id="n1", x=1.0, y=1.0), by=ALICE
    ).then(board.NoteMoved(note_id="n1", x=1.0, y=1.0))


# --------------------------------------------------------------------------- phases

PHASE_SAMPLES: dict[str, board.Command] = {
    "note.add": board.AddNote(note_id="n9", text="t", x=0, y=0),
    "note.edit": board.EditNote(note_id="n1", text="better"),
    "note.recolour": board.RecolourNote(note_id="n1", colour="pink"),
    "note.delete": board.DeleteNote(note_id="n1"),
    "cluster.create": board.CreateCluster(cluster_id="c9", label="L", x=0, y=0),
    "cluster.rename": board.RenameCluster(cluster_id="c1", label="Renamed"),
    "cluster.delete": board.DeleteCluster(cluster_id="c1"),
    "note.cluster": board.ClusterNote(note_id="n1", cluster_id="c1"),
    "cluster.merge": board.MergeClusters(cluster_id="c2", into_cluster_id="c1"),
    "grid.place": voting.PlaceOnGrid(item_id="c1", impact=9.0, effort=1.0),
    "grid.remove": voting.RemoveFromGrid(item_id="c1"),
    "comment.add": discussion.AddComment(comment_id="m9", item_id="c1", text="Why?"),
}
"""One command per phase-bound tag that Alice may issue on ``in_phase``'s board."""


def in_phase(phase: Phase) -> tuple[board.Event, ...]:
    """``BOARD`` (Alice's ``n1``, the cluster ``c1``) and the cluster ``c2``, ``c1`` on the
    grid, in ``phase``."""
    placed = voting.PlacedOnGrid(item_id="c1", impact=1.0, effort=1.0)
    board_ = (*BOARD, cluster("c2"), placed)
    return board_ if phase == "collect" else (*board_, phased(phase))


def test_every_phase_bound_tag_has_a_sample() -> None:
    assert set(PHASE_SAMPLES) == set(PARTICIPANT_PHASES)


OUTSIDE = [
    (tag, p) for tag, phases in PARTICIPANT_PHASES.items() for p in PHASES if p not in phases
]
INSIDE = [(tag, p) for tag, phases in PARTICIPANT_PHASES.items() for p in PHASES if p in phases]


@pytest.mark.parametrize(("tag", "phase"), OUTSIDE)
def test_a_participant_is_refused_outside_the_commands_phases(tag: str, phase: Phase) -> None:
    given(*in_phase(phase)).when(PHASE_SAMPLES[tag], by=ALICE).then_refused(
        InvalidCommand, "wrong_phase"
    )


@pytest.mark.parametrize(("tag", "phase"), OUTSIDE)
def test_a_facilitator_is_not_bound_by_phases(tag: str, phase: Phase) -> None:
    assert board.decide(board.fold(list(in_phase(phase))), PHASE_SAMPLES[tag], FACILITATOR)


@pytest.mark.parametrize(("tag", "phase"), INSIDE)
def test_a_participant_acts_inside_the_commands_phases(tag: str, phase: Phase) -> None:
    assert board.decide(board.fold(list(in_phase(phase))), PHASE_SAMPLES[tag], ALICE)


@pytest.mark.parametrize("phase", PHASES)
def test_a_participant_moves_notes_and_clusters_in_every_phase(phase: Phase) -> None:
    given(*in_phase(phase)).when(board.MoveNote(note_id="n1", x=3.0, y=4.0), by=BOB).then(
        board.NoteMoved(note_id="n1", x=3.0, y=4.0)
    )
    given(*in_phase(phase)).when(board.MoveCluster(cluster_id="c1", x=3.0, y=4.0), by=BOB).then(
        board.ClusterMoved(cluster_id="c1", x=3.0, y=4.0)
    )


def test_the_documented_phase_table_is_the_code_table() -> None:
    rows = re.findall(r"^\| ((?:`[a-z._]+`(?:, )?)+) \| ([a-z, ]+) \|$", DOC.read_text(), re.M)
    documented = {
        tag: frozenset(phases.split(", "))
        for tags, phases in rows
        if phases != "any"
        for tag in re.findall(r"`([a-z._]+)`", tags)
    }
    assert documented == PARTICIPANT_PHASES
