"""Flows across streams under concurrency, on both backends: one track per decision."""

from __future__ import annotations

import asyncio

from domain import board, decisions, facilitation, solution, workshop
from domain.actor import Actor
from domain.errors import DomainError
from domain.streams import board_stream, workshop_stream
from service.app import close_plenary, open_plenary
from service.commands import flows
from service.commands.access import Caller
from service.settings import Settings

HOST = Actor(id="fay", role="facilitator", name="Fay")


async def test_twenty_racing_starts_from_one_decision_give_exactly_one_track(
    app_settings: Settings,
) -> None:
    """Two instances on one database start 20 tracks from one decision at once: one track is
    started, and the other 19 leave no event in any stream."""
    one, two = await open_plenary(app_settings), await open_plenary(app_settings)
    try:
        run = one.runner.execute
        create = workshop.CreateWorkshop(workshop_id="w", title="W", programme="w")
        await run(workshop.DECIDER, workshop_stream("w"), create, HOST, "cw")
        made = board.CreateBoard(board_id="b", workshop_id="w", title="B")
        steps: list[board.Command] = [
            made,
            board.AddNote(note_id="n1", text="Streets for people", x=0, y=0),
            facilitation.ChangePhase(phase="decide"),
            decisions.RecordDecision(
                decision_id="d1", item_id="n1", outcome="select", rationale="Yes"
            ),
        ]
        for n, command in enumerate(steps):
            await run(board.DECIDER, board_stream("b"), command, HOST, f"b{n}")
        caller = Caller(actor=HOST, workshop_id="w")

        def start(n: int) -> solution.StartTrack:
            return solution.StartTrack(
                track_id=f"t{n}", workshop_id="w", board_id="b", decision_id="d1", title=""
            )

        racing = [
            flows.start_track((one, two)[n % 2].runner, caller, start(n), f"start-{n}")
            for n in range(20)
        ]
        results = await asyncio.gather(*racing, return_exceptions=True)
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        refused = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(r, DomainError) for r in refused), refused
        assert {r.code for r in refused if isinstance(r, DomainError)} == {"decision_has_track"}
        log = await one.store.read_all(0, 10_000)
        assert [r.type for r in log].count("track.started") == 1
        assert [r.type for r in log].count("decision.tracked") == 1
        state = (await one.runner.load(board.DECIDER, board_stream("b"))).state
        started = next(r for r in log if r.type == "track.started")
        assert state.decisions["d1"].track_id == started.stream_id.removeprefix("solution-")
    finally:
        await close_plenary(two)
        await close_plenary(one)
