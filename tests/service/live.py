"""A live Plenary for socket tests: a real server on a loopback port with a facilitator's
workshop and board, reached over HTTP and the board WebSocket. Every wait is bounded."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from websockets.exceptions import ConnectionClosed

from service.context import Plenary
from service.ids import new_id
from service.live.hub import Hub
from service.server import base_url, started
from service.settings import Settings
from service.tools.client import BoardClient, socket_url
from tests.service.people import organiser_token, plenary_of
from tests.waiting import until

JSON = dict[str, Any]
WAIT = 10.0
"""Seconds any single wait may take before the test fails."""


def add(note_id: str | None = None, text: str = "Parents still drive into school streets") -> JSON:
    return {"type": "note.add", "note_id": note_id or new_id(), "text": text, "x": 10, "y": 20}


@dataclass
class Live:
    """A running server with a facilitator's workshop and board, reached over HTTP and WS."""

    url: str
    http: httpx2.AsyncClient
    workshop_id: str
    token: str
    board_id: str
    ctx: Plenary
    organiser: str

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    async def invite(self, role: str, **extra: object) -> str:
        answer = await self.http.post(
            f"/api/workshops/{self.workshop_id}/invites",
            json={"role": role, **extra},
            headers=self.headers(),
        )
        assert answer.status_code == 201, answer.text
        token: str = answer.json()["token"]
        return token

    async def new_board(self, title: str = "Breakout B") -> str:
        answer = await self.http.post(
            f"/api/workshops/{self.workshop_id}/boards",
            json={"title": title},
            headers=self.headers(),
        )
        assert answer.status_code == 201, answer.text
        board_id: str = answer.json()["id"]
        return board_id

    async def events(self, board_id: str | None = None) -> list[JSON]:
        """Every recorded event of the board, read over HTTP."""
        board_id = board_id or self.board_id
        found: list[JSON] = []
        while True:
            answer = await self.http.get(
                f"/api/boards/{board_id}/events",
                params={"after": len(found), "limit": 5000},
                headers=self.headers(),
            )
            assert answer.status_code == 200, answer.text
            page: list[JSON] = answer.json()["events"]
            if not page:
                return found
            found.extend(page)

    async def ws_url(self, token: str | None = None, board_id: str | None = None) -> str:
        """A socket URL with a fresh ticket for ``token``'s holder."""
        return await socket_url(self.url, board_id or self.board_id, token or self.token)

    async def version(self) -> int:
        return len(await self.events())

    async def client(self, token: str | None = None, **options: Any) -> BoardClient:
        async with asyncio.timeout(WAIT):
            return await BoardClient.connect(
                self.url,
                options.pop("board_id", self.board_id),
                self.token if token is None else token,
                **options,
            )


@contextlib.asynccontextmanager
async def live_server(settings: Settings, url: str | None = None) -> AsyncIterator[Live]:
    """Serve ``settings``; on a fresh server create a workshop and a board over HTTP."""
    async with started(settings) as server:
        base, ctx = base_url(server), plenary_of(server)
        async with httpx2.AsyncClient(base_url=base, timeout=WAIT) as http:
            yield await live_on(base, http, ctx)


async def live_on(base: str, http: httpx2.AsyncClient, ctx: Plenary) -> Live:
    organiser = await organiser_token(ctx)
    created = await http.post(
        "/api/workshops",
        json={"title": "Mobility challenges"},
        headers={"Authorization": f"Bearer {organiser}"},
    )
    assert created.status_code == 201, created.text
    workshop = created.json()
    board = await http.post(
        f"/api/workshops/{workshop['id']}/boards",
        json={"title": "Breakout A"},
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )
    assert board.status_code == 201, board.text
    token, board_id = workshop["facilitator_token"], board.json()["id"]
    return Live(base, http, workshop["id"], token, board_id, ctx, organiser)


async def wait_until(
    predicate: Any, seconds: float = WAIT, what: str = "a socket's state changes"
) -> None:
    """Poll ``predicate()`` until it is true (bounded: ``TimeoutError(what)``)."""
    await until(predicate, within=seconds, what=what)


def ids(events: list[JSON]) -> list[str]:
    return [e["event_id"] for e in events]


async def close_code_after_draining(ws: Any) -> int | None:
    """Read until the server closes the connection; its close code."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await ws.recv()
    code: int | None = ws.close_code
    return code


def hub_of(app: Any) -> Hub:
    hub: Hub = app.state.plenary.hub
    return hub


async def silent_reader(live: Live) -> socket.socket:
    """A socket on the board that opens by hand (HTTP upgrade, ``hello``) and then never reads
    again, as a laptop whose tab froze: what the server sends piles up in the kernels."""
    loop = asyncio.get_running_loop()
    url = urllib.parse.urlsplit(await live.ws_url())
    sock = socket.socket()
    sock.setblocking(False)
    await loop.sock_connect(sock, (url.hostname or "127.0.0.1", url.port or 80))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    await loop.sock_sendall(sock, request.encode())
    answer = b""
    while b"\r\n\r\n" not in answer and len(answer) < 4096:
        answer += await loop.sock_recv(sock, 4096)  # nothing else is sent before hello
    assert answer.startswith(b"HTTP/1.1 101"), answer
    await loop.sock_sendall(sock, masked_text_frame(b'{"type": "hello"}'))
    return sock


def masked_text_frame(payload: bytes) -> bytes:
    """One final text frame as a client sends it (masked; payloads under 126 bytes)."""
    assert len(payload) < 126
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | len(payload)]) + mask + body


def server_end_open(sock: socket.socket) -> bool:
    """Whether the server's end of ``sock``'s TCP connection still exists, as the kernel's
    table of IPv4 sockets lists it (Linux). A server that lets go of a client that reads
    nothing sends it nothing to notice, so only the server's side shows it."""
    server, client = sock.getpeername(), sock.getsockname()

    def address(host_port: tuple[str, int]) -> str:
        packed = socket.inet_aton(host_port[0])[::-1].hex().upper()  # little-endian, in hex
        return f"{packed}:{host_port[1]:04X}"

    wanted = (address(server), address(client))
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return any(tuple(line.split()[1:3]) == wanted for line in lines)
