"""Fixtures for the service: settings for a real app on each backend's fresh database."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings
from tests.conftest import StoreLocation


@pytest.fixture
def app_settings(store_location: StoreLocation, tmp_path: Path) -> Settings:
    """Settings for ``create_app`` on the test's empty database, data folder in ``tmp_path``."""
    return Settings(
        database_url=store_location.url,
        database_schema=store_location.schema,
        secret=b"test-secret-not-for-production",
        data_dir=tmp_path / "var",
        projector="inline",  # tests drive or wake the projector on the app's own loop
    )
