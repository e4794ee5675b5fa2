"""Where promoted items land on the plenary board: in a free column, clear of everything there
and of each other, as the page draws them (``domain.layout``'s sizes); given/when/then, and a
hypothesis property over any promotions into any plenary."""

from __future__ import annotations

import itertools

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import board, decisions, layout
from domain.board_state import Origin
from tests.factories import ALICE, FACILITATOR, WORKSHOP_ID

PLENARY_ID = "plen"


def breakout(board_id: str, title: str, clusters: list[int], loose: int) -> board.Board:
    """A breakout board with ``len(clusters)`` clusters of that many notes each, and ``loose``
    loose notes: cluster ``{board_id}-c{i}``, notes ``{board_id}-n{j}``."""
    events: list[board.Event] = [
        board.BoardCreated(board_id=board_id, workshop_id=WORKSHOP_ID, title=title)
    ]
    count = itertools.count()
    for i, size in enumerate(clusters):
        cid = f"{board_id}-c{i}"
        events.append(board.ClusterCreated(cluster_id=cid, label=f"Theme {i}", x=0.0, y=0.0))
        for _ in range(size):
            nid = f"{board_id}-n{next(count)}"
            events.append(
                board.NoteAdded(note_id=nid, text="idea", x=5, y=5, colour="blue", author="alice")
            )
            events.append(board.NoteClustered(note_id=nid, cluster_id=cid))
    for _ in range(loose):
        nid = f"{board_id}-n{next(count)}"
        events.append(
            board.NoteAdded(note_id=nid, text="loose", x=9, y=9, colour="pink", author="alice")
        )
    return board.fold(events)


def plenary(*events: board.Event) -> board.Board:
    created = board.BoardCreated(
        board_id=PLENARY_ID, workshop_id=WORKSHOP_ID, title="Plenary", kind="plenary"
    )
    return board.fold([created, *events])


def promote(
    source: board.Board,
    target: board.Board,
    promotion_id: str,
    cluster_ids: tuple[str, ...] = (),
    note_ids: tuple[str, ...] = (),
    planned_on: board.Board | None = None,
) -> board.Board:
    """``target`` after the facilitator promotes these items, planned on ``planned_on`` (the
    board as the service read it; ``target`` itself unless told otherwise)."""
    command = decisions.PromoteItems(
        promotion_id=promotion_id,
        source_board_id=source.board_id,
        cluster_ids=cluster_ids,
        note_ids=note_ids,
    )
    plan = decisions.plan_promotion(source, command, target=planned_on or target)
    planned = msgspec.structs.replace(command, plan=plan)
    return board.fold(board.decide(target, planned, FACILITATOR), target)


def overlapping(state: board.Board, new: set[str]) -> list[tuple[str, str]]:
    """Pairs of live items that overlap on the page, one of them in ``new``."""
    pairs = layout.overlapping(
        ((cid, c.x, c.y) for cid, c in state.clusters.items() if not c.deleted),
        (((nid, n.x, n.y), n.cluster_id) for nid, n in state.notes.items() if not n.deleted),
    )
    return [(a, b) for a, b in pairs if a in new or b in new]


def origins(state: board.Board) -> dict[str, Origin]:
    """Item id → where it came from, for every promoted copy on ``state``."""
    found = {nid: n.origin for nid, n in state.notes.items() if n.origin is not None}
    return found | {cid: c.origin for cid, c in state.clusters.items() if c.origin is not None}


def promoted_ids(state: board.Board, *promotion_ids: str) -> set[str]:
    ids = set()
    for item_id, origin in origins(state).items():
        if any(decisions.promoted_id(p, origin.item_id) == item_id for p in promotion_ids):
            ids.add(item_id)
    return ids


GROUP_A = breakout("ga", "Group A", [3, 2], 2)
GROUP_B = breakout("gb", "Group B", [5], 1)
SMALL_A = breakout("sa", "Group A", [2], 0)
SMALL_B = breakout("sb", "Group B", [2], 0)
SMALL_C = breakout("sc", "Group C", [2], 0)


# --------------------------------------------------------------------------- given/when/then


def test_a_promoted_cluster_holds_its_notes_in_rows_under_its_label() -> None:
    state = promote(GROUP_B, plenary(), "p1", ("gb-c0",))
    cluster = state.clusters[decisions.promoted_id("p1", "gb-c0")]
    assert (cluster.x, cluster.y) == (layout.MARGIN, layout.MARGIN)
    places = sorted((n.y, n.x) for n in state.notes.values())
    row = layout.MARGIN + layout.CLUSTER_HEADER
    step = layout.NOTE_W + layout.GAP
    first = layout.MARGIN + layout.CLUSTER_PAD
    assert places == [
        (row, first),
        (row, first + step),
        (row, first + 2 * step),
        (row + layout.NOTE_MAX_H + layout.GAP, first),
        (row + layout.NOTE_MAX_H + layout.GAP, first + step),
    ]
    assert not overlapping(state, set(state.notes) | set(state.clusters))


