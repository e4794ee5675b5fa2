"""``/api/health``: the store's epoch and head, a cheap liveness and readiness probe."""

from __future__ import annotations

from service.http import answers
from service.http.endpoints import Call, Endpoint


async def health(call: Call[None]) -> answers.Health:
    """The store's epoch, backend and head position."""
    ctx = call.ctx
    head = await ctx.store.head()
    return answers.Health(
        ok=True, epoch=ctx.store.epoch, backend=ctx.store.backend, head=head.position
    )


ENDPOINTS = (Endpoint("GET", "/api/health", health, answers.Health, credential=None),)
