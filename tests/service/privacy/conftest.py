"""A ``PrivateStore`` on each backend's fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from service.privacy.store import PrivateStore
from tests.conftest import StoreLocation


@pytest.fixture
async def private(store_location: StoreLocation) -> AsyncIterator[PrivateStore]:
    """An open, empty ``PrivateStore``; closed after the test."""
    opened = await PrivateStore.open(store_location.url, schema=store_location.schema)
    try:
        yield opened
    finally:
        await opened.close()
