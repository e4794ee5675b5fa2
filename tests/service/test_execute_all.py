"""CommandRunner.execute_all: several commands on several streams, decided in order on fresh
state and appended in one transaction, or not at all. Runs on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from domain import board, workshop
from domain.actor import Actor
from domain.errors import DomainError
from domain.recorded import RecordedEvent
from domain.streams import board_stream, workshop_stream
from service.commands.runner import CommandRunner, Outcome, Step
from service.store import EventStore
from tests.conftest import StoreLocation
from tests.service.store.support import race

HOST = Actor(id="host", role="facilitator", name="Host")


def create_workshop(workshop_id: str, command_id: str) -> Step:
    return Step(
        workshop.DECIDER,
        workshop_stream(workshop_id),
        workshop.CreateWorkshop(workshop_id=workshop_id, title="Streets"),
        command_id,
    )


def create_board(board_id: str, workshop_id: str, command_id: str) -> Step:
    return Step(
        board.DECIDER,
        board_stream(board_id),
        board.CreateBoard(board_id=board_id, workshop_id=workshop_id, title=board_id),
        command_id,
    )


def group_flow(workshop_id: str, group: str, command_id: str) -> list[Step]:
    """What creating a breakout group takes: add its board, create it, create the group."""
    return [
        Step(
            workshop.DECIDER,
            workshop_stream(workshop_id),
            workshop.AddBoard(board_id=f"b-{group}", title=group, kind="breakout"),
            command_id,
        ),
        create_board(f"b-{group}", workshop_id, f"{command_id}/board"),
        Step(
            workshop.DECIDER,
            workshop_stream(workshop_id),
            workshop.CreateGroup(group_id=group, name=group, board_id=f"b-{group}"),
            f"{command_id}/group",
        ),
    ]


def types(outcomes: Sequence[Outcome]) -> list[list[str]]:
    return [[event.type for event in outcome.events] for outcome in outcomes]


async def test_later_steps_are_decided_on_what_earlier_steps_recorded(store: EventStore) -> None:
    runner = CommandRunner(store)
    await runner.execute_all([create_workshop("w", "cw")], HOST)

    outcomes = await runner.execute_all(group_flow("w", "g1", "cg"), HOST)

    assert types(outcomes) == [["board.added"], ["board.created"], ["group.created"]]
    assert [o.version for o in outcomes] == [2, 1, 3]
    recorded = [event for outcome in outcomes for event in outcome.events]
    assert [e.position for e in recorded] == [2, 3, 4]
    assert [(e.meta.command_id, e.meta.correlation_id, e.meta.causation_id) for e in recorded] == [
        ("cg", "cg", None),
        ("cg/board", "cg", "cg"),
        ("cg/group", "cg", "cg"),
    ]
    assert (await runner.load(workshop.DECIDER, workshop_stream("w"))).state.groups.keys() == {"g1"}


async def test_a_refused_later_step_appends_nothing(store: EventStore) -> None:
    runner = CommandRunner(store)
    await runner.execute_all([create_workshop("w", "cw")], HOST)
    for n in range(workshop.GROUP_LIMIT):
        await runner.execute_all(group_flow("w", f"g{n}", f"cg{n}"), HOST)
    head = await store.head()

    with pytest.raises(DomainError) as refused:
        await runner.execute_all(group_flow("w", "one-too-many", "cg-last"), HOST)

    assert refused.value.code == "group_limit_reached"
    assert await store.head() == head
    assert await store.read_stream(board_stream("b-one-too-many")) == []
    fresh = CommandRunner(store)  # what the store holds, not what the runner remembers
    assert "b-one-too-many" not in (await fresh.load(workshop.DECIDER, "workshop-w")).state.boards


async def test_a_resent_group_answers_what_it_recorded(store: EventStore) -> None:
    runner = CommandRunner(store)
    steps = [create_workshop("w", "cw"), create_board("b", "w", "cb")]
    first = await runner.execute_all(steps, HOST)

    again = await runner.execute_all(steps, HOST)  # step 0 alone would now be refused
    from_elsewhere = await CommandRunner(store).execute_all(steps, HOST)

    assert [o.duplicate for o in first] == [False, False]
    for outcomes in (again, from_elsewhere):
        assert [o.duplicate for o in outcomes] == [True, True]
        assert [o.events for o in outcomes] == [o.events for o in first]
        assert [o.version for o in outcomes] == [1, 1]
    assert (await store.head()).position == 2


async def test_racing_groups_on_overlapping_streams_leave_only_the_winner(
    store: EventStore, store_location: StoreLocation
) -> None:
    """20 flows, each on a runner of its own (as in 20 processes), each create workshop x and a
    board of their own: one creates x; the rest are refused and leave no event anywhere."""
    results = await race(
        store,
        store_location,
        20,
        lambda writer, i: CommandRunner(writer).execute_all(
            [create_workshop("x", f"cx-{i}"), create_board(f"y{i}", "x", f"cy-{i}")], HOST
        ),
    )

    winners = [i for i, r in enumerate(results) if isinstance(r, list)]
    assert len(winners) == 1, results
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert [r.code for r in refusals] == ["workshop_exists"] * 19
    log = await store.read_all()
    assert [(e.stream_id, e.meta.command_id) for e in log] == [
        ("workshop-x", f"cx-{winners[0]}"),
        (f"board-y{winners[0]}", f"cy-{winners[0]}"),
    ]
    assert (await store.verify()).ok


async def test_a_group_commits_whole_among_single_commands(store: EventStore) -> None:
    runner = CommandRunner(store)
    batches: list[list[RecordedEvent]] = []
    store.add_event_listener(batches.append)
    singles = [
        runner.execute(
            board.DECIDER,
            board_stream(f"s{i}"),
            board.CreateBoard(board_id=f"s{i}", workshop_id="w", title="S"),
            HOST,
            f"cs{i}",
        )
        for i in range(8)
    ]

    flow = runner.execute_all([create_workshop("w", "cw"), create_board("b", "w", "cb")], HOST)
    group, single_outcomes = await asyncio.gather(flow, asyncio.gather(*singles))

    positions = [e.position for o in group for e in o.events]
    assert positions[1] == positions[0] + 1
    [batch] = [b for b in batches if any(e.position == positions[0] for e in b)]
    assert {e.position for e in batch} >= set(positions)  # one commit holds the whole group
    assert [len(o.events) for o in single_outcomes] == [1] * 8
    assert (await store.head()).position == 10
    assert (await store.verify()).ok


async def test_the_runner_remembers_what_a_group_appended(store: EventStore) -> None:
    runner = CommandRunner(store, snapshot_every=2)
    await runner.execute_all([create_workshop("w", "cw")], HOST)
    await runner.execute_all(group_flow("w", "g1", "cg"), HOST)

    remembered = await runner.load(workshop.DECIDER, workshop_stream("w"), trust_cache=True)
    snapshot = await _snapshot_when_saved(store, workshop_stream("w"))

    assert remembered.cached
    assert (remembered.version, set(remembered.state.groups)) == (3, {"g1"})
    assert snapshot == 3  # the group took the stream from 1 to 3, past a multiple of 2


async def _snapshot_when_saved(store: EventStore, stream_id: str) -> int:
    """The version of the latest snapshot of ``stream_id``, once the writer saved the queued
    ones: it saves every snapshot waiting, so one saved after them is a barrier."""
    await store.save_snapshot("barrier", 1, "barrier", b"{}")
    saved = await store.load_snapshot(stream_id, workshop.DECIDER.snapshot_kind)
    assert saved is not None
    return saved[0]
