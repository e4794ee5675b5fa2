"""A small Python client of a board's WebSocket, for tests, benchmarks and integrators.

    async with await BoardClient.connect("http://127.0.0.1:8000", board_id, token) as board:
        await board.command({"type": "note.add", "note_id": new_id(), "text": "Hi",
                             "x": 0, "y": 0})
        async for event in board.events():
            ...

It asks for a ticket with ``token`` (``POST /api/boards/{id}/ticket``) and opens the socket
with it, so the token itself never rides in a URL. It keeps the last board version it holds
(``version``), counts events that arrive out of step (``gaps``, ``duplicates``: both stay 0
against a correct server), and resumes with ``since=client.version`` after a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from service.ids import new_id

JSON = dict[str, Any]
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(dict[str, Any]).decode


def _post_ticket(base_url: str, board_id: str, token: str) -> str:
    path = f"/api/boards/{urllib.parse.quote(board_id, safe='')}/ticket"
    request = urllib.request.Request(
        base_url.rstrip("/") + path,
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        ticket: str = json.loads(answer.read())["ticket"]
    return ticket


async def socket_url(base_url: str, board_id: str, token: str) -> str:
    """The URL that opens ``board_id``'s socket once: a fresh ticket for ``token``'s holder.

    Raises ``urllib.error.HTTPError`` when the token is refused.
    """
    ticket = await asyncio.to_thread(_post_ticket, base_url, board_id, token)
    url = base_url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
    return f"{url}/ws/boards/{urllib.parse.quote(board_id, safe='')}?ticket={ticket}"


class Rejected(Exception):
    """The server refused a command: ``code`` is the stable error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class BoardClient:
    """One live connection to one board. Not thread-safe; one event loop."""

    def __init__(self, ws: ClientConnection, welcome: JSON) -> None:
        self.ws = ws
        self.welcome = welcome
        self.version: int = welcome["version"]
        self.epoch: str = welcome["epoch"]
        self.you: JSON = welcome["you"]
        self.received: list[JSON] = list(welcome.get("events") or [])
        self.errors: list[JSON] = []
        self.presence: dict[str, JSON] = {m["connection"]: m for m in welcome["members"]}
        self.close_code: int | None = None
        self.gaps = 0
        """Times an event arrived with a version beyond the next one (must stay 0)."""
        self.duplicates = 0
        """Events received again at a version already held (must stay 0)."""
        self._pending: dict[str, asyncio.Future[JSON]] = {}
        self._events: asyncio.Queue[JSON | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        self.event_times: dict[str, float] = {}
        """When each event id arrived (``loop.time()``), for latency measurements."""

    @classmethod
    async def connect(
        cls,
        base_url: str,
        board_id: str,
        token: str,
        *,
        since: int | None = None,
        epoch: str | None = None,
        origin: str | None = None,
        **options: Any,
    ) -> BoardClient:
        """Open the socket with a fresh ticket, say ``hello`` and wait for ``welcome``.

        Raises ``urllib.error.HTTPError`` when the token is refused, and
        ``websockets.exceptions.InvalidStatus`` when the handshake is.
        """
        ws = await connect(
            await socket_url(base_url, board_id, token),
            origin=Origin(origin) if origin else None,
            compression=None,
            max_size=None,
            **options,
        )
        hello: JSON = {"type": "hello", "since": since}
        if epoch is not None:
            hello["epoch"] = epoch
        await ws.send(_encode(hello).decode())
        welcome = _decode(await ws.recv())
        if welcome.get("type") != "welcome":
            await ws.close()
            raise Rejected(welcome.get("code", "protocol"), f"expected welcome, got {welcome}")
        return cls(ws, welcome)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, *_exc: type[BaseException] | BaseException | TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def send_command(
        self, command: JSON, op_id: str | None = None, track_id: str | None = None
    ) -> asyncio.Future[JSON]:
        """Send a command (to the solution track ``track_id`` for a track command); the future
        resolves with its ``ack`` or raises ``Rejected``."""
        op_id = op_id or new_id()
        future: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        self._pending[op_id] = future
        frame: JSON = {"type": "command", "op_id": op_id, "command": command}
        if track_id is not None:
            frame["track_id"] = track_id
        await self.ws.send(_encode(frame).decode())
        return future

    async def command(
        self, command: JSON, op_id: str | None = None, track_id: str | None = None
    ) -> JSON:
        """Send a command and wait for its ``ack`` (raises ``Rejected`` on ``reject``).

        Bound the wait with ``asyncio.timeout`` where it matters.
        """
        return await (await self.send_command(command, op_id, track_id))

    async def send_raw(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def presence_update(
        self, cursor: tuple[float, float] | None = None, typing: str | None = None
    ) -> None:
        frame: JSON = {"type": "presence", "typing": typing}
        if cursor is not None:
            frame["cursor"] = {"x": cursor[0], "y": cursor[1]}
        await self.ws.send(_encode(frame).decode())

    async def next_event(self) -> JSON:
        """The next recorded event to arrive; raises ``ConnectionError`` if the socket closed."""
        event = await self._events.get()
        if event is None:
            self._events.put_nowait(None)
            raise ConnectionError(f"the connection closed ({self.close_code})")
        return event

    async def events(self) -> AsyncIterator[JSON]:
        while True:
            try:
                yield await self.next_event()
            except ConnectionError:
                return

    async def wait_for_version(self, version: int) -> None:
        """Wait until the client holds ``version`` of the board."""
        while self.version < version:
            await self.next_event()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self._dispatch(_decode(raw))
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self._events.put_nowait(None)
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed"))

    def _dispatch(self, frame: JSON) -> None:
        kind = frame.get("type")
        if kind == "events":
            now = asyncio.get_running_loop().time()
            for event in frame["events"]:
                if event["version"] <= self.version:
                    self.duplicates += 1
                    continue
                if event["version"] != self.version + 1:
                    self.gaps += 1
                self.version = event["version"]
                self.received.append(event)
                self.event_times[event["event_id"]] = now
                self._events.put_nowait(event)
        elif kind in ("ack", "reject"):
            future = self._pending.pop(frame["op_id"], None)
            if future is not None and not future.done():
                if kind == "ack":
                    future.set_result(frame)
                else:
                    future.set_exception(Rejected(frame["code"], frame["message"]))
        elif kind == "presence":
            for member in frame["members"]:
                self.presence[member["connection"]] = member
            for gone in frame["left"]:
                self.presence.pop(gone, None)
        elif kind == "error":
            self.errors.append(frame)
