"""The board at a past version: a 20,000-event board read at random versions.

    python -m bench.replay --backend sqlite|postgresql|both --events 20000 --reads 300

Writes one board's session (``bench.workload``: people write, edit, move, recolour
and cluster notes, then a vote and a decision) into a fresh database, then reads it at random
versions three ways, each doing what ``GET /api/boards/{id}/at`` does for an auditor (the
view, cut for the viewer, encoded as JSON):

- ``from_start``: folding the stream from its first event up to the version (how the service
  read the past before checkpoints);
- ``cold``: ``history.view_at`` on a board with no checkpoint yet (each read stores those it
  folds past, so the later cold reads already find some);
- ``warm``: ``history.view_at`` once every checkpoint is stored.

Prints latencies (p50, p95, max in ms) per way and one JSON line per backend to stdout.
Rebuilding every read model over a million events, the other half of replay's figures in
``docs/benchmarks.md``, is ``bench.rebuild``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec

from bench.backends import add_backend_options, backends, drop_schemas
from bench.rebuild import _ref
from bench.workload import workload, write
from domain.streams import board_stream
from projections.base import fold
from projections.board_view import BOARD_VIEW, BoardView
from projections.visibility import Viewer, present_view
from service.readside import history
from service.store import EventStore
from service.wire import encoder

BOARD = "bench-b0000"
VIEWER = Viewer(id="bench-auditor", role="auditor", pseudonym_key=b"k" * 32)


async def from_start(store: EventStore, version: int) -> BoardView:
    events = await store.read_stream(board_stream(BOARD), 0, version)
    return fold(BOARD_VIEW, BOARD, events)


async def checkpointed(store: EventStore, version: int) -> BoardView:
    return await history.view_at(store, BOARD, version)


async def timed(
    store: EventStore,
    read: Callable[[EventStore, int], Awaitable[BoardView]],
    versions: list[int],
) -> list[float]:
    """Milliseconds per read at each of ``versions``: the view, presented, encoded."""
    out = []
    for version in versions:
        started = time.perf_counter()
        view = await read(store, version)
        encoder.encode(present_view(view, VIEWER))
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(ms, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "max": round(max(ms), 2)}


async def run(url: str, schema: str | None, args: argparse.Namespace) -> dict[str, Any]:
    parts = workload(1, args.events, args.seed)
    decided = [d for part in parts for d in part if d[0] == board_stream(BOARD)]
    store = await EventStore.open(url, schema=schema)
    try:
        await write(store, [decided], None)
        last = await store.stream_version(board_stream(BOARD))
        rng = random.Random(args.seed)

        def pick(n: int) -> list[int]:
            return [rng.randint(1, last) for _ in range(n)]

        baseline = await timed(store, from_start, pick(args.reads // 3))
        cold = await timed(store, checkpointed, pick(args.reads // 3))
        for version in range(history.EVERY, last + 1, history.EVERY):  # every checkpoint stored
            await history.view_at(store, BOARD, version)
        await store.save_snapshot(board_stream("bench-barrier"), 1, "barrier", b"")
        warm = await timed(store, checkpointed, pick(args.reads))
        return {
            "ref_us": _ref(),
            "backend": store.backend,
            "board_events": last,
            "every": history.EVERY,
            "from_start_ms": summary(baseline),
            "cold_ms": summary(cold),
            "warm_ms": summary(warm),
        }
    finally:
        await store.close()


async def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as folder:
            return await run(f"sqlite+aiosqlite:///{Path(folder) / 'replay.db'}", None, args)
    schema = f"bench_replay_{uuid.uuid4().hex[:8]}"
    try:
        return await run(args.postgres_url, schema, args)
    finally:
        await drop_schemas(args.postgres_url, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__)
    add_backend_options(parser)
    parser.add_argument("--events", type=int, default=20_000, help="events on the board")
    parser.add_argument("--reads", type=int, default=300, help="warm reads (a third each cold)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for backend in backends(args):
        result = asyncio.run(run_backend(backend, args))
        print(
            f"{backend:>10}: {result['board_events']:,} events; from the start "
            f"{result['from_start_ms']}, cold {result['cold_ms']}, warm {result['warm_ms']} "
            f"(ms); ref {result['ref_us']} µs",
            file=sys.stderr,
        )
        print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
