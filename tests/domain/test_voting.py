"""Dot voting and the impact/effort grid, as given/when/then, and a property of random casts
and retractions: nobody exceeds a budget or a per-item limit, and the tally adds up."""

from __future__ import annotations

import math

import pytest
from hypothesis import given as for_all
from hypothesis import settings
from hypothesis import strategies as st

from domain import board, facilitation, voting
from domain.actor import Actor
from domain.board_state import PHASES, Phase, Placement, VoteTarget
from domain.errors import AlreadyExists, DomainError, Forbidden, InvalidCommand, NotFound
from domain.voting import BUDGET_MAX
from tests.domain.builders import CREATED, added, cluster, given
from tests.factories import ALICE, BOB, CAROL, FACILITATOR


def phased(phase: Phase, previous: Phase = "collect") -> facilitation.PhaseChanged:
    return facilitation.PhaseChanged(phase=phase, previous=previous)


VOTE = phased("vote")
BOARD = (CREATED, added("n1"), cluster("c2"), cluster("c1"), VOTE)
"""Alice's note ``n1`` and the clusters ``c2`` and ``c1`` (created in that order), voting."""


def opened(
    round_id: str = "r1",
    item_ids: tuple[str, ...] = ("c1", "c2"),
    *,
    target: VoteTarget = "clusters",
    budget: int = 5,
    per_item_max: int = 3,
    hide_tallies: bool = True,
    facilitators_vote: bool = False,
) -> voting.RoundOpened:
    return voting.RoundOpened(
        round_id=round_id,
        target=target,
        budget=budget,
        per_item_max=per_item_max,
        hide_tallies=hide_tallies,
        facilitators_vote=facilitators_vote,
        item_ids=item_ids,
    )


def cast(
    voter: Actor, item_id: str, round_id: str = "r1", *, hidden: bool = True
) -> voting.VoteCast:
    return voting.VoteCast(
        round_id=round_id, item_id=item_id, voter=voter.id, private_to=voter.id if hidden else None
    )


def retracted(
    voter: Actor, item_id: str, round_id: str = "r1", *, hidden: bool = True
) -> voting.VoteRetracted:
    return voting.VoteRetracted(
        round_id=round_id, item_id=item_id, voter=voter.id, private_to=voter.id if hidden else None
    )


def closed(round_id: str = "r1", voters: int = 0, **votes: int) -> voting.RoundClosed:
    """``vote.closed`` with ``votes`` (item → dots) listed in the given order."""
    results = tuple(voting.Tally(item_id=item, votes=dots) for item, dots in votes.items())
    return voting.RoundClosed(round_id=round_id, results=results, voters=voters)


def hidden(note_id: str, by: Actor) -> board.NoteAdded:
    return board.NoteAdded(
        note_id=note_id, text="draft", x=0, y=0, colour="yellow", author=by.id, private_to=by.id
    )


OPEN = (*BOARD, opened())
"""``BOARD`` with the round ``r1`` open on ``c1`` and ``c2`` (5 dots, 3 per item)."""


# --------------------------------------------------------------------------- opening a round


def test_a_facilitator_opens_a_round_on_every_cluster_sorted() -> None:
    state = given(*BOARD).when(voting.OpenRound(round_id="r1")).then(opened())
    assert state.open_round == "r1"
    assert state.rounds["r1"].open
    assert state.rounds["r1"].item_ids == ("c1", "c2")
    assert state.rounds["r1"].tally() == {"c1": 0, "c2": 0}


def test_a_round_takes_its_settings_from_the_command() -> None:
    command = voting.OpenRound(
        round_id="r1",
        budget=7,
        per_item_max=7,
        hide_tallies=False,
        facilitators_vote=True,
        item_ids=("c2",),
    )
    given(*BOARD).when(command).then(
        opened(
            item_ids=("c2",), budget=7, per_item_max=7, hide_tallies=False, facilitators_vote=True
        )
    )


