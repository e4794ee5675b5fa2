"""What happened in a workshop: ``GET /api/workshops/{id}/summary`` on a workshop of long boards.

    python -m bench.catchup --backend sqlite|postgresql|both --boards 10 --events 2000 --reads 20

Writes ``bench.workload``'s workshop (``--boards`` boards of about ``--events`` events each:
notes written, edited, moved, recoloured and clustered, then a vote round and a decision), adds
its boards to the workshop, rebuilds the read models as the service keeps them, then builds the
summary for a participant ``--reads`` times as the handler does (``workshop_summary``, encoded
as JSON; no HTTP). The timeline comes from the stored lanes (``board_lane``) as rebuilt, so a
read folds no board's whole stream.

Prints latencies (p50, p95, max in ms) and the answer's size, and one JSON line per backend.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import msgspec

from bench.backends import add_backend_options, backends, drop_schemas
from bench.rebuild import _ref, rebuild_every
from bench.workload import HOST, WORKSHOP, Decided, workload, write
from domain import workshop
from domain.streams import workshop_stream
from projections.visibility import Viewer
from service.app import close_plenary, open_plenary
from service.readside.catchup import workshop_summary
from service.settings import Settings
from service.store import EventStore
from service.wire import encoder

VIEWER = Viewer(id="p-0000", role="participant", pseudonym_key=b"k" * 32)


def with_boards(parts: list[list[Decided]], boards: int) -> list[list[Decided]]:
    """``parts`` and a last one: the workshop's ``board.add`` of each board."""
    stream = workshop_stream(WORKSHOP)
    state = workshop.initial_state
    for s, events, _, _ in (decided for part in parts for decided in part):
        if s == stream:
            state = workshop.DECIDER.fold(events, state)
    added: list[Decided] = []
    for index in range(boards):
        board_id = f"bench-b{index:04d}"
        events = workshop.decide(state, workshop.AddBoard(board_id=board_id, title=board_id), HOST)
        added.append((stream, events, state, HOST))
        state = workshop.DECIDER.fold(events, state)
    return [*parts, added]


async def run(url: str, schema: str | None, args: argparse.Namespace) -> dict[str, Any]:
    store = await EventStore.open(url, schema=schema)
    try:
        parts = list(workload(args.boards, args.events, args.seed))
        await write(store, with_boards(parts, args.boards), None)
        events = (await store.head()).position
        await rebuild_every(store)
    finally:
        await store.close()
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(
            database_url=url,
            database_schema=schema,
            secret=b"bench-secret-not-for-production",
            data_dir=Path(data),
            projector="inline",
        )
        ctx = await open_plenary(settings)
        try:
            ms, size = [], 0
            for _ in range(args.reads):
                started = time.perf_counter()
                answer = encoder.encode(await workshop_summary(ctx, WORKSHOP, VIEWER))
                ms.append((time.perf_counter() - started) * 1000)
                size = len(answer)
        finally:
            await close_plenary(ctx)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "ref_us": _ref(),
        "backend": "sqlite" if url.startswith("sqlite") else "postgresql",
        "boards": args.boards,
        "events": events,
        "summary_ms": {
            "p50": round(cuts[49], 1),
            "p95": round(cuts[94], 1),
            "max": round(max(ms), 1),
        },
        "answer_kb": round(size / 1000, 1),
    }


async def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as folder:
            return await run(f"sqlite+aiosqlite:///{Path(folder) / 'catchup.db'}", None, args)
    schema = f"bench_catchup_{uuid.uuid4().hex[:8]}"
    try:
        return await run(args.postgres_url, schema, args)
    finally:
        await drop_schemas(args.postgres_url, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catchup", description=__doc__)
    add_backend_options(parser)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--events", type=int, default=2000, help="events per board")
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for backend in backends(args):
        result = asyncio.run(run_backend(backend, args))
        print(
            f"{backend:>10}: {result['boards']} boards, {result['events']:,} events; summary "
            f"{result['summary_ms']} ms, {result['answer_kb']} kB; ref {result['ref_us']} µs",
            file=sys.stderr,
        )
        print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
