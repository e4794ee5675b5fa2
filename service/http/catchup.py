"""``GET /api/workshops/{id}/summary``: what happened in the workshop, for anyone in it who
missed it (``service.readside.catchup``), cut for the person asking as every read is."""

from __future__ import annotations

from service.http.endpoints import Call, Endpoint
from service.readside.catchup import WorkshopSummary, workshop_summary


async def summary(call: Call[None]) -> WorkshopSummary:
    """What happened: the agenda, what each board found, rounds and decisions, what came into
    the plenary, the tracks started, and every board's timeline, each step at its version."""
    claims = call.claims
    return await workshop_summary(call.ctx, claims.wid, call.viewer, claims.board)


ENDPOINTS = (
    Endpoint(
        "GET",
        "/api/workshops/{workshop_id}/summary",
        summary,
        WorkshopSummary,
        errors=("workshop_not_found",),
    ),
)