@pytest.mark.parametrize("phase", [p for p in PHASES if p != "vote"])
def test_rounds_open_only_in_the_vote_phase(phase: Phase) -> None:
    history = (CREATED, cluster("c1")) + (() if phase == "collect" else (phased(phase),))
    given(*history).when(voting.OpenRound(round_id="r1")).then_refused(
        InvalidCommand, "wrong_phase"
    )


def test_a_round_id_is_used_once() -> None:
    given(*OPEN, closed(c1=0, c2=0)).when(voting.OpenRound(round_id="r1")).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_one_round_is_open_at_a_time() -> None:
    given(*OPEN).when(voting.OpenRound(round_id="r2")).then_refused(InvalidCommand, "round_open")


@pytest.mark.parametrize("budget", [0, -1, BUDGET_MAX + 1])
def test_a_budget_is_1_to_20_dots(budget: int) -> None:
    given(*BOARD).when(voting.OpenRound(round_id="r1", budget=budget, per_item_max=1)).then_refused(
        InvalidCommand, "invalid_budget"
    )


@pytest.mark.parametrize("budget", [1, BUDGET_MAX])
def test_a_budget_of_1_or_20_dots_is_fine(budget: int) -> None:
    given(*BOARD).when(voting.OpenRound(round_id="r1", budget=budget, per_item_max=1)).then(
        opened(budget=budget, per_item_max=1)
    )


@pytest.mark.parametrize("per_item_max", [0, -1, 5])
def test_the_most_dots_per_item_is_1_to_the_budget(per_item_max: int) -> None:
    given(*BOARD).when(
        voting.OpenRound(round_id="r1", budget=4, per_item_max=per_item_max)
    ).then_refused(InvalidCommand, "invalid_per_item_max")


@pytest.mark.parametrize("per_item_max", [1, 4])
def test_a_per_item_max_of_1_or_the_budget_is_fine(per_item_max: int) -> None:
    given(*BOARD).when(voting.OpenRound(round_id="r1", budget=4, per_item_max=per_item_max)).then(
        opened(budget=4, per_item_max=per_item_max)
    )


def test_the_default_ballot_holds_the_visible_live_notes_sorted() -> None:
    history = (
        CREATED,
        added("n3"),
        added("n1"),
        added("n2"),
        board.NoteDeleted(note_id="n2"),
        cluster("c1"),
        facilitation.PrivateWritingStarted(),
        hidden("n0", BOB),
        VOTE,
    )
    given(*history).when(voting.OpenRound(round_id="r1", target="notes")).then(
        opened(target="notes", item_ids=("n1", "n3"))
    )


def test_the_default_ballot_leaves_deleted_clusters_out() -> None:
    given(*BOARD, cluster("c0"), board.ClusterDeleted(cluster_id="c0")).when(
        voting.OpenRound(round_id="r1")
    ).then(opened(item_ids=("c1", "c2")))


def test_named_items_make_the_ballot_in_the_given_order() -> None:
    given(*BOARD, added("n2")).when(
        voting.OpenRound(round_id="r1", target="notes", item_ids=("n2", "n1"))
    ).then(opened(target="notes", item_ids=("n2", "n1")))


@pytest.mark.parametrize(
    ("target", "item_ids"),
    [("clusters", ("c1", "n1")), ("notes", ("n1", "c1"))],
    ids=["note-in-cluster-round", "cluster-in-note-round"],
)
def test_named_items_are_all_of_the_rounds_target(
    target: VoteTarget, item_ids: tuple[str, ...]
) -> None:
    given(*BOARD).when(
        voting.OpenRound(round_id="r1", target=target, item_ids=item_ids)
    ).then_refused(InvalidCommand, "wrong_target")


