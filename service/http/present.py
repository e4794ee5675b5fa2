"""Answers that carry recorded events: each event as the caller may see it."""

from __future__ import annotations

from domain.streams import board_id_of
from projections.visibility import Viewer
from service.commands.handle import Answer
from service.context import Plenary
from service.http import answers
from service.wire import event_out


async def command_answer(ctx: Plenary, viewer: Viewer, done: Answer) -> answers.CommandAnswer:
    """``done``'s version and events, a board's events cut for ``viewer`` as every read is."""
    events = done.events
    board_id = board_id_of(done.stream_id)
    if board_id is not None:
        events = await ctx.reads.present_history(board_id, events, viewer)
    return answers.CommandAnswer(
        version=done.version, duplicate=done.duplicate, events=[event_out(r) for r in events]
    )
