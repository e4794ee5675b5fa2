"""The command runner and projections against a real SQLite store, driven by hypothesis.

Random command sequences (valid and invalid, several authors) go through the runner with
snapshots every few versions; then the stored read model, a full rebuild, time travel at
every version and the runner's own state must all agree with a plain fold of the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import board
from domain.actor import Actor
from domain.errors import DomainError
from domain.streams import board_stream
from projections.base import fold
from projections.board_view import BOARD_VIEW
from service.app import close_plenary, open_plenary
from service.context import Plenary
from service.settings import Settings
from tests.factories import command_scripts
from tests.service.seed import create_workshop_and_board

HOST = Actor(id="host", role="facilitator", name="Host")


async def _open(directory: Path) -> Plenary:
    ctx = await open_plenary(
        Settings(
            database_url=f"sqlite+aiosqlite:///{directory / 'p.db'}",
            secret=b"s",
            data_dir=directory,
            snapshot_every=3,
        )
    )
    await create_workshop_and_board(ctx, HOST)
    return ctx


async def _run(script: list[tuple[board.Command, Actor]], directory: Path) -> None:
    ctx = await _open(directory)
    try:
        for index, (command, actor) in enumerate(script):
            with contextlib.suppress(DomainError):
                await ctx.runner.execute(
                    board.DECIDER, board_stream("b"), command, actor, f"op-{index}"
                )
            if index % 4 == 0:
                await ctx.projector.catch_up()  # the live projection, fed in uneven steps
        await ctx.projector.catch_up()
        await _check(ctx)
    finally:
        await close_plenary(ctx)


async def _check(ctx: Plenary) -> None:
    recorded = await ctx.store.read_stream(board_stream("b"))
    assert [r.version for r in recorded] == list(range(1, len(recorded) + 1))

    stored = BOARD_VIEW.decode((await ctx.views.load_views(BOARD_VIEW.name, ["b"]))["b"])
    assert stored == fold(BOARD_VIEW, "b", recorded)
    await ctx.projector.runners[0].rebuild()
    rebuilt = BOARD_VIEW.decode((await ctx.views.load_views(BOARD_VIEW.name, ["b"]))["b"])
    assert rebuilt == stored

    fresh = type(ctx.runner)(ctx.store, snapshot_every=3)  # no memory: snapshots + tail
    for n in range(1, len(recorded) + 1):
        at_n = await ctx.reads.board_view("b", at_most_version=n)
        assert at_n == fold(BOARD_VIEW, "b", recorded[:n])
        loaded = await fresh.load(board.DECIDER, board_stream("b"), at_most_version=n)
        assert loaded.version == n
        assert msgspec.json.encode(loaded.state) == msgspec.json.encode(
            board.DECIDER.fold_recorded(recorded[:n])
        )
    now = await ctx.runner.load(board.DECIDER, board_stream("b"))
    assert now.state == board.DECIDER.fold_recorded(recorded)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_runner_store_and_projections_agree(data: st.DataObject) -> None:
    script = data.draw(command_scripts())
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(_run(list(script), Path(directory)))