@pytest.mark.parametrize(
    ("item_id", "history", "error", "code"),
    [
        ("c9", (), NotFound, "unknown_item"),
        ("c0", (cluster("c0"), board.ClusterDeleted(cluster_id="c0")), NotFound, "cluster_deleted"),
        ("n1", (board.NoteDeleted(note_id="n1"),), NotFound, "note_deleted"),
        (
            "n0",
            (facilitation.PrivateWritingStarted(), hidden("n0", BOB)),
            InvalidCommand,
            "note_hidden",
        ),
    ],
    ids=["unknown", "deleted-cluster", "deleted-note", "hidden-note"],
)
def test_named_items_are_live_and_visible(
    item_id: str, history: tuple[board.Event, ...], error: type[DomainError], code: str
) -> None:
    target: VoteTarget = "notes" if item_id.startswith("n") else "clusters"
    given(*BOARD, *history).when(
        voting.OpenRound(round_id="r1", target=target, item_ids=(item_id,))
    ).then_refused(error, code)


def test_an_item_is_on_the_ballot_once() -> None:
    given(*BOARD).when(voting.OpenRound(round_id="r1", item_ids=("c1", "c2", "c1"))).then_refused(
        InvalidCommand, "duplicate_id"
    )


def test_a_round_needs_something_to_vote_on() -> None:
    given(CREATED, added("n1"), VOTE).when(voting.OpenRound(round_id="r1")).then_refused(
        InvalidCommand, "empty_ballot"
    )
    only_gone = (
        CREATED,
        added("n1"),
        board.NoteDeleted(note_id="n1"),
        facilitation.PrivateWritingStarted(),
        hidden("n2", ALICE),
        VOTE,
    )
    given(*only_gone).when(voting.OpenRound(round_id="r1", target="notes")).then_refused(
        InvalidCommand, "empty_ballot"
    )


@pytest.mark.parametrize(
    "command",
    [voting.OpenRound(round_id="r2"), voting.CloseRound(round_id="r1")],
    ids=["open", "close"],
)
def test_only_a_facilitator_opens_or_closes_a_round(command: board.Command) -> None:
    given(*OPEN).when(command, by=ALICE).then_refused(Forbidden, "forbidden")


# --------------------------------------------------------------------------- casting


def test_a_participant_casts_a_dot_privately_while_tallies_are_hidden() -> None:
    state = (
        given(*OPEN)
        .when(voting.CastVote(round_id="r1", item_id="c1"), by=ALICE)
        .then(cast(ALICE, "c1"))
    )
    assert state.rounds["r1"].votes == {"alice": {"c1": 1}}
    assert state.rounds["r1"].tally() == {"c1": 1, "c2": 0}


def test_a_dot_is_public_when_tallies_are_shown() -> None:
    given(*BOARD, opened(hide_tallies=False)).when(
        voting.CastVote(round_id="r1", item_id="c1"), by=ALICE
    ).then(cast(ALICE, "c1", hidden=False))


def test_a_dot_goes_into_a_known_round() -> None:
    given(*OPEN).when(voting.CastVote(round_id="r9", item_id="c1"), by=ALICE).then_refused(
        NotFound, "unknown_round"
    )


def test_a_closed_round_takes_no_more_dots() -> None:
    given(*OPEN, closed(c1=0, c2=0)).when(
        voting.CastVote(round_id="r1", item_id="c1"), by=ALICE
    ).then_refused(InvalidCommand, "round_closed")


@pytest.mark.parametrize("item_id", ["n1", "c9"], ids=["not-on-ballot", "unknown"])
def test_a_dot_goes_on_the_ballot(item_id: str) -> None:
    given(*OPEN).when(voting.CastVote(round_id="r1", item_id=item_id), by=ALICE).then_refused(
        InvalidCommand, "not_on_ballot"
    )


LIMITED = (*BOARD, opened(budget=3, per_item_max=2))
"""A round of 3 dots, at most 2 per item."""


def test_a_voter_places_their_whole_budget_and_no_more() -> None:
    spent_two = (*LIMITED, cast(ALICE, "c1"), cast(ALICE, "c1"))
    given(*spent_two).when(voting.CastVote(round_id="r1", item_id="c2"), by=ALICE).then(
        cast(ALICE, "c2")
    )
    given(*spent_two, cast(ALICE, "c2")).when(
        voting.CastVote(round_id="r1", item_id="c2"), by=ALICE
    ).then_refused(InvalidCommand, "vote_budget_exceeded")


