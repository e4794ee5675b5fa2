"""How Plenary runs under uvicorn: one place for the server's settings (CLI and tests)."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from service.app import create_app
from service.collector import FreezeSurvivors
from service.settings import Settings

_CREDENTIAL = re.compile(r"((?:token|ticket)=)[^&\s\"']+", re.IGNORECASE)


class RedactCredentials(logging.Filter):
    """Blanks ``token=…`` and ``ticket=…`` in what uvicorn logs (request lines hold the query).

    Plenary's own clients never put a lasting token in a URL (the socket takes a one-use
    ticket, links carry theirs in the fragment), but a hand-made URL may: it never reaches a
    log either way.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _CREDENTIAL.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _CREDENTIAL.sub(r"\1[redacted]", record.msg)
        return True


def redact_server_logs() -> None:
    """Keep credentials out of uvicorn's request logs (idempotent)."""
    for name in ("uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCredentials) for f in logger.filters):
            logger.addFilter(RedactCredentials())


SEND_BUFFER = 64 * 1024
"""The kernel's send buffer for each accepted connection (Linux doubles it to 128 KiB). Left
to itself it grows to megabytes, which a client that stops reading silently absorbs: the
server's own queue then never grows, and the client is never found to be behind."""
USER_TIMEOUT = 30.0
"""Seconds sent data may stay unacknowledged, or unsent behind a shut TCP window, before the
kernel drops the connection: it lets go of a client that reads nothing, not even the close
frame, which closing the socket alone would wait on for ever."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (0: a free one) for uvicorn to serve; the
    connections it accepts inherit ``SEND_BUFFER`` and ``USER_TIMEOUT``."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        if hasattr(socket, "TCP_USER_TIMEOUT"):  # Linux
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(USER_TIMEOUT * 1000))
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def config(
    settings: Settings, *, port: int | None = None, log_level: str = "info"
) -> uvicorn.Config:
    """uvicorn's config: WebSocket frames within the limit (64 KiB), no per-message deflate,
    pings on, and no credential in its logs."""
    server_config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port if port is None else port,
        log_level=log_level,
        ws_max_size=settings.limits.frame_bytes,
        ws_per_message_deflate=False,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        proxy_headers=False,
        server_header=False,
    )
    redact_server_logs()  # after the Config, which (re)configures uvicorn's loggers
    return server_config


@asynccontextmanager
async def started(
    settings: Settings, *, port: int = 0, log_level: str = "warning"
) -> AsyncIterator[uvicorn.Server]:
    """Serve ``settings`` in this event loop (port 0: a free one); yields the started server.

    The server stops (gracefully) when the block ends. Used by tests and benchmarks.
    """
    server = uvicorn.Server(config(settings, port=port, log_level=log_level))
    task = asyncio.create_task(server.serve(sockets=[listening_socket(settings.host, port)]))
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


SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the GIL while another waits for it (Python's default: 0.005)."""


class ServingProcess(uvicorn.Server):
    """uvicorn as ``plenary serve`` runs it, in a process of its own tuned for many live
    sockets: what is alive once it has started, and what survives each full collection, is kept
    out of later full collections, whose pause would stall every socket (``service.collector``).
    Tests and benchmarks that run the app inside their own process use plain ``uvicorn.Server``.
    """

    collector: FreezeSurvivors | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.collector = FreezeSurvivors()
        self.collector.start()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.collector is not None:
            self.collector.close()
        await super().shutdown(sockets)


def serve(settings: Settings, log_level: str = "info") -> None:
    """``plenary serve``: tune this process, then serve ``settings`` until stopped.

    The store's writer and aiosqlite (and an inline projector's fold) run on threads: a thread
    that wants the GIL back from a busy loop, or the loop from them, waits up to the switch
    interval, several times per command (``docs/benchmarks.md``); this process shortens it.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    sockets = [listening_socket(settings.host, settings.port)]  # what each connection buffers
    ServingProcess(config(settings, log_level=log_level)).run(sockets=sockets)


def base_url(server: uvicorn.Server) -> str:
    """Where a started ``server`` listens: ``http://host:port``."""
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


@asynccontextmanager
async def running(settings: Settings, *, log_level: str = "warning") -> AsyncIterator[str]:
    """Serve ``settings`` on a free loopback port in this event loop; yields the base URL."""
    async with started(settings, log_level=log_level) as server:
        yield base_url(server)
