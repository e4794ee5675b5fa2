"""The HTTP API: its endpoints (``ENDPOINTS``: one declaration each, ``service.http.endpoints``)
and the middleware every request passes (security headers, command rates)."""

from __future__ import annotations

from starlette.routing import Route

from service.http import (
    audit,
    boards,
    catchup,
    console,
    meta,
    openapi,
    organisers,
    people,
    prework,
    reports,
    templates,
    tracks,
    workshops,
)
from service.http.endpoints import Endpoint

ENDPOINTS: tuple[Endpoint, ...] = (
    *meta.ENDPOINTS,
    *people.SESSIONS,
    *organisers.ENDPOINTS,
    *people.ENDPOINTS,
    *workshops.ENDPOINTS,
    *catchup.ENDPOINTS,
    *console.ENDPOINTS,
    *boards.ENDPOINTS,
    *tracks.ENDPOINTS,
    *audit.ENDPOINTS,
    *reports.ENDPOINTS,
    *prework.ENDPOINTS,
    *templates.ENDPOINTS,
    *openapi.ENDPOINTS,
)
"""Every endpoint of the HTTP API."""


def routes() -> list[Route]:
    """Starlette's routes for ``ENDPOINTS``."""
    return [endpoint.route() for endpoint in ENDPOINTS]