def test_an_item_takes_at_most_per_item_max_of_a_voters_dots() -> None:
    given(*LIMITED, cast(ALICE, "c1")).when(
        voting.CastVote(round_id="r1", item_id="c1"), by=ALICE
    ).then(cast(ALICE, "c1"))
    given(*LIMITED, cast(ALICE, "c1"), cast(ALICE, "c1")).when(
        voting.CastVote(round_id="r1", item_id="c1"), by=ALICE
    ).then_refused(InvalidCommand, "vote_item_limit")


def test_each_voter_has_their_own_budget_and_limits() -> None:
    others = (*LIMITED, cast(BOB, "c1"), cast(BOB, "c1"), cast(BOB, "c2"), cast(CAROL, "c1"))
    given(*others).when(voting.CastVote(round_id="r1", item_id="c1"), by=ALICE).then(
        cast(ALICE, "c1")
    )


def test_facilitators_do_not_vote_unless_the_round_lets_them() -> None:
    given(*OPEN).when(voting.CastVote(round_id="r1", item_id="c1")).then_refused(
        Forbidden, "facilitators_do_not_vote"
    )
    given(*BOARD, opened(facilitators_vote=True)).when(
        voting.CastVote(round_id="r1", item_id="c1")
    ).then(cast(FACILITATOR, "c1"))


# --------------------------------------------------------------------------- retracting


def test_a_voter_takes_a_dot_back() -> None:
    state = (
        given(*OPEN, cast(ALICE, "c1"), cast(ALICE, "c1"))
        .when(voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE)
        .then(retracted(ALICE, "c1"))
    )
    assert state.rounds["r1"].votes == {"alice": {"c1": 1}}


def test_a_retraction_is_public_when_tallies_are_shown() -> None:
    given(*BOARD, opened(hide_tallies=False), cast(ALICE, "c1", hidden=False)).when(
        voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE
    ).then(retracted(ALICE, "c1", hidden=False))


def test_a_voter_retracts_only_their_own_dots() -> None:
    given(*OPEN).when(voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE).then_refused(
        NotFound, "no_vote"
    )
    given(*OPEN, cast(BOB, "c1"), cast(ALICE, "c2")).when(
        voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE
    ).then_refused(NotFound, "no_vote")
    given(*OPEN, cast(ALICE, "c1"), retracted(ALICE, "c1")).when(
        voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE
    ).then_refused(NotFound, "no_vote")


def test_a_closed_or_unknown_round_takes_no_retraction() -> None:
    given(*OPEN, cast(ALICE, "c1"), closed(voters=1, c1=1, c2=0)).when(
        voting.RetractVote(round_id="r1", item_id="c1"), by=ALICE
    ).then_refused(InvalidCommand, "round_closed")
    given(*OPEN).when(voting.RetractVote(round_id="r9", item_id="c1"), by=ALICE).then_refused(
        NotFound, "unknown_round"
    )


def test_a_retracted_dot_frees_the_budget() -> None:
    state = (
        given(*BOARD, opened(budget=1, per_item_max=1), cast(ALICE, "c1"), retracted(ALICE, "c1"))
        .when(voting.CastVote(round_id="r1", item_id="c2"), by=ALICE)
        .then(cast(ALICE, "c2"))
    )
    assert state.rounds["r1"].used("alice") == 1


# --------------------------------------------------------------------------- closing


def test_closing_publishes_results_by_dots_then_id_and_counts_the_voters() -> None:
    history: tuple[board.Event, ...] = (
        CREATED,
        *(cluster(cid) for cid in ("c1", "c2", "c3", "c4")),
        VOTE,
        opened(item_ids=("c4", "c3", "c2", "c1")),
        cast(ALICE, "c3"),
        cast(ALICE, "c2"),
        cast(BOB, "c3"),
        cast(BOB, "c2"),
        cast(BOB, "c1"),
        cast(CAROL, "c4"),
        retracted(CAROL, "c4"),
    )
    state = (
        given(*history)
        .when(voting.CloseRound(round_id="r1"))
        .then(closed(voters=2, c2=2, c3=2, c1=1, c4=0))
    )
    assert state.open_round is None
    assert not state.rounds["r1"].open
    assert state.rounds["r1"].tally() == {"c1": 1, "c2": 2, "c3": 2, "c4": 0}


