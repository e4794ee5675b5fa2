"""The composition root: ``create_app(settings)`` builds the store, runner, projections, routes.

Nothing is created at import time. The store opens (and migrates) when the app starts and
closes, after draining its writer, when the app stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp

from domain.errors import PlenaryError
from domain.recorded import RecordedEvent
from projections.base import Projection
from projections.board_view import BOARD_VIEW
from projections.programme import PROGRAMME
from projections.runner import ProjectionRunner
from projections.solution_timeline import SOLUTION_TIMELINE
from projections.timeline import BOARD_LANE
from service import files, http
from service.access.auth import Auth
from service.commands.rates import LimitCommandRates, Rates
from service.commands.runner import CommandRunner
from service.context import Plenary
from service.errors import http_error, plenary_error, validation_error
from service.http import pages
from service.http.headers import SecurityHeaders
from service.integrity.desk import AuditDesk
from service.integrity.sealing import Sealer
from service.live.hub import Hub
from service.live.notify import PgWakeups
from service.live.socket import board_socket
from service.privacy.erasure import Forgetting
from service.privacy.sealer import TextSealer
from service.privacy.store import PrivateStore
from service.readside.projector import Projector, ProjectorProcess
from service.readside.readmodels import SqlViewStore
from service.readside.reads import Reads, pseudonym_key
from service.readside.recent import RecentEvents
from service.settings import Settings

log = logging.getLogger("plenary")
PROJECTIONS: tuple[Projection[Any], ...] = (BOARD_VIEW, SOLUTION_TIMELINE, PROGRAMME, BOARD_LANE)
"""Every read model the service keeps, caught up by the projector and rebuilt by the CLI."""
WEB_CLIENT = Path(__file__).resolve().parent.parent / "web_client"


async def open_plenary(settings: Settings) -> Plenary:
    """Open the store and build everything that depends on it (also used by the CLI)."""
    files.private_folder(settings.data_dir)
    files.private_sqlite(settings.database_url)
    store = await PrivateStore.open(settings.database_url, schema=settings.database_schema)
    views = await SqlViewStore.for_store(store)
    recent = RecentEvents(store)
    if settings.projector == "inline":  # else the projector is another process: keep nothing
        store.add_event_listener(recent.remember)
    projector = Projector(
        [
            ProjectionRunner(projection, recent, views, offload=asyncio.to_thread)
            for projection in PROJECTIONS
        ]
    )
    runner = CommandRunner(store, snapshot_every=settings.snapshot_every)
    runner.seal = TextSealer(store, runner)
    store.on_erasure(Forgetting(store, runner, projector, recent))

    reads = Reads(store, runner, views, pseudonym_key(settings))
    hub = Hub(store, anonymity_of=reads.anonymity_of, pseudonym_key=reads.pseudonym_key)
    return Plenary(
        settings=settings,
        store=store,
        runner=runner,
        views=views,
        projector=projector,
        hub=hub,
        auth=Auth(settings, runner),
        rates=Rates(settings.limits),
        reads=reads,
        desk=AuditDesk(store, settings.data_dir, time.time),
    )


POLL_SECONDS = 5.0
"""How often a projector process looks for new events when no wake-up came."""


async def project_until_closed(
    database_url: str,
    schema: str | None,
    wakes: asyncio.StreamReader | None,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """The read models' own process: keep every projection caught up with the log.

    Catches up at start, after each byte read from ``wakes`` (the serving process sends one
    after commits) and every ``poll_seconds``. Returns when ``wakes`` reaches its end (the
    server closed the pipe, or died); without ``wakes``, runs until cancelled. Only the
    holder of the read models' lease projects: another instance's projector on the same
    database stands by, and tries again every ``poll_seconds``.
    """
    store = await PrivateStore.open(database_url, schema=schema, read_only=True)
    try:
        views = await SqlViewStore.for_store(store)
        projector = Projector([ProjectionRunner(p, store, views) for p in PROJECTIONS])
        store.on_erasure(Forgetting(store, None, projector))
        lease = views.lease()
        try:
            while True:
                if not lease.held:
                    if await lease.try_take():
                        projector.start()
                    else:
                        log.info("another projector keeps these read models; standing by")
                if wakes is None:
                    await asyncio.sleep(poll_seconds)
                else:
                    try:
                        async with asyncio.timeout(poll_seconds):
                            if not await wakes.read(4096):
                                return
                    except TimeoutError:
                        pass
                projector.wake()
        finally:
            await projector.stop()
            await lease.release()
            await views.close()
    finally:
        await store.close()


async def close_plenary(ctx: Plenary, sealer: Sealer | None = None) -> None:
    """Stop background work, seal the head (with a ``sealer``), drain and close the store."""
    await ctx.projector.stop()
    try:
        if sealer is not None:
            await sealer.close()
    finally:
        await ctx.views.close()
        await ctx.store.close()


class PlenaryApp(Starlette):
    """Starlette with the security headers outermost, so that even the answer to an error
    nothing else handled (a 500 from Starlette's own error middleware) carries them."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings) -> Starlette:
    """The Plenary ASGI app for ``settings``."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ctx = await open_plenary(settings)
        app.state.plenary = ctx

        background = (
            ProjectorProcess.for_database(settings.database_url, settings.database_schema)
            if settings.projector == "process"
            else None
        )
        app.state.projector_process = background
        wake_projector = ctx.projector.wake if background is None else background.wake

        def deliver(committed: list[RecordedEvent]) -> None:
            ctx.hub.deliver(committed)
            wake_projector()

        sealer = Sealer(ctx.store, settings.data_dir)

        def wake(_stream_id: str, _version: int, _position: int) -> None:
            wake_projector()
            sealer.wake()

        unsubscribe = ctx.store.add_listener(wake)
        unsubscribe_events = ctx.store.add_event_listener(ctx.hub.deliver)
        others = PgWakeups(ctx.store, settings.database_url, deliver) if ctx.store.channel else None
        if others is not None:
            await others.start()
        if background is None:
            ctx.projector.start()
        else:
            await background.start()
        ctx.hub.start()
        await sealer.start()
        try:
            yield
        finally:
            if others is not None:
                await others.stop()
            unsubscribe()
            unsubscribe_events()
            if background is not None:
                await background.stop()
            await ctx.hub.stop()
            await close_plenary(ctx, sealer)

    routes = [
        *http.routes(),
        WebSocketRoute("/ws/boards/{board_id}", board_socket),
        *pages.routes(WEB_CLIENT),
    ]
    return PlenaryApp(
        routes=routes,
        middleware=[Middleware(LimitCommandRates)],
        lifespan=lifespan,
        exception_handlers={
            HTTPException: http_error,
            PlenaryError: plenary_error,
            msgspec.ValidationError: validation_error,
            msgspec.DecodeError: validation_error,
        },
    )
