"""Erasing a person (GDPR art. 17): their key goes, so every copy of what they wrote, in every
stream, reads "(erased)"; and every process forgets what it holds in the clear.

``erase`` is the command: it drops the key *before* the ``person.erased`` event is recorded, so
whoever reads that event (a projector rebuilding, another instance) finds the key gone. Each
process then reacts when it first reads the event (``PrivateStore.on_erasure``, ``Forgetting``):
its key cache, its runner's states, its recent events, its snapshots and its read models.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from domain import organisers, workshop
from domain.actor import Actor
from domain.errors import Forbidden, PlenaryError
from domain.streams import ORGANISERS_STREAM, workshop_stream
from projections.base import Projection
from service.commands.runner import CommandRunner, Outcome
from service.context import Plenary
from service.privacy.store import PrivateStore
from service.readside.projector import Projector
from service.readside.readmodels import SqlViewStore
from service.readside.recent import RecentEvents

log = logging.getLogger("plenary.privacy")


async def erase(
    ctx: Plenary, actor: Actor, workshop_id: str, person_id: str, command_id: str
) -> Outcome:
    """Erase ``person_id`` of ``workshop_id`` as ``actor`` (a facilitator, or the operator).

    Raises what the workshop decider raises (``forbidden``, ``workshop_not_found``,
    ``unknown_participant``, ``cannot_erase_self``) before anything is dropped. Returns once
    the key is gone, the event recorded, and this process's snapshots and read models reset.
    """
    command = workshop.ErasePerson(actor_id=person_id)
    state = await ctx.reads.workshop_state(workshop_id)
    workshop.decide(state, command, actor)  # refuse before a key is dropped for good
    await ctx.store.keys.shred(person_id)
    outcome = await ctx.runner.execute(
        workshop.DECIDER, workshop_stream(workshop_id), command, actor, command_id
    )
    await reset_views(ctx.views, [runner.projection for runner in ctx.projector.runners])
    await ctx.store.drop_snapshots()
    return outcome


async def refuse_organiser(ctx: Plenary, person_id: str) -> None:
    """Refuse to let a workshop's facilitator erase an organiser, whose name and texts span
    other workshops: the operator does that (``plenary erase``)."""
    everyone = (await ctx.runner.load(organisers.DECIDER, ORGANISERS_STREAM)).state
    if person_id in everyone.organisers:
        raise Forbidden(
            "An organiser works across workshops: the operator erases them (plenary erase).",
            code="forbidden",
        )


async def reset_views(views: SqlViewStore, projections: Sequence[Projection[Any]]) -> None:
    """Drop every view of ``projections``: readers fold whole streams until they are rebuilt."""
    for projection in projections:
        await views.reset(projection.name)


class Forgetting:
    """What one process does when it first reads an erasure: nothing it holds in memory or
    in its caches may show the person's texts again. Registered with ``store.on_erasure``."""

    def __init__(
        self,
        store: PrivateStore,
        runner: CommandRunner | None,
        projector: Projector,
        recent: RecentEvents | None = None,
    ) -> None:
        self.store = store
        self.runner = runner
        self.projector = projector
        self.recent = recent
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, person_ids: list[str]) -> None:
        log.info("erased: %s; forgetting what this process holds", ", ".join(person_ids))
        if self.runner is not None:
            self.runner.forget()
        if self.recent is not None:
            self.recent.forget()
        self.projector.rebuild_soon()
        if self.runner is not None:  # a process that writes: its snapshots go too
            task = asyncio.get_running_loop().create_task(self._drop_snapshots())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drop_snapshots(self) -> None:
        try:
            await self.store.drop_snapshots()
        except PlenaryError:
            log.exception("could not delete the snapshots after an erasure")
