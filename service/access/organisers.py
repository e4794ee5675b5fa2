"""The operator's side of organisers (``plenary organiser …``): add, list, remove, and the
sign-in links that let an organiser in."""

from __future__ import annotations

from domain import organisers
from domain.actor import Actor
from domain.streams import ORGANISERS_STREAM
from service.access.auth import operator
from service.context import Plenary
from service.ids import new_id


async def add(ctx: Plenary, name: str, organiser_id: str | None = None) -> Actor:
    """Record a new organiser called ``name``; the organiser, as they act."""
    organiser = Actor(id=organiser_id or new_id(), role="organiser", name=name)
    command = organisers.AddOrganiser(organiser_id=organiser.id, name=name)
    await ctx.runner.execute(organisers.DECIDER, ORGANISERS_STREAM, command, operator(), new_id())
    return organiser


async def remove(ctx: Plenary, organiser_id: str) -> None:
    """Take ``organiser_id``'s rights away: their sign-in links and sessions stop working."""
    command = organisers.RemoveOrganiser(organiser_id=organiser_id)
    await ctx.runner.execute(organisers.DECIDER, ORGANISERS_STREAM, command, operator(), new_id())


async def active(ctx: Plenary) -> dict[str, str]:
    """Every organiser who was not removed: id → name."""
    state = (await ctx.runner.load(organisers.DECIDER, ORGANISERS_STREAM)).state
    return {oid: ref.name for oid, ref in state.organisers.items() if not ref.removed}


def signin_link(ctx: Plenary, organiser: Actor) -> str:
    """A link that signs ``organiser`` in on the home page (it expires; see Settings)."""
    return ctx.auth.url(ctx.auth.claims("signin", organiser), "/")
