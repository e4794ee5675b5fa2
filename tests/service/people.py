"""Getting in, for tests: an organiser (as the operator adds one) and their session token."""

from __future__ import annotations

from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from domain.actor import Actor
from service.access import organisers
from service.context import Plenary


async def organiser_token(ctx: Plenary, name: str = "Oda") -> str:
    """A new organiser's working session token (what their sign-in link is exchanged for)."""
    who = await organisers.add(ctx, name)
    return ctx.auth.token(ctx.auth.claims("organiser", who))


def organiser_headers(client: TestClient, name: str = "Oda") -> dict[str, str]:
    """``Authorization`` for a new organiser, on the app a started ``TestClient`` serves."""
    app: Any = client.app
    ctx: Plenary = app.state.plenary
    assert client.portal is not None, "start the TestClient first (with TestClient(...) as c)"
    token = client.portal.call(organiser_token, ctx, name)
    return {"Authorization": f"Bearer {token}"}


def plenary_of(server: uvicorn.Server) -> Plenary:
    """The composition root of a started server (``service.server.started``)."""
    app = server.config.app
    assert isinstance(app, Starlette)
    ctx: Plenary = app.state.plenary
    return ctx


def session_token(ctx: Plenary, actor: Actor, workshop_id: str, board: str | None = None) -> str:
    """A working session for ``actor`` in ``workshop_id`` (as after joining or signing in)."""
    return ctx.auth.token(ctx.auth.claims("session", actor, workshop_id, board=board))
