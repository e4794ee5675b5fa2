"""Crash safety: ``plenary serve`` killed with SIGKILL again and again while 16 people write
over HTTP loses no command it acknowledged, records none twice, and leaves a log that
verifies against the checkpoints it sealed. On both backends.

Each cycle starts the server on the same loopback port and kills it once the writers have had
a few more commands acknowledged, so some are always in flight. A writer whose command got no
answer sends it again, with the same command id, once the next server answers.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest

from service.app import close_plenary, open_plenary
from service.ids import new_id
from service.integrity import checkpoints
from service.integrity.audit import audit
from service.settings import Settings
from service.store import EventStore
from tests.conftest import StoreLocation
from tests.service import served
from tests.service.people import organiser_token

CYCLES = 10
WRITERS = 16
BOARDS = 8
ACKS_PER_CYCLE = 24
"""Acknowledged commands a cycle waits for before the kill (in all, not per writer)."""
SECRET = "crash-test-secret-that-is-long-enough-0123456789"

pytestmark = pytest.mark.slow


@dataclass
class Book:
    """What the writers were told: acknowledged command ids (and the version each got), and
    the ones sent without an answer, which the log may hold once or not at all."""

    acked: dict[str, int] = field(default_factory=dict)
    unanswered: set[str] = field(default_factory=set)
    target: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    def ack(self, command_id: str, version: int) -> None:
        self.acked[command_id] = version
        self.unanswered.discard(command_id)
        if len(self.acked) >= self.target:
            self.reached.set()

    def expect(self, more: int) -> None:
        """Set ``reached`` once ``more`` further commands are acknowledged."""
        self.target = len(self.acked) + more
        self.reached.clear()


async def test_kill_9_loses_and_doubles_no_acknowledged_command(
    store_location: StoreLocation, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    env = served.serve_env(data_dir, store_location.url, store_location.schema)
    env["PLENARY_SECRET"] = SECRET
    organiser = await _organiser(store_location, data_dir)
    port = served.free_port()
    book = Book()
    up, stop = asyncio.Event(), asyncio.Event()

    server = await asyncio.to_thread(served.start, env, port=port)
    base = server.base
    token, boards = await asyncio.to_thread(_workshop, base, organiser)
    writers = [
        asyncio.create_task(_write(base, token, boards[i % BOARDS], book, up, stop))
        for i in range(WRITERS)
    ]
    try:
        for _ in range(CYCLES):
            book.expect(ACKS_PER_CYCLE)
            up.set()
            async with asyncio.timeout(60):
                await book.reached.wait()
            up.clear()
            await asyncio.to_thread(server.stop, kill=True)
            server = await asyncio.to_thread(served.start, env, port=port)
        stop.set()
        up.set()  # the last server: every writer sends what got no answer once more, then ends
        async with asyncio.timeout(60):
            await asyncio.gather(*writers)
    finally:
        stop.set()
        for writer in writers:
            writer.cancel()
        await asyncio.gather(*writers, return_exceptions=True)
        output = await asyncio.to_thread(server.stop)  # gracefully: it seals the head

    assert len(book.acked) >= CYCLES * ACKS_PER_CYCLE, output
    counts = await _commands_in_the_log(store_location)
    assert {c: counts[c] for c in book.acked if counts[c] != 1} == {}  # none lost or doubled
    assert {c: counts[c] for c in book.unanswered if counts[c] > 1} == {}
    assert max(counts.values()) == 1
    report = await audit(
        store_location.url,
        store_location.schema,
        data_dir / checkpoints.CHECKPOINTS_FILE,
        checkpoints.load_or_create_key(data_dir).public_key(),
    )
    assert report.ok, report
    assert report.checkpoints_matched >= CYCLES  # each server sealed at least once


async def _organiser(location: StoreLocation, data_dir: Path) -> str:
    """An organiser's session token, recorded as the operator would add them."""
    settings = Settings(
        database_url=location.url,
        database_schema=location.schema,
        secret=SECRET.encode(),
        data_dir=data_dir,
        projector="inline",
    )
    ctx = await open_plenary(settings)
    try:
        return await organiser_token(ctx, "Crash")
    finally:
        await close_plenary(ctx)


def _workshop(base: str, organiser: str) -> tuple[str, list[str]]:
    """A workshop with ``BOARDS`` boards; the facilitator's token and the board ids."""
    created = served.post(base, "/api/workshops", {"title": "Crash"}, organiser)
    token: str = created["facilitator_token"]
    path = f"/api/workshops/{created['id']}/boards"
    boards = [served.post(base, path, {"title": f"B{i}"}, token)["id"] for i in range(BOARDS)]
    return token, boards


async def _write(
    base: str, token: str, board_id: str, book: Book, up: asyncio.Event, stop: asyncio.Event
) -> None:
    """Add notes one after another while the server is up; resend what got no answer."""
    headers = {"Authorization": f"Bearer {token}"}
    pending: str | None = None
    async with httpx2.AsyncClient(base_url=base, timeout=30, headers=headers) as http:
        while pending is not None or not stop.is_set():
            await up.wait()
            command_id = pending or new_id()
            note = {"type": "note.add", "note_id": command_id, "text": "Safe", "x": 1, "y": 2}
            try:
                answer = await http.post(
                    f"/api/boards/{board_id}/commands",
                    json={"command_id": command_id, "command": note},
                )
            except httpx2.TransportError:  # killed: sent again once the next server is up
                book.unanswered.add(command_id)
                pending = command_id
                continue
            assert answer.status_code == 200, answer.text
            book.ack(command_id, answer.json()["version"])
            pending = None


async def _commands_in_the_log(location: StoreLocation) -> Counter[str]:
    """How many events each command id has in the log."""
    store = await EventStore.inspect(location.url, schema=location.schema)
    try:
        counts: Counter[str] = Counter()
        after = 0
        while batch := await store.read_all(after, 1000):
            counts.update(event.meta.command_id for event in batch)
            after = batch[-1].position
        return counts
    finally:
        await store.close()
