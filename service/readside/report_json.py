"""The workshop report as JSON: what the Markdown report says (``service.readside.report``),
as data for other tools. Its shape is in ``docs/api.md``, "Exports": the workshop's facts and
agenda, each board as its JSON export gives it to the reader (the plenary first), and the
solution tracks started from the decisions the reader sees, as ``GET /api/tracks/{id}``
gives them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from domain.agenda import AgendaItem
from projections.solution_timeline import SolutionTimeline
from projections.visibility import Viewer
from service.context import Plenary
from service.readside.export import board_data
from service.readside.report import tracks_from, workshop_views

_encoder = msgspec.json.Encoder()


class WorkshopFacts(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    date: str | None
    agenda: tuple[AgendaItem, ...]
    groups: int
    """How many breakout groups it has."""


class WorkshopReport(msgspec.Struct, frozen=True, kw_only=True):
    """The report as data (``docs/api.md``, "Exports")."""

    workshop: WorkshopFacts
    boards: list[dict[str, Any]]
    """Each board as its JSON export: the board view as the reader may see it, plus
    ``people`` (shown id → name)."""
    tracks: list[SolutionTimeline]


async def workshop_report_json(ctx: Plenary, workshop_id: str, viewer: Viewer) -> str:
    """The report of ``workshop_id`` as ``viewer`` may see it, as indented JSON (a
    ``WorkshopReport``); ``NotFound`` if there is no such workshop."""
    state = await ctx.reads.workshop_state(workshop_id)
    views = await workshop_views(ctx, workshop_id)
    report = WorkshopReport(
        workshop=WorkshopFacts(
            id=workshop_id,
            title=state.title,
            kind=state.kind,
            date=state.date,
            agenda=state.agenda,
            groups=len(state.groups),
        ),
        boards=[await board_data(ctx, view, viewer) for view in views],
        tracks=[await ctx.reads.track_view(track_id) for track_id in tracks_from(views, viewer)],
    )
    return msgspec.json.format(_encoder.encode(report), indent=2).decode() + "\n"
