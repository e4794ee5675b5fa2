"""Fixtures for the service: settings for a real app on each backend's fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from service import server as server_module
from service.commands.limits import Limits
from service.settings import Settings
from tests.conftest import StoreLocation
from tests.service.live import Live, live_server

UNTHROTTLED = Limits(
    connection_rate=1e6, connection_burst=1_000_000, person_rate=1e6, person_burst=1_000_000
)
"""The default limits but for commands a second: tests send them as fast as they can.
``test_limits.py`` runs the default rates."""


@pytest.fixture
def app_settings(store_location: StoreLocation, tmp_path: Path) -> Settings:
    """Settings for ``create_app`` on the test's empty database, data folder in ``tmp_path``."""
    return Settings(
        database_url=store_location.url,
        database_schema=store_location.schema,
        secret=b"test-secret-not-for-production",
        data_dir=tmp_path / "var",
        projector="inline",  # tests drive or wake the projector on the app's own loop
        limits=UNTHROTTLED,
    )


@pytest.fixture
async def live(app_settings: Settings) -> AsyncIterator[Live]:
    """A running server on ``app_settings`` with a facilitator's workshop and board."""
    async with live_server(app_settings) as server:
        yield server


@pytest.fixture
def apps(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The apps of the servers the test starts from now on (to look at their hubs)."""
    started: list[Any] = []
    create = server_module.create_app  # type: ignore[attr-defined]

    def capturing(settings: Settings) -> Any:
        app = create(settings)
        started.append(app)
        return app

    monkeypatch.setattr(server_module, "create_app", capturing)
    return started
