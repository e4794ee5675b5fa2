"""Process-wide tuning belongs to ``plenary serve``'s own process, never to the app: an app run
inside another process (tests, a benchmark, an embedding) leaves the interpreter as it found it."""

from __future__ import annotations

import asyncio
import gc
import sys

from starlette.testclient import TestClient

from service.app import create_app
from service.server import ServingProcess, config
from service.settings import Settings
from tests.waiting import until


def test_the_app_leaves_the_interpreter_as_it_found_it(app_settings: Settings) -> None:
    interval, callbacks = sys.getswitchinterval(), list(gc.callbacks)
    with TestClient(create_app(app_settings)) as client:
        assert client.get("/api/health").status_code == 200
        assert sys.getswitchinterval() == interval
        assert gc.callbacks == callbacks
    assert sys.getswitchinterval() == interval


async def test_the_serving_process_freezes_survivors_while_it_serves(
    app_settings: Settings,
) -> None:
    server = ServingProcess(config(app_settings, port=0, log_level="warning"))
    before = len(gc.callbacks)
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started, within=30, what="uvicorn starts serving")
        assert server.collector is not None
        assert len(gc.callbacks) == before + 1
    finally:
        server.should_exit = True
        await serving
    assert len(gc.callbacks) == before