def test_closing_a_round_nobody_voted_in_lists_every_item() -> None:
    given(*OPEN).when(voting.CloseRound(round_id="r1")).then(closed(voters=0, c1=0, c2=0))


def test_closing_a_closed_round_changes_nothing() -> None:
    given(*OPEN, closed(c1=0, c2=0)).when(voting.CloseRound(round_id="r1")).then_nothing()


def test_closing_an_unknown_round_is_refused() -> None:
    given(*OPEN).when(voting.CloseRound(round_id="r9")).then_refused(NotFound, "unknown_round")


def test_the_phase_changes_once_the_round_is_closed() -> None:
    given(*OPEN, closed(c1=0, c2=0)).when(facilitation.ChangePhase(phase="discuss")).then(
        phased("discuss", "vote")
    )


def test_every_round_is_kept() -> None:
    state = (
        given(*OPEN, cast(ALICE, "c1"), closed(voters=1, c1=1, c2=0))
        .when(voting.OpenRound(round_id="r2", item_ids=("c2",)))
        .then(opened("r2", ("c2",)))
    )
    assert list(state.rounds) == ["r1", "r2"]
    assert not state.rounds["r1"].open
    assert state.rounds["r1"].votes == {"alice": {"c1": 1}}
    assert state.open_round == "r2"
    given(*OPEN, closed(c1=0, c2=0), opened("r2", ("c2",))).when(
        voting.CastVote(round_id="r2", item_id="c2"), by=ALICE
    ).then(cast(ALICE, "c2", "r2"))


# --------------------------------------------------------------------------- the grid


@pytest.mark.parametrize("item_id", ["c1", "n1"])
def test_an_item_is_placed_on_the_grid(item_id: str) -> None:
    state = (
        given(*BOARD)
        .when(voting.PlaceOnGrid(item_id=item_id, impact=7.5, effort=2.0), by=ALICE)
        .then(voting.PlacedOnGrid(item_id=item_id, impact=7.5, effort=2.0))
    )
    assert state.grid[item_id] == Placement(impact=7.5, effort=2.0)


@pytest.mark.parametrize("value", [0.0, 10.0])
def test_the_grid_runs_from_0_to_10(value: float) -> None:
    given(*BOARD).when(voting.PlaceOnGrid(item_id="c1", impact=value, effort=value)).then(
        voting.PlacedOnGrid(item_id="c1", impact=value, effort=value)
    )


@pytest.mark.parametrize("bad", [-0.1, 10.1, math.nan, math.inf, -math.inf])
def test_impact_and_effort_are_numbers_from_0_to_10(bad: float) -> None:
    given(*BOARD).when(voting.PlaceOnGrid(item_id="c1", impact=bad, effort=5.0)).then_refused(
        InvalidCommand, "invalid_grid"
    )
    given(*BOARD).when(voting.PlaceOnGrid(item_id="c1", impact=5.0, effort=bad)).then_refused(
        InvalidCommand, "invalid_grid"
    )


def test_a_hidden_note_is_not_placed_on_the_grid() -> None:
    given(*BOARD, facilitation.PrivateWritingStarted(), hidden("n0", ALICE)).when(
        voting.PlaceOnGrid(item_id="n0", impact=5.0, effort=5.0), by=ALICE
    ).then_refused(InvalidCommand, "note_hidden")


def test_only_a_known_item_is_placed_on_the_grid() -> None:
    given(*BOARD).when(voting.PlaceOnGrid(item_id="c9", impact=5.0, effort=5.0)).then_refused(
        NotFound, "unknown_item"
    )


