"""The demo programme on SQLite, for tests of the whole HTTP API: settings for an app on it and
tokens of its people (and a forged one)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from service.access.auth import Auth
from service.app import close_plenary, open_plenary
from service.commands.limits import Limits
from service.settings import Settings
from service.tools import demo


@dataclass(frozen=True)
class Seeded:
    """The demo, seeded, and tokens of its people."""

    demo: demo.Demo
    facilitator: str
    """A session of the challenges workshop's facilitator."""
    organiser: str
    """A working session of the organiser who owns the demo programme."""
    forged: str
    """The facilitator's session signed with another secret."""


def demo_settings(tmp_path: Path) -> Settings:
    """Settings for an app on a SQLite file in ``tmp_path``; a person's commands unlimited."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'events.db'}",
        secret=b"test-secret-not-for-production",
        data_dir=tmp_path / "var",
        projector="inline",
        limits=Limits(person_rate=1e6, person_burst=1_000_000),
    )


async def seed_demo(settings: Settings) -> Seeded:
    """Seed the demo into ``settings``' database (before an app opens it)."""
    ctx = await open_plenary(settings)
    try:
        seeded = await demo.seed(ctx)
        auth = ctx.auth
        facilitator = auth.claims("session", seeded.facilitator, seeded.workshop_id)
        other = dataclasses.replace(settings, secret=b"another-secret-not-this-service's")
        return Seeded(
            demo=seeded,
            facilitator=auth.token(facilitator),
            organiser=auth.token(auth.claims("organiser", seeded.organiser)),
            forged=Auth(other, ctx.runner).token(facilitator),
        )
    finally:
        await close_plenary(ctx)
