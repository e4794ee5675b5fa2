"""The ``board_view`` projection: a pure fold that agrees with itself and with the decider."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import board
from domain.actor import Actor
from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.base import fold
from projections.board_view import BOARD_VIEW, BoardView
from tests.factories import (
    ALICE,
    BOARD_ID,
    BOB,
    FACILITATOR,
    WORKSHOP_ID,
    Log,
    accepted,
    at,
    command_scripts,
    record,
    record_batches,
)

SETTINGS = settings(max_examples=100, deadline=None)
OTHER_BOARD = "b2"

Script = list[tuple[board.Command, Actor]]
decode_event = msgspec.json.Decoder(board.Event).decode


def _board_log(script: Script) -> list[RecordedEvent]:
    """The events ``script`` has accepted on ``BOARD_ID``, recorded in order."""
    return record_batches(accepted(script)[1])


def _view(events: list[RecordedEvent], key: str = BOARD_ID) -> BoardView:
    return fold(BOARD_VIEW, key, events)


def _live_notes_of_view(view: BoardView) -> dict[str, tuple[Any, ...]]:
    return {
        note_id: (n.text, n.x, n.y, n.colour, n.author, n.cluster_id)
        for note_id, n in view.notes.items()
    }


def _live_notes_of_state(state: board.Board) -> dict[str, tuple[Any, ...]]:
    return {
        note_id: (n.text, n.x, n.y, n.colour, n.author, n.cluster_id)
        for note_id, n in state.notes.items()
        if not n.deleted
    }


def _live_clusters_of_view(view: BoardView) -> dict[str, tuple[Any, ...]]:
    return {cid: (c.label, c.x, c.y) for cid, c in view.clusters.items()}


def _live_clusters_of_state(state: board.Board) -> dict[str, tuple[Any, ...]]:
    return {cid: (c.label, c.x, c.y) for cid, c in state.clusters.items() if not c.deleted}


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(
    mine=command_scripts(),
    other=command_scripts(max_size=12),
    picks=st.lists(st.booleans(), max_size=60),
)
def test_a_view_fed_event_by_event_through_storage_equals_one_rebuilt_from_zero(
    mine: Script, other: Script, picks: list[bool]
) -> None:
    # Two boards' commands interleaved in one log, as the store would record them.
    batches = {BOARD_ID: accepted(mine)[1], OTHER_BOARD: accepted(other)[1]}
    log = Log()
    turns = iter(picks)
    while batches[BOARD_ID] or batches[OTHER_BOARD]:
        key = BOARD_ID if next(turns, True) else OTHER_BOARD
        key = key if batches[key] else next(k for k, left in batches.items() if left)
        events, actor = batches[key].pop(0)
        log.append(board_stream(key), events, actor)

    stored: dict[str, bytes] = {}
    for recorded in log.events:
        key_of = BOARD_VIEW.key_of(recorded)
        assert key_of is not None
        view = BOARD_VIEW.decode(stored[key_of]) if key_of in stored else BOARD_VIEW.initial(key_of)
        stored[key_of] = BOARD_VIEW.encode(BOARD_VIEW.apply(view, recorded))

    for key in (BOARD_ID, OTHER_BOARD):
        rebuilt = _view(log.events, key)
        assert BOARD_VIEW.decode(stored[key]) == rebuilt
        assert stored[key] == BOARD_VIEW.encode(rebuilt)
        assert rebuilt.version == log.versions[board_stream(key)]


@SETTINGS
@given(script=command_scripts(), data=st.data())
def test_the_view_at_version_n_is_the_fold_of_the_first_n_events(
    script: Script, data: st.DataObject
) -> None:
    recorded = _board_log(script)
    n = data.draw(st.integers(0, len(recorded)), label="n")
    k = data.draw(st.integers(0, n), label="k")
    at_n = _view(recorded[:n])
    assert at_n.version == n
    assert at_n.position == (recorded[n - 1].position if n else 0)
    assert at_n.updated_at == (recorded[n - 1].recorded_at if n else None)
    assert fold(BOARD_VIEW, BOARD_ID, recorded[k:n], _view(recorded[:k])) == at_n


@SETTINGS
@given(script=command_scripts(), data=st.data())
def test_folding_runs_in_place_equals_the_pure_fold(script: Script, data: st.DataObject) -> None:
    # What a rebuild does: a view of its own (new, or decoded from a save) given runs of events.
    recorded = _board_log(script)
    k = data.draw(st.integers(0, len(recorded)), label="saved at")
    run = data.draw(st.integers(1, 9), label="run")
    saved = BOARD_VIEW.encode(_view(recorded[:k]))
    view = BOARD_VIEW.decode(saved) if k else BOARD_VIEW.initial(BOARD_ID)
    for start in range(k, len(recorded), run):
        view = BOARD_VIEW.apply_all(view, recorded[start : start + run])

    pure = _view(recorded)
    assert view == pure
    assert BOARD_VIEW.encode(view) == BOARD_VIEW.encode(pure)
    assert BOARD_VIEW.apply_all(view, []) is view


@SETTINGS
@given(script=command_scripts())
def test_the_view_shows_what_the_decider_holds_after_every_event(script: Script) -> None:
    state = board.initial_state
    view = BOARD_VIEW.initial(BOARD_ID)
    for recorded in _board_log(script):
        state = board.evolve(state, decode_event(recorded.data))
        view = BOARD_VIEW.apply(view, recorded)
        assert _live_notes_of_view(view) == _live_notes_of_state(state)
        assert _live_clusters_of_view(view) == _live_clusters_of_state(state)
        assert (view.workshop_id, view.title, view.kind) == (
            state.workshop_id,
            state.title,
            state.kind,
        )
        assert all(note.id == note_id for note_id, note in view.notes.items())
        assert all(c.id == cluster_id for cluster_id, c in view.clusters.items())


def _touched(event: board.Event) -> tuple[str, ...]:
    """The notes and clusters whose own fields ``event`` changes."""
    match event:
        case (
            board.NoteAdded()
            | board.NoteEdited()
            | board.NoteMoved()
            | board.NoteRecoloured()
            | board.NoteClustered()
        ):
            return (event.note_id,)
        case board.ClusterCreated() | board.ClusterRenamed() | board.ClusterMoved():
            return (event.cluster_id,)
        case board.ClusterDeleted():
            return event.released_note_ids
    return ()


@SETTINGS
@given(script=command_scripts())
def test_each_note_and_cluster_carries_the_time_and_version_of_its_last_change(
    script: Script,
) -> None:
    created: dict[str, RecordedEvent] = {}
    changed: dict[str, RecordedEvent] = {}
    view = BOARD_VIEW.initial(BOARD_ID)
    for recorded in _board_log(script):
        event = decode_event(recorded.data)
        for entity_id in _touched(event):
            created.setdefault(entity_id, recorded)
            changed[entity_id] = recorded
        view = BOARD_VIEW.apply(view, recorded)
        for note_id, note in view.notes.items():
            first, last = created[note_id], changed[note_id]
            assert (note.created_at, note.updated_at) == (first.recorded_at, last.recorded_at)
            assert note.version == last.version
        for cluster_id, cluster in view.clusters.items():
            first, last = created[cluster_id], changed[cluster_id]
            assert (cluster.created_at, cluster.version) == (first.recorded_at, last.version)


# --------------------------------------------------------------------------- examples

CREATED = board.BoardCreated(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Ideas")


def _added(note_id: str, by: Actor = ALICE, text: str = "idea") -> board.NoteAdded:
    return board.NoteAdded(note_id=note_id, text=text, x=1.0, y=2.0, colour="yellow", author=by.id)


def test_a_new_view_is_empty_at_version_0() -> None:
    view = BOARD_VIEW.initial(BOARD_ID)
    assert (view.id, view.version, view.position, view.updated_at) == (BOARD_ID, 0, 0, None)
    assert (view.notes, view.clusters) == ({}, {})
    assert BOARD_VIEW.decode(BOARD_VIEW.encode(view)) == view


def test_the_view_shows_the_board_and_its_notes() -> None:
    view = _view(record([CREATED, _added("n1"), _added("n2", by=BOB, text="other")]))
    assert (view.workshop_id, view.title, view.kind) == (WORKSHOP_ID, "Ideas", "breakout")
    assert {note_id: (n.text, n.author) for note_id, n in view.notes.items()} == {
        "n1": ("idea", "alice"),
        "n2": ("other", "bob"),
    }


def test_deleting_a_cluster_leaves_its_notes_on_the_board_unclustered() -> None:
    view = _view(
        record(
            [
                CREATED,
                _added("n1"),
                _added("n2"),
                board.ClusterCreated(cluster_id="c1", label="Theme", x=0.0, y=0.0),
                board.NoteClustered(note_id="n1", cluster_id="c1"),
                board.NoteClustered(note_id="n2", cluster_id="c1"),
                board.ClusterDeleted(cluster_id="c1", released_note_ids=("n1", "n2")),
            ]
        )
    )
    assert view.clusters == {}
    assert {note_id: n.cluster_id for note_id, n in view.notes.items()} == {"n1": None, "n2": None}
    assert {n.version for n in view.notes.values()} == {7}
    assert {n.updated_at for n in view.notes.values()} == {at(7)}


def test_a_deleted_note_disappears_from_the_view() -> None:
    view = _view(record([CREATED, _added("n1"), _added("n2"), board.NoteDeleted(note_id="n1")]))
    assert list(view.notes) == ["n2"]
    assert view.version == 4


def test_times_and_versions_track_the_last_change() -> None:
    view = _view(
        record(
            [
                CREATED,
                _added("n1"),
                _added("n2"),
                board.ClusterCreated(cluster_id="c1", label="Theme", x=0.0, y=0.0),
                board.NoteEdited(note_id="n1", text="better"),
                board.ClusterRenamed(cluster_id="c1", label="Renamed"),
            ],
            actor=FACILITATOR,
        )
    )
    n1, n2, c1 = view.notes["n1"], view.notes["n2"], view.clusters["c1"]
    assert (n1.text, n1.created_at, n1.updated_at, n1.version) == ("better", at(2), at(5), 5)
    assert (n2.created_at, n2.updated_at, n2.version) == (at(3), at(3), 3)
    assert (c1.label, c1.created_at, c1.version) == ("Renamed", at(4), 6)
    assert (view.version, view.position, view.updated_at) == (6, 6, at(6))


def test_a_view_only_takes_the_events_of_its_own_board() -> None:
    log = Log()
    log.append(board_stream(BOARD_ID), [CREATED, _added("n1")])
    log.append(board_stream(OTHER_BOARD), [CREATED, _added("n9")])
    log.append("workshop-w1", [_added("n8")])
    mine, other = _view(log.events), _view(log.events, OTHER_BOARD)
    assert (list(mine.notes), mine.version, mine.position) == (["n1"], 2, 2)
    assert (list(other.notes), other.version, other.position) == (["n9"], 2, 4)
    assert BOARD_VIEW.key_of(log.events[-1]) is None