def test_placing_an_item_where_it_is_changes_nothing_and_elsewhere_moves_it() -> None:
    placed = (*BOARD, voting.PlacedOnGrid(item_id="c1", impact=5.0, effort=5.0))
    given(*placed).when(voting.PlaceOnGrid(item_id="c1", impact=5.0, effort=5.0)).then_nothing()
    state = (
        given(*placed)
        .when(voting.PlaceOnGrid(item_id="c1", impact=5.0, effort=6.0))
        .then(voting.PlacedOnGrid(item_id="c1", impact=5.0, effort=6.0))
    )
    assert state.grid == {"c1": Placement(impact=5.0, effort=6.0)}


def test_an_item_is_removed_from_the_grid() -> None:
    placed = (*BOARD, voting.PlacedOnGrid(item_id="c1", impact=5.0, effort=5.0))
    state = (
        given(*placed)
        .when(voting.RemoveFromGrid(item_id="c1"), by=ALICE)
        .then(voting.RemovedFromGrid(item_id="c1"))
    )
    assert state.grid == {}


def test_removing_an_item_that_is_not_on_the_grid_changes_nothing() -> None:
    given(*BOARD).when(voting.RemoveFromGrid(item_id="c1")).then_nothing()
    given(*BOARD, voting.PlacedOnGrid(item_id="c1", impact=1.0, effort=1.0)).when(
        voting.RemoveFromGrid(item_id="c2")
    ).then_nothing()


# --------------------------------------------------------------------------- property

VOTERS = (ALICE, BOB, CAROL)
ITEMS = ("c1", "c2", "c3")
limits = st.integers(1, BUDGET_MAX).flatmap(lambda b: st.tuples(st.just(b), st.integers(1, b)))
"""``(budget, per_item_max)`` with ``per_item_max`` at most the budget."""
moves = st.lists(
    st.tuples(st.booleans(), st.sampled_from(VOTERS), st.sampled_from((*ITEMS, "c9"))),
    max_size=80,
)
"""``(cast?, voter, item)``: a cast or a retraction; ``c9`` is not on the ballot."""


@settings(max_examples=150, deadline=None)
@for_all(limits=limits, hide_tallies=st.booleans(), moves=moves)
def test_random_casts_and_retractions_keep_budgets_limits_and_the_tally(
    limits: tuple[int, int], hide_tallies: bool, moves: list[tuple[bool, Actor, str]]
) -> None:
    budget, per_item_max = limits
    history: tuple[board.Event, ...] = (
        CREATED,
        *(cluster(cid) for cid in (*ITEMS, "c9")),
        VOTE,
        opened(item_ids=ITEMS, budget=budget, per_item_max=per_item_max, hide_tallies=hide_tallies),
    )
    state = board.fold(list(history))
    expected = dict.fromkeys(ITEMS, 0)
    for is_cast, voter, item_id in moves:
        command: board.Command = (
            voting.CastVote(round_id="r1", item_id=item_id)
            if is_cast
            else voting.RetractVote(round_id="r1", item_id=item_id)
        )
        mine = state.rounds["r1"].votes.get(voter.id, {})
        allowed = (
            item_id in ITEMS and sum(mine.values()) < budget and mine.get(item_id, 0) < per_item_max
            if is_cast
            else mine.get(item_id, 0) > 0
        )
        try:
            events = board.decide(state, command, voter)
        except DomainError:
            assert not allowed
            continue
        assert allowed
        for event in events:
            assert isinstance(event, voting.VoteCast | voting.VoteRetracted)
            assert event.voter == voter.id
            assert event.private_to == (voter.id if hide_tallies else None)
            expected[event.item_id] += 1 if isinstance(event, voting.VoteCast) else -1
            state = board.evolve(state, event)
            round_ = state.rounds["r1"]
            assert set(round_.votes) <= {someone.id for someone in VOTERS}
            for voter_id, ballot in round_.votes.items():
                assert round_.used(voter_id) <= budget
                assert all(0 < dots <= per_item_max for dots in ballot.values())
            assert round_.tally() == expected
