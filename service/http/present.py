"""Answers that carry recorded events: each event as the caller may see it."""

from __future__ import annotations

from domain.recorded import RecordedEvent
from domain.streams import board_id_of
from projections.visibility import Viewer, own_pseudonym
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


async def events_answer(
    ctx: Plenary, viewer: Viewer, board_id: str, after: int, events: list[RecordedEvent]
) -> answers.BoardEvents:
    """``events`` of ``board_id`` cut for ``viewer``, and who ``viewer`` is in them: their
    pseudonym under the same policy that showed the events (read once for both)."""
    anonymity = await ctx.reads.anonymity_of(board_id)
    shown = await ctx.reads.present_history(board_id, events, viewer, anonymity)
    alias, name = own_pseudonym(viewer, board_id, anonymity) or (None, None)
    return answers.BoardEvents(
        board_id=board_id,
        after=after,
        events=[event_out(r) for r in shown],
        you=answers.Reader(id=viewer.id, pseudonym=alias, pseudonym_name=name),
    )
