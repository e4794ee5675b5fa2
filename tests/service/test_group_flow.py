"""A group made with a new breakout board titled after it: its name is refused as a name
(``invalid_name``), not as the board's title, and nothing is recorded."""

from __future__ import annotations

import pytest

from domain import workshop
from domain.actor import Actor
from domain.errors import DomainError
from domain.streams import workshop_stream
from service.app import close_plenary, open_plenary
from service.commands import flows
from service.settings import Settings

HOST = Actor(id="fay", role="facilitator", name="Fay")


@pytest.mark.parametrize("name", ["", "   ", "Tab\x00le"])
async def test_a_bad_group_name_is_refused_as_a_name(app_settings: Settings, name: str) -> None:
    ctx = await open_plenary(app_settings)
    try:
        create = workshop.CreateWorkshop(workshop_id="w", title="W", programme="w")
        await ctx.runner.execute(workshop.DECIDER, workshop_stream("w"), create, HOST, "cw")
        head = await ctx.store.head()
        group = workshop.CreateGroup(group_id="g", name=name, board_id="gb")
        with pytest.raises(DomainError) as refused:
            await flows.create_group(ctx.runner, HOST, "w", group, "cg")
        assert refused.value.code == "invalid_name"
        assert await ctx.store.head() == head
    finally:
        await close_plenary(ctx)
