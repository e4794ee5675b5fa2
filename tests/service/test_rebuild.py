"""Rebuilding every read model in one pass (``service/readside/rebuild.py``) stores exactly
what each projection rebuilt on its own stores: on SQLite and PostgreSQL, with sealed texts
opened and an erased person's read as erased, through small pages, several saves and views
taken out of memory and loaded back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from domain import board
from domain.streams import board_stream
from projections.runner import ProjectionRunner
from service.app import PROJECTIONS, close_plenary, open_plenary
from service.context import Plenary
from service.privacy import erasure, marker
from service.readside.readmodels import SqlViewStore
from service.readside.rebuild import rebuild_all
from service.settings import Settings
from service.store.schema import read_models
from tests.service.privacy import scenario

Stored = dict[str, tuple[tuple[int, int] | None, dict[str, bytes]]]


@pytest.fixture
async def ctx(app_settings: Settings) -> AsyncIterator[Plenary]:
    """The privacy scenario's workshop, Pia erased, then one more note (by Fay)."""
    opened = await open_plenary(app_settings)
    try:
        await scenario.seed(opened)
        await erasure.erase(opened, scenario.FAY, scenario.W, scenario.PIA.id, "erase-pia")
        late = board.AddNote(note_id="late", text="A late note", x=1, y=1)
        stream = board_stream(scenario.NAMED)
        await opened.runner.execute(board.DECIDER, stream, late, scenario.FAY, "late-note")
        yield opened
    finally:
        await close_plenary(opened)


async def _stored(views: SqlViewStore) -> Stored:
    found: Stored = {}
    for projection in PROJECTIONS:
        query = sa.select(read_models.c.key, read_models.c.data)
        async with views.engine.connect() as conn:
            rows = (
                await conn.execute(query.where(read_models.c.projection == projection.name))
            ).all()
        found[projection.name] = (
            await views.checkpoint(projection.name),
            {str(key): bytes(data) for key, data in rows},
        )
    return found


async def test_one_pass_stores_what_each_projection_alone_stores(ctx: Plenary) -> None:
    for projection in PROJECTIONS:
        await ProjectionRunner(projection, ctx.store, ctx.views, batch_size=7).rebuild()
    alone = await _stored(ctx.views)
    head = (await ctx.store.head()).position

    seen: list[int] = []
    position = await rebuild_all(
        PROJECTIONS, ctx.store, ctx.views, page=3, save_every=1, keep=1, progress=seen.append
    )

    assert position == head
    assert seen[-1] == head
    shared = await _stored(ctx.views)
    assert shared == alone
    texts = b"".join(data for _, views in shared.values() for data in views.values())
    assert scenario.BEN_NOTE.encode() in texts  # sealed, opened
    assert b"A late note" in texts
    assert marker.ERASED.encode() in texts
    assert not any(text.encode() in texts for text in scenario.PIA_TEXTS)
    assert marker.MARK not in texts
    assert {name: checkpoint for name, (checkpoint, _) in shared.items()} == {
        p.name: (p.version, head) for p in PROJECTIONS
    }


async def test_the_projector_rebuilds_to_what_catching_up_stored(ctx: Plenary) -> None:
    await ctx.projector.catch_up()
    caught_up = await _stored(ctx.views)

    assert await ctx.projector.rebuild() == (await ctx.store.head()).position

    assert await _stored(ctx.views) == caught_up
