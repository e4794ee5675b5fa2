"""How Plenary runs under uvicorn: one place for the server's settings (CLI and tests)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from service.app import create_app
from service.settings import Settings

WS_MAX_FRAME = 64 * 1024


def config(
    settings: Settings, *, port: int | None = None, log_level: str = "info"
) -> uvicorn.Config:
    """uvicorn's config: WebSocket frames ≤ 64 KiB, no per-message deflate, pings on."""
    return uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port if port is None else port,
        log_level=log_level,
        ws_max_size=WS_MAX_FRAME,
        ws_per_message_deflate=False,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        proxy_headers=False,
        server_header=False,
    )


@asynccontextmanager
async def started(
    settings: Settings, *, port: int = 0, log_level: str = "warning"
) -> AsyncIterator[uvicorn.Server]:
    """Serve ``settings`` in this event loop (port 0: a free one); yields the started server.

    The server stops (gracefully) when the block ends. Used by tests and benchmarks.
    """
    server = uvicorn.Server(config(settings, port=port, log_level=log_level))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                if task.done():
                    await task
                    raise RuntimeError("the server stopped before it started")
                await asyncio.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def running(settings: Settings, *, log_level: str = "warning") -> AsyncIterator[str]:
    """Serve ``settings`` on a free loopback port in this event loop; yields the base URL."""
    async with started(settings, log_level=log_level) as server:
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{settings.host}:{port}"
