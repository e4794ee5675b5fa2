"""The load-generator side of ``bench.fanout``: one process, its share of boards and sockets.

Each generator process holds every client of the boards it owns (writer and readers of one
board live in one process, so ``perf_counter`` times a command from send to each delivery),
plus its share of the idle connections. The orchestrator drives it over a pipe with
``Phase`` messages; every answer is a plain ``dict`` so it pickles cheaply.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import msgspec
import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from service.ids import new_id
from service.tools.client import socket_url

CONNECT_CONCURRENCY = 32
LAG_INTERVAL = 0.005
DRAIN_STALL = 5.0
"""Stop waiting for the backlog after this long without any progress."""
DRAIN_TIMEOUT = 120.0


class EventIn(msgspec.Struct):
    version: int
    command_id: str


class FrameIn(msgspec.Struct):
    """The fields of any server frame that the bench needs (the rest is skipped)."""

    type: str
    version: int | None = None
    events: list[EventIn] | None = None
    op_id: str | None = None
    code: str | None = None


_decode = msgspec.json.Decoder(FrameIn).decode
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True, slots=True)
class BoardSpec:
    board_id: str
    token: str


@dataclass(frozen=True, slots=True)
class GenConfig:
    index: int
    base_url: str
    boards: list[BoardSpec]
    idle: list[BoardSpec]
    clients: int
    rate: float
    seconds: float
    warmup: float
    seed_notes: int
    add_share: float
    loop: str = "uvloop"
    """``uvloop`` or ``asyncio``: the generator's event loop (the clients' side)."""


@dataclass(frozen=True, slots=True)
class Phase:
    """An order from the orchestrator: ``idle``, ``connect``, ``run`` (at ``t0``), ``close``."""

    name: str
    t0: float = 0.0


@dataclass(slots=True)
class Client:
    ws: ClientConnection
    version: int
    seen: set[str] = field(default_factory=set)
    duplicates: int = 0
    gaps: int = 0
    frames: int = 0
    closed_code: int | None = None


@dataclass(slots=True)
class Board:
    spec: BoardSpec
    clients: list[Client] = field(default_factory=list)
    sent: dict[str, tuple[float, bool]] = field(default_factory=dict)
    """op_id → (perf_counter at send, counted in latency statistics)."""
    acked: dict[str, float] = field(default_factory=dict)
    """op_id → perf_counter at ack, for acks that recorded at least one event."""
    rejected: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    pending: dict[str, asyncio.Future[None]] = field(default_factory=dict)


class Generator:
    def __init__(self, cfg: GenConfig) -> None:
        self.cfg = cfg
        self.boards = [Board(spec) for spec in cfg.boards]
        self.idle: list[ClientConnection] = []
        self.idle_frames = 0
        self.latencies: list[float] = []
        self.ack_latencies: list[float] = []
        self.unknown = 0
        self.lags: list[float] = []
        self.send_slip: list[float] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.errors: Counter[str] = Counter()
        self._sem = asyncio.Semaphore(CONNECT_CONCURRENCY)
        self._rng = random.Random(cfg.index)

    # ----------------------------------------------------------------- connections

    async def _url(self, spec: BoardSpec) -> str:
        """A fresh ticket's URL: each socket opens with a ticket of its own."""
        return await socket_url(self.cfg.base_url, spec.board_id, spec.token)

    async def _open(self, spec: BoardSpec) -> tuple[ClientConnection, FrameIn]:
        async with self._sem:
            for attempt in range(5):
                try:
                    ws = await connect(
                        await self._url(spec),
                        compression=None,
                        max_size=None,
                        ping_interval=None,
                        open_timeout=60,
                    )
                    break
                except OSError:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            await ws.send('{"type":"hello","since":null}')
            while True:
                frame = _decode(await ws.recv())
                if frame.type == "welcome":
                    return ws, frame
                if frame.type == "error":
                    raise RuntimeError(f"refused at hello: {frame.code}")

    async def open_idle(self) -> dict[str, Any]:
        started = time.perf_counter()
        opened = await asyncio.gather(*(self._open(spec) for spec in self.cfg.idle))
        for ws, _welcome in opened:
            self.idle.append(ws)
            self.tasks.append(asyncio.create_task(self._drain_idle(ws)))
        return {"idle": len(self.idle), "connect_s": time.perf_counter() - started}

    async def _drain_idle(self, ws: ClientConnection) -> None:
        """Idle sockets read (and drop) presence frames so the library keeps answering pings."""
        with contextlib.suppress(ConnectionClosed):
            async for _raw in ws:
                self.idle_frames += 1

    async def open_clients(self) -> dict[str, Any]:
        started = time.perf_counter()

        async def one(board: Board) -> None:
            opened = await asyncio.gather(
                *(self._open(board.spec) for _ in range(self.cfg.clients))
            )
            for ws, welcome in opened:
                board.clients.append(Client(ws, welcome.version or 0))

        await asyncio.gather(*(one(board) for board in self.boards))
        for board in self.boards:
            for client in board.clients:
                self.tasks.append(asyncio.create_task(self._read(board, client)))
        # Seed notes to move: the writer (client 0) adds them and waits for the acks.
        await asyncio.gather(*(self._seed(board) for board in self.boards))
        return {
            "connections": sum(len(b.clients) for b in self.boards),
            "connect_s": time.perf_counter() - started,
        }

    async def _seed(self, board: Board) -> None:
        for _ in range(self.cfg.seed_notes):
            op_id = self._send_now(board, self._add_note(board), measured=False)
            future = asyncio.get_running_loop().create_future()
            board.pending[op_id] = future
            await asyncio.wait_for(future, 30)

    # ----------------------------------------------------------------- receiving

    async def _read(self, board: Board, client: Client) -> None:
        sent = board.sent
        seen = client.seen
        latencies = self.latencies
        try:
            async for raw in client.ws:
                now = time.perf_counter()
                client.frames += 1
                frame = _decode(raw)
                kind = frame.type
                if kind == "events":
                    for event in frame.events or ():
                        if event.version <= client.version:
                            client.duplicates += 1
                            continue
                        if event.version != client.version + 1:
                            client.gaps += 1
                        client.version = event.version
                        op_id = event.command_id
                        if op_id in seen:
                            client.duplicates += 1
                            continue
                        seen.add(op_id)
                        at = sent.get(op_id)
                        if at is None:
                            self.unknown += 1
                        elif at[1]:
                            latencies.append(now - at[0])
                elif kind == "ack" and frame.op_id is not None:
                    at = sent.get(frame.op_id)
                    board.acked[frame.op_id] = now
                    if at is not None and at[1]:
                        self.ack_latencies.append(now - at[0])
                    self._settle(board, frame.op_id)
                elif kind == "reject" and frame.op_id is not None:
                    board.rejected[frame.code or "?"] += 1
                    self._settle(board, frame.op_id)
        except ConnectionClosed:
            pass
        finally:
            client.closed_code = client.ws.close_code

    @staticmethod
    def _settle(board: Board, op_id: str) -> None:
        future = board.pending.pop(op_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    # ----------------------------------------------------------------- sending

    def _add_note(self, board: Board) -> dict[str, Any]:
        note_id = new_id()
        board.notes.append(note_id)
        rng = self._rng
        return {
            "type": "note.add",
            "note_id": note_id,
            "text": "An idea worth a sticky note, with some detail.",
            "x": round(rng.uniform(0, 2000), 1),
            "y": round(rng.uniform(0, 1200), 1),
        }

    def _command(self, board: Board) -> dict[str, Any]:
        rng = self._rng
        if not board.notes or rng.random() < self.cfg.add_share:
            return self._add_note(board)
        return {
            "type": "note.move",
            "note_id": rng.choice(board.notes),
            "x": round(rng.uniform(0, 2000), 1),
            "y": round(rng.uniform(0, 1200), 1),
        }

    def _send_now(self, board: Board, command: dict[str, Any], *, measured: bool) -> str:
        """Queue the frame on the writer's socket without waiting (open loop)."""
        op_id = new_id()
        text = _encode({"type": "command", "op_id": op_id, "command": command}).decode()
        board.sent[op_id] = (time.perf_counter(), measured)
        task = asyncio.ensure_future(board.clients[0].ws.send(text))
        task.add_done_callback(self._sent)
        return op_id

    def _sent(self, task: asyncio.Future[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.errors[type(exc).__name__] += 1

    async def _writer(self, board: Board, start: float) -> int:
        """Open loop: command k goes at ``start + phase + k / rate`` whatever the acks do."""
        cfg = self.cfg
        period = 1.0 / cfg.rate
        phase = self._rng.uniform(0, period)
        end = start + cfg.seconds
        measure_from = start + cfg.warmup
        k = 0
        while True:
            due = start + phase + k * period
            if due >= end:
                return k
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.perf_counter()
            self.send_slip.append(now - due)
            self._send_now(board, self._command(board), measured=due >= measure_from)
            k += 1

    async def _lag_probe(self, until: float) -> None:
        while True:
            expected = time.perf_counter() + LAG_INTERVAL
            await asyncio.sleep(LAG_INTERVAL)
            now = time.perf_counter()
            self.lags.append(now - expected)
            if now >= until:
                return

    async def run(self, t0_wall: float) -> dict[str, Any]:
        start = time.perf_counter() + (t0_wall - time.time())
        cpu0 = os.times()
        delay = start - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        gc.collect()
        gc.freeze()
        probe = asyncio.create_task(self._lag_probe(start + self.cfg.seconds))
        writers = [self._writer(board, start) for board in self.boards if board.clients]
        sent = sum(await asyncio.gather(*writers))
        await probe
        cpu1 = os.times()
        drained = await self._drain()
        return self._result(sent, cpu1.user + cpu1.system - cpu0.user - cpu0.system, drained)

    async def _drain(self) -> float:
        """Wait until every command is answered and every client holds every recorded event."""
        started = progressed = time.perf_counter()
        last = -1
        while time.perf_counter() - started < DRAIN_TIMEOUT:
            now = time.perf_counter()
            count = sum(len(b.acked) + sum(len(c.seen) for c in b.clients) for b in self.boards)
            if count != last:
                last, progressed = count, now
            elif now - progressed > DRAIN_STALL:
                break
            done = True
            for board in self.boards:
                answered = len(board.acked) + sum(board.rejected.values())
                if answered < len(board.sent):
                    done = False
                    break
                if any(len(c.seen) < len(board.acked) for c in board.clients):
                    done = False
                    break
            if done:
                break
            await asyncio.sleep(0.05)
        return time.perf_counter() - started

    def _result(self, sent: int, cpu_s: float, drained: float) -> dict[str, Any]:
        missing = 0
        missing_closed = 0
        duplicates = 0
        gaps = 0
        closed: Counter[str] = Counter()
        expected = 0
        delivered = 0
        for board in self.boards:
            # Every event of the board: each acked command records one event; a command whose
            # event some client saw but whose ack never came still counts.
            recorded = set(board.acked)
            for client in board.clients:
                recorded |= client.seen & board.sent.keys()
            for client in board.clients:
                expected += len(recorded)
                delivered += len(client.seen & recorded)
                missing += len(recorded - client.seen)
                if client.closed_code is not None:
                    missing_closed += len(recorded - client.seen)
                duplicates += client.duplicates
                gaps += client.gaps
                if client.closed_code is not None:
                    closed[str(client.closed_code)] += 1
        rejected: Counter[str] = Counter()
        for board in self.boards:
            rejected.update(board.rejected)
        seeds = self.cfg.seed_notes * len(self.boards)
        return {
            "sent": sent,
            "acked": sum(len(b.acked) for b in self.boards) - seeds,
            "rejected": dict(rejected),
            "expected_deliveries": expected,
            "delivered": delivered,
            "missing": missing,
            "missing_on_closed": missing_closed,
            "duplicates": duplicates,
            "gaps": gaps,
            "unknown_events": self.unknown,
            "closed": dict(closed),
            "send_errors": dict(self.errors),
            "latencies": self.latencies,
            "ack_latencies": self.ack_latencies,
            "lags": self.lags,
            "send_slip": self.send_slip,
            "cpu_s": cpu_s,
            "drain_s": drained,
            "idle_frames": self.idle_frames,
        }

    async def close(self) -> None:
        sockets = [c.ws for b in self.boards for c in b.clients] + self.idle

        async def shut(ws: ClientConnection) -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)

        for i in range(0, len(sockets), 200):
            await asyncio.gather(*(shut(ws) for ws in sockets[i : i + 200]))
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def raise_nofile() -> None:
    """Lift this process's open-file limit to the hard limit (one descriptor per socket)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def _serve(pipe: Connection, cfg: GenConfig) -> None:
    loop = asyncio.get_running_loop()
    gen = Generator(cfg)
    try:
        while True:
            phase: Phase = await loop.run_in_executor(None, pipe.recv)
            try:
                if phase.name == "idle":
                    pipe.send({"ok": True, **(await gen.open_idle())})
                elif phase.name == "connect":
                    pipe.send({"ok": True, **(await gen.open_clients())})
                elif phase.name == "run":
                    pipe.send({"ok": True, **(await gen.run(phase.t0))})
                elif phase.name == "close":
                    await gen.close()
                    pipe.send({"ok": True})
                    return
            except Exception as exc:  # reported to the orchestrator, which stops everything
                pipe.send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
                return
    finally:
        with contextlib.suppress(Exception):
            await gen.close()


def generator_main(pipe: Connection, cfg: GenConfig) -> None:
    """Entry point of one generator process."""
    raise_nofile()
    if cfg.loop == "uvloop":
        uvloop.run(_serve(pipe, cfg))
    else:
        asyncio.run(_serve(pipe, cfg))
