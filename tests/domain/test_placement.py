"""Where new notes and clusters land, and what tidying does: given/when/then on the board
decider, and hypothesis properties over any adds with any hints (``domain.placement``)."""

from __future__ import annotations

from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from domain import board, layout, placement
from domain.errors import Forbidden, InvalidCommand, NotFound
from tests.domain.builders import CREATED, added, clustered, given
from tests.factories import ALICE, FACILITATOR

NEAR = board.Near(x=600.0, y=400.0)
NOTE_AT_NEAR = (600.0 - layout.NOTE_W / 2, 400.0 - layout.NOTE_MAX_H / 2)


def note_added(note_id: str, x: float, y: float) -> board.NoteAdded:
    return board.NoteAdded(note_id=note_id, text="idea", x=x, y=y, colour="yellow", author="alice")


def overlaps(state: board.Board) -> list[tuple[str, str]]:
    """The pairs of live items that overlap where the page draws them."""
    return layout.overlapping(
        ((cid, c.x, c.y) for cid, c in state.clusters.items() if not c.deleted),
        (((nid, n.x, n.y), n.cluster_id) for nid, n in state.notes.items() if not n.deleted),
    )


# --------------------------------------------------------------------------- new items


def test_a_note_with_a_hint_on_an_empty_board_is_centred_on_it() -> None:
    given(CREATED).when(board.AddNote(note_id="n1", text="idea", near=NEAR), by=ALICE).then(
        note_added("n1", *NOTE_AT_NEAR)
    )


def test_a_note_with_a_hint_on_a_note_goes_to_the_nearest_free_place() -> None:
    """Straight above the note in the way: 104 up is nearer than 174 to either side."""
    taken = note_added("n0", *NOTE_AT_NEAR)
    x, y = NOTE_AT_NEAR
    given(CREATED, taken).when(
        board.AddNote(note_id="n1", text="idea", near=board.Near(x=600.0, y=300.0)), by=ALICE
    ).then(note_added("n1", x, y - layout.NOTE_MAX_H - layout.GAP))


def test_a_note_without_a_position_goes_to_the_top_left() -> None:
    given(CREATED).when(board.AddNote(note_id="n1", text="idea"), by=ALICE).then(
        note_added("n1", layout.MARGIN, layout.MARGIN)
    )


def test_a_hint_past_the_top_left_corner_places_the_note_in_the_margin() -> None:
    given(CREATED).when(
        board.AddNote(note_id="n1", text="idea", near=board.Near(x=-500.0, y=-9.0)), by=ALICE
    ).then(note_added("n1", layout.MARGIN, layout.MARGIN))


def test_a_note_placed_by_hand_keeps_its_place_even_on_another() -> None:
    """x, y given: the sender chose the place (as a drag does); nothing moves it."""
    given(CREATED, note_added("n0", 10.0, 10.0)).when(
        board.AddNote(note_id="n1", text="idea", x=10.0, y=10.0), by=ALICE
    ).then(note_added("n1", 10.0, 10.0))


def test_a_note_never_lands_on_a_cluster_or_its_label() -> None:
    theme = board.ClusterCreated(cluster_id="c1", label="Theme", x=400.0, y=250.0)
    state = (
        given(CREATED, theme)
        .when(board.AddNote(note_id="n1", text="idea", near=NEAR), by=ALICE)
        .then_accepted()
    )
    assert overlaps(board.fold([CREATED, theme, *state])) == []


def test_a_cluster_with_a_hint_goes_clear_of_the_notes_there() -> None:
    events = (
        given(CREATED, note_added("n0", *NOTE_AT_NEAR))
        .when(board.CreateCluster(cluster_id="c1", label="Theme", near=NEAR))
        .then_accepted()
    )
    assert overlaps(board.fold([CREATED, note_added("n0", *NOTE_AT_NEAR), *events])) == []


def test_a_cluster_without_a_position_goes_to_the_top_left() -> None:
    given(CREATED).when(board.CreateCluster(cluster_id="c1", label="Theme")).then(
        board.ClusterCreated(cluster_id="c1", label="Theme", x=layout.MARGIN, y=layout.MARGIN)
    )


def test_a_position_and_a_hint_together_are_refused() -> None:
    given(CREATED).when(
        board.AddNote(note_id="n1", text="idea", x=1.0, y=1.0, near=NEAR), by=ALICE
    ).then_refused(InvalidCommand, "invalid_coordinates")


def test_half_a_position_is_refused() -> None:
    given(CREATED).when(board.CreateCluster(cluster_id="c1", label="Theme", x=1.0)).then_refused(
        InvalidCommand, "invalid_coordinates"
    )


def test_a_hint_out_of_range_is_refused() -> None:
    given(CREATED).when(
        board.AddNote(note_id="n1", text="idea", near=board.Near(x=float("nan"), y=0.0)), by=ALICE
    ).then_refused(InvalidCommand, "invalid_coordinates")


# --------------------------------------------------------------------------- tidying

THEME = board.ClusterCreated(cluster_id="c1", label="Theme", x=100.0, y=100.0)
SPREAD = (
    CREATED,
    THEME,
    note_added("n1", 500.0, 400.0),
    clustered("n1"),
    note_added("n2", 110.0, 150.0),
    clustered("n2"),
)


