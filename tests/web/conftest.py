"""Browser fixtures: a real Plenary on a loopback port and Debian's Chromium via Playwright.

The server and the async Playwright API share the test's event loop, so there is no thread
to coordinate. Chromium is never downloaded: a missing ``/usr/bin/chromium`` skips these
tests loudly, or fails them when ``PLENARY_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import APIRequestContext, Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from starlette.applications import Starlette

from service.commands.limits import Limits
from service.context import Plenary
from service.server import config, listening_socket
from service.settings import Settings
from tests.service.people import organiser_token
from tests.waiting import until

CHROMIUM = Path(os.environ.get("PLENARY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
START_TIMEOUT = 15.0


def require_chromium() -> Path:
    """The Chromium binary, or a loud skip (a failure when ``PLENARY_REQUIRE_BROWSER=1``)."""
    if CHROMIUM.exists():
        return CHROMIUM
    reason = (
        f"BROWSER NOT TESTED: {CHROMIUM} is missing. Install Debian's chromium package "
        "(never `playwright install`); PLENARY_REQUIRE_BROWSER=1 makes this fail."
    )
    if os.environ.get("PLENARY_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """Plenary on a fixed loopback port; ``restart()`` keeps the port and the database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url = settings.base_url
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def ctx(self) -> Plenary:
        """The running app's composition root (to seed data as the demo does)."""
        assert self._server is not None
        app = self._server.config.app
        assert isinstance(app, Starlette)
        ctx: Plenary = app.state.plenary
        return ctx

    async def start(self) -> None:
        server = uvicorn.Server(config(self.settings, log_level="warning"))
        listening = listening_socket(self.settings.host, self.settings.port)
        task = asyncio.create_task(server.serve(sockets=[listening]))

        async def up() -> bool:
            if task.done():
                await task
                raise RuntimeError("the server stopped before it started")
            return server.started

        await until(up, within=START_TIMEOUT, what="the server starts")
        self._server, self._task = server, task

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        async with asyncio.timeout(START_TIMEOUT):
            await self._task
        self._server = self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture
def chromium() -> Path:
    return require_chromium()


@pytest.fixture
def limits() -> Limits:
    """The service's limits in browser tests: the defaults (a module may override this)."""
    return Limits()


@pytest.fixture
async def served(tmp_path: Path, chromium: Path, limits: Limits) -> AsyncIterator[Served]:
    """A started server on SQLite in ``tmp_path`` whose Origin allow-list is its own URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        secret=b"test-secret-for-browser-tests",
        host="127.0.0.1",
        port=port,
        allowed_origins=(base,),
        data_dir=tmp_path / "var",
        limits=limits,
    )
    served = Served(settings)
    await served.start()
    try:
        yield served
    finally:
        await served.stop()


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Http:
    """The HTTP API through Playwright's request context (no extra client library)."""

    def __init__(self, request: APIRequestContext) -> None:
        self.request = request

    async def post(self, path: str, body: object, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.request.post(path, data=body, headers=headers)
        assert response.ok, f"{path}: {response.status} {await response.text()}"
        return await response.json()

    async def get(self, path: str, token: str) -> Any:
        response = await self.request.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.ok, f"{path}: {response.status} {await response.text()}"
        return await response.json()


@asynccontextmanager
async def http_client(base_url: str) -> AsyncIterator[Http]:
    async with async_playwright() as pw:
        request = await pw.request.new_context(base_url=base_url)
        try:
            yield Http(request)
        finally:
            await request.dispose()


@pytest.fixture
async def http(served: Served) -> AsyncIterator[Http]:
    async with http_client(served.base_url) as client:
        yield client


class Workshop:
    """A workshop with one board, and invites to it."""

    def __init__(self, http: Http, base_url: str, workshop: Any, board: Any) -> None:
        self.http = http
        self.base_url = base_url
        self.id: str = workshop["id"]
        self.facilitator: str = workshop["facilitator_token"]
        self.board_id: str = board["id"]

    async def invite(self, role: str, name: str) -> str:
        answer = await self.http.post(
            f"/api/workshops/{self.id}/invites", {"role": role, "name": name}, self.facilitator
        )
        token: str = answer["token"]
        return token

    def board_url(self, token: str) -> str:
        return f"{self.base_url}/b/{self.board_id}#token={token}"

    async def command(self, token: str, command: dict[str, object], command_id: str) -> Any:
        return await self.http.post(
            f"/api/boards/{self.board_id}/commands",
            {"command_id": command_id, "command": command},
            token,
        )

    async def view(self) -> Any:
        return await self.http.get(f"/api/boards/{self.board_id}", self.facilitator)


@pytest.fixture
async def workshop(http: Http, served: Served) -> Workshop:
    organiser = await organiser_token(served.ctx, "Ana")
    created = await http.post(
        "/api/workshops", {"title": "Browser workshop", "facilitator_name": "Ana"}, organiser
    )
    board = await http.post(
        f"/api/workshops/{created['id']}/boards",
        {"title": "Breakout A"},
        created["facilitator_token"],
    )
    return Workshop(http, served.base_url, created, board)


async def wait_for(page: Page, expression: str, seconds: float = 8.0) -> None:
    """Wait until ``expression`` is true in ``page``. Playwright's ``wait_for_function`` polls
    with ``eval`` inside the page, which the service's Content-Security-Policy forbids, as it
    should; ``page.evaluate`` goes through the DevTools protocol, which the policy leaves be."""

    async def holds() -> bool:
        try:
            return bool(await page.evaluate(expression))
        except PlaywrightError as exc:  # the page is navigating: ask the next one
            if "context was destroyed" not in str(exc):
                raise
            return False

    await until(holds, within=seconds, what=f"the page shows {expression}", every=0.02)


async def open_board(browser: Browser, url: str) -> Page:
    """A page in its own context (its own sessionStorage) showing the board live."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(8000)
    await page.goto(url)
    await wait_for(page, "window.plenary && window.plenary.status() === 'live'")
    return page
