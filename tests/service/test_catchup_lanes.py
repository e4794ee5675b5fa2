"""What happened, from the stored lanes (``board_lane``) plus each board's tail, on both
backends: the same summary as one read from every board's whole stream, also after more events
arrived than the lanes hold, and with no lane stored at all."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import AsyncIterator

import pytest

from domain import board, facilitation, workshop
from domain.streams import board_stream, workshop_stream
from projections.timeline import BOARD_LANE, activity, mark_of
from service.app import close_plenary, open_plenary
from service.context import Plenary
from service.readside.catchup import SLICES, WorkshopSummary, workshop_summary
from service.settings import Settings
from service.tools import demo

W = demo.WORKSHOP_ID
HOST = demo.facilitator()


@pytest.fixture
async def ctx(app_settings: Settings) -> AsyncIterator[Plenary]:
    opened = await open_plenary(app_settings)
    try:
        await demo.seed(opened)
        await opened.projector.catch_up()
        yield opened
    finally:
        await close_plenary(opened)


async def summary(ctx: Plenary) -> WorkshopSummary:
    return await workshop_summary(ctx, W, ctx.reads.viewer(HOST))


async def more_events(ctx: Plenary, key: str) -> None:
    """An agenda block started, then a note and a phase change on the plenary board."""
    start = workshop.StartAgendaItem(index=1)
    await ctx.runner.execute(workshop.DECIDER, workshop_stream(W), start, HOST, f"{key}-agenda")
    stream = board_stream(demo.BOARD_ID)
    note = board.AddNote(note_id=f"{key}-note", text="Late thought", x=0, y=0)
    await ctx.runner.execute(board.DECIDER, stream, note, HOST, f"{key}-note")
    phase = facilitation.ChangePhase(phase="collect")
    await ctx.runner.execute(board.DECIDER, stream, phase, HOST, f"{key}-phase")


async def assert_as_from_whole_streams(ctx: Plenary, found: WorkshopSummary) -> None:
    """Every lane's marks (decisions' titles included), counts, the span and the agenda's
    versions as read from each board's whole stream."""
    timeline = found.timeline
    assert timeline.start is not None
    assert timeline.end is not None
    events = {
        lane.board_id: await ctx.store.read_stream(board_stream(lane.board_id), 0, lane.version)
        for lane in timeline.lanes
    }
    instants = [rec.recorded_at for recs in events.values() for rec in recs]
    assert (timeline.start, timeline.end) == (min(instants), max(instants))
    for lane in timeline.lanes:
        recs = events[lane.board_id]
        assert lane.marks == tuple(m for m in map(mark_of, recs) if m is not None)
        assert lane.activity == tuple(activity(recs, timeline.start, timeline.end, SLICES))
    for block in found.agenda:
        if block.started_at is not None:
            at = {
                b: bisect_right([r.recorded_at for r in recs], block.started_at)
                for b, recs in events.items()
            }
            assert block.versions == {b: v for b, v in at.items() if v > 0}


async def test_stored_lanes_and_their_tails_give_what_the_whole_streams_give(ctx: Plenary) -> None:
    # given lanes stored, then more events than they hold
    await more_events(ctx, "late")
    # when the summary is read from the lanes plus tails, and again with no lane stored
    cached = await summary(ctx)
    await ctx.views.reset(BOARD_LANE.name)
    uncached = await summary(ctx)
    # then both are what the whole streams say
    assert cached == uncached
    await assert_as_from_whole_streams(ctx, cached)
    decided = [m for lane in cached.timeline.lanes for m in lane.marks if m.title]
    assert decided, "the demo's decisions are marked with their titles"
    assert any(b.started_at is not None and b.versions for b in cached.agenda)
    # and so after the projector caught up again, and more came after that
    await ctx.projector.catch_up()
    assert await summary(ctx) == cached
    await more_events(ctx, "later")
    await assert_as_from_whole_streams(ctx, await summary(ctx))
