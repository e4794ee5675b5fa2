"""Seeding a composition root directly: workshop ``w`` with board ``b``."""

from __future__ import annotations

from domain import board, workshop
from domain.actor import Actor
from domain.streams import board_stream, workshop_stream
from service.context import Plenary


async def create_workshop_and_board(ctx: Plenary, host: Actor) -> None:
    """Workshop ``w`` and its board ``b``, created by ``host`` (command ids ``cw``, ``cb``)."""
    await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream("w"),
        workshop.CreateWorkshop(workshop_id="w", title="W"),
        host,
        "cw",
    )
    await ctx.runner.execute(
        board.DECIDER,
        board_stream("b"),
        board.CreateBoard(board_id="b", workshop_id="w", title="B"),
        host,
        "cb",
    )