def test_each_promotion_takes_the_next_free_place_in_rows_a_screen_wide() -> None:
    first = promote(SMALL_A, plenary(), "p1", ("sa-c0",))
    both = promote(SMALL_B, first, "p2", ("sb-c0",))
    right_of_a = max(r.x1 for r in layout.occupied(first))
    b_cluster = both.clusters[decisions.promoted_id("p2", "sb-c0")]
    assert (b_cluster.x, b_cluster.y) == (right_of_a + layout.GAP, layout.MARGIN)
    # A third does not fit beside them within the row's width: it starts the next row.
    three = promote(SMALL_C, both, "p3", ("sc-c0",))
    c_cluster = three.clusters[decisions.promoted_id("p3", "sc-c0")]
    assert c_cluster.x == layout.MARGIN
    assert c_cluster.y == max(r.y1 for r in layout.occupied(both)) + layout.GAP
    assert max(r.x1 for r in layout.occupied(three)) <= layout.MARGIN + layout.ROW_WIDTH
    assert not overlapping(three, set(three.notes) | set(three.clusters))


def test_promoted_items_keep_clear_of_what_the_plenary_already_holds() -> None:
    own = plenary(
        board.NoteAdded(note_id="mine", text="Welcome", x=30, y=40, colour="yellow", author="fay"),
        board.ClusterCreated(cluster_id="agenda", label="Agenda", x=400, y=0),
    )
    state = promote(GROUP_B, own, "p1", ("gb-c0",), ("gb-n5",))
    assert not overlapping(state, promoted_ids(state, "p1"))
    cluster = state.clusters[decisions.promoted_id("p1", "gb-c0")]
    assert (cluster.x, cluster.y) != (layout.MARGIN, layout.MARGIN)  # placed round them


def test_a_plan_overtaken_by_another_promotion_is_placed_anew() -> None:
    first = promote(GROUP_A, plenary(), "p1", ("ga-c0",))
    # Planned on the empty plenary, as if both were read before either was recorded.
    both = promote(GROUP_B, first, "p2", ("gb-c0",), planned_on=plenary())
    assert not overlapping(both, promoted_ids(both, "p1", "p2"))


def test_each_copy_names_the_group_it_came_from() -> None:
    state = promote(GROUP_B, promote(GROUP_A, plenary(), "p1", ("ga-c0",)), "p2", ("gb-c0",))
    assert {origin.group for origin in origins(state).values()} == {"Group A", "Group B"}
    assert all(n.origin is not None for n in state.notes.values())


def test_promoted_notes_move_like_any_other() -> None:
    state = promote(GROUP_B, plenary(), "p1", note_ids=("gb-n5",))
    (nid,) = state.notes
    assert board.decide(state, board.MoveNote(note_id=nid, x=1.0, y=2.0), ALICE) == [
        board.NoteMoved(note_id=nid, x=1.0, y=2.0)
    ]


# --------------------------------------------------------------------------- any promotions

coords = st.floats(-300, 2500, allow_nan=False).map(round)


@st.composite
def plenaries(draw: st.DrawFn) -> board.Board:
    """A plenary holding the facilitator's own notes and clusters, anywhere, maybe in them."""
    events: list[board.Event] = []
    clusters = [f"own-c{i}" for i in range(draw(st.integers(0, 3)))]
    for cid in clusters:
        events.append(
            board.ClusterCreated(cluster_id=cid, label="Own", x=draw(coords), y=draw(coords))
        )
    for i in range(draw(st.integers(0, 8))):
        nid = f"own-n{i}"
        events.append(
            board.NoteAdded(
                note_id=nid, text="own", x=draw(coords), y=draw(coords), colour="grey", author="fay"
            )
        )
        joins: bool = draw(st.booleans())
        if clusters and joins:
            events.append(
                board.NoteClustered(note_id=nid, cluster_id=draw(st.sampled_from(clusters)))
            )
    return plenary(*events)


@st.composite
def promotions(
    draw: st.DrawFn, index: int
) -> tuple[board.Board, tuple[str, ...], tuple[str, ...], bool]:
    """A breakout group's board, the clusters and notes promoted from it (one item at least),
    and whether the plan was read before the promotions before it were recorded."""
    sizes = draw(st.lists(st.integers(0, 7), min_size=1, max_size=3))
    source = breakout(f"g{index}", f"Group {'ABCD'[index]}", sizes, draw(st.integers(0, 5)))
    pool = sorted([*source.clusters, *source.notes])
    items = st.lists(st.sampled_from(pool), unique=True, min_size=1, max_size=len(pool))
    chosen = draw(items)
    cluster_ids = tuple(i for i in chosen if i in source.clusters)
    note_ids = tuple(i for i in chosen if i in source.notes)
    return source, cluster_ids, note_ids, draw(st.booleans())


@settings(max_examples=150, deadline=None)
@given(start=plenaries(), data=st.data())
def test_no_promoted_item_overlaps_any_other(start: board.Board, data: st.DataObject) -> None:
    state = start
    count = data.draw(st.integers(1, 4))
    for index in range(count):
        source, cluster_ids, note_ids, stale = data.draw(promotions(index))
        state = promote(
            source, state, f"p{index}", cluster_ids, note_ids, planned_on=start if stale else None
        )
    new = promoted_ids(state, *(f"p{i}" for i in range(count)))
    assert new
    assert not overlapping(state, new)