def test_tidying_a_cluster_puts_its_notes_in_a_grid_under_its_label() -> None:
    """In reading order: n2 (higher up) first."""
    left = THEME.x + layout.CLUSTER_PAD
    top = THEME.y + layout.CLUSTER_HEADER
    given(*SPREAD).when(board.TidyCluster(cluster_id="c1")).then(
        board.NoteMoved(note_id="n2", x=left, y=top),
        board.NoteMoved(note_id="n1", x=left + layout.NOTE_W + layout.GAP, y=top),
    )


def test_a_tidy_cluster_records_nothing() -> None:
    tidied = given(*SPREAD).when(board.TidyCluster(cluster_id="c1")).then_accepted()
    given(*SPREAD, *tidied).when(board.TidyCluster(cluster_id="c1")).then_nothing()


def test_a_tidied_cluster_that_would_cover_a_neighbour_moves_clear_of_it() -> None:
    neighbour = note_added("n9", THEME.x + 100.0, THEME.y + 250.0)
    events = given(*SPREAD, neighbour).when(board.TidyCluster(cluster_id="c1")).then_accepted()
    assert isinstance(events[0], board.ClusterMoved)
    assert overlaps(board.fold([*SPREAD, neighbour, *events])) == []


def test_tidying_a_deleted_cluster_is_refused() -> None:
    gone = board.ClusterDeleted(cluster_id="c1", released_note_ids=("n1", "n2"))
    given(*SPREAD, gone).when(board.TidyCluster(cluster_id="c1")).then_refused(
        NotFound, "cluster_deleted"
    )


def test_only_a_facilitator_tidies() -> None:
    given(*SPREAD).when(board.TidyBoard(), by=ALICE).then_refused(Forbidden, "forbidden")


def test_tidying_the_board_lays_everything_out_apart() -> None:
    piled = [note_added(f"p{i}", 120.0, 120.0) for i in range(7)]
    events = given(*SPREAD, *piled).when(board.TidyBoard(), by=FACILITATOR).then_accepted()
    after = board.fold([*SPREAD, *piled, *events])
    assert overlaps(after) == []
    assert after.clusters["c1"].x == after.clusters["c1"].y == layout.MARGIN
    again = given(*SPREAD, *piled, *events).when(board.TidyBoard())
    again.then_nothing()


def test_tidying_moves_a_hidden_note_for_its_author_only() -> None:
    hidden = board.NoteAdded(
        note_id="h1", text="mine", x=0.0, y=0.0, colour="yellow", author="alice", private_to="alice"
    )
    events = given(CREATED, hidden).when(board.TidyBoard()).then_accepted()
    assert events == [
        board.NoteMoved(note_id="h1", x=layout.MARGIN, y=layout.MARGIN, private_to="alice")
    ]


# --------------------------------------------------------------------------- properties

hints = st.builds(
    board.Near,
    x=st.floats(min_value=-300, max_value=2500, allow_nan=False),
    y=st.floats(min_value=-300, max_value=1500, allow_nan=False),
)
adds = st.lists(st.tuples(st.sampled_from(["note", "cluster", "join"]), hints), max_size=40)


@settings(max_examples=60, deadline=None)
@hypothesis_given(script=adds)
def test_after_any_adds_with_hints_no_two_items_overlap(
    script: list[tuple[str, board.Near]],
) -> None:
    """Notes and clusters added near any points, some notes put into the last cluster (and the
    cluster tidied, which is how a facilitator makes room for them), never overlap."""
    state = board.fold([CREATED])
    last_cluster: str | None = None
    for i, (kind, near) in enumerate(script):
        command: board.Command
        if kind == "cluster":
            last_cluster = f"c{i}"
            command = board.CreateCluster(cluster_id=last_cluster, label="Theme", near=near)
        elif kind == "join" and last_cluster is not None:
            state = board.fold([added(f"n{i}"), clustered(f"n{i}", last_cluster)], state)
            command = board.TidyCluster(cluster_id=last_cluster)
        else:
            command = board.AddNote(note_id=f"n{i}", text="idea", near=near)
        state = board.fold(board.decide(state, command, FACILITATOR), state)
        assert overlaps(state) == []


@settings(max_examples=60, deadline=None)
@hypothesis_given(
    spots=st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 900), st.booleans()), max_size=30)
)
def test_tidying_any_board_leaves_no_two_items_overlapping(
    spots: list[tuple[int, int, bool]],
) -> None:
    """Notes anywhere (on each other, too), each cluster made at a note and holding it."""
    events: list[board.Event] = [CREATED]
    for i, (x, y, in_cluster) in enumerate(spots):
        events.append(note_added(f"n{i}", float(x), float(y)))
        if in_cluster:
            events.append(board.ClusterCreated(cluster_id=f"c{i}", label="T", x=x, y=y))
            events.append(clustered(f"n{i}", f"c{i}"))
    state = board.fold(events)
    state = board.fold(board.decide(state, board.TidyBoard(), FACILITATOR), state)
    assert overlaps(state) == []


def test_the_nearest_free_place_is_exact() -> None:
    """Between two notes and over a bar: a block that would cover the bar by 54 goes up 54
    (it fits between the notes, and up is nearer than any other way out)."""
    taken = [layout.note_rect(0.0, 300.0), layout.note_rect(400.0, 300.0)]
    taken.append(layout.Rect(0.0, 600.0, 550.0, 700.0))
    x, y = placement.place_near(taken, layout.NOTE_W, layout.NOTE_MAX_H, 200.0, 450.0)
    assert (x, y) == (200.0, 600.0 - layout.GAP - layout.NOTE_MAX_H)
