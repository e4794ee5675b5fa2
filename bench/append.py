"""Event store append throughput: many writers, one event per append, durability and chain on.

    python -m bench.append --backend sqlite|postgresql|both --boards 200 --writers 64 --seconds 10

Each writer task owns a disjoint set of board streams (no conflicts) and appends one ~200-byte
event at a time with the version it tracks itself, as a service handler would. Event and command
ids are UUIDv7, as the service and Plenary's clients mint them; ``--random-ids`` uses UUID-4.
Prints events/s, this process's CPU time per event (all its threads: the store's Python and,
on SQLite, the database's work; less sensitive to a shared host than events/s), append latency
and events per committed transaction per backend, then one JSON line each.
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
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec

from bench.backends import add_backend_options, backends, drop_schemas
from domain.recorded import EventMeta
from service.ids import new_id
from service.store import EventStore, NewEvent

_random_bits = random.Random().getrandbits


def _unique_id() -> str:
    """A random UUID-4-shaped id: as random as ``uuid4()`` for the indexes, a third of its cost."""
    h = f"{_random_bits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:]}"


def _event(random_ids: bool) -> NewEvent:
    event_id = _unique_id() if random_ids else new_id()
    note = {"note_id": event_id, "text": "An idea worth a sticky note, with some detail. " * 2}
    data = msgspec.json.encode({**note, "x": 120.5, "y": 348.25, "colour": "yellow"})
    return NewEvent(event_id=event_id, type="note.added", data=data)


async def _writer(
    store: EventStore, boards: list[str], deadline: float, latencies: list[float], random_ids: bool
) -> int:
    versions = dict.fromkeys(boards, 0)
    appended = 0
    while time.perf_counter() < deadline:
        for board in boards:
            command_id = _unique_id() if random_ids else new_id()
            meta = EventMeta(
                actor="bench", role="participant", command_id=command_id, correlation_id=command_id
            )
            started = time.perf_counter()
            recorded = await store.append(board, [_event(random_ids)], versions[board], meta)
            latencies.append(time.perf_counter() - started)
            versions[board] = recorded[-1].version
            appended += 1
    return appended


def _batch_stats(sizes: Counter[int]) -> dict[str, float]:
    expanded = sorted(size for size, count in sizes.items() for _ in range(count) if size)
    if not expanded:
        return {"batches": 0}
    return {
        "batches": len(expanded),
        "mean": round(statistics.fmean(expanded), 1),
        "p50": expanded[len(expanded) // 2],
        "p95": expanded[int(len(expanded) * 0.95)],
        "max": expanded[-1],
    }


async def run(url: str, schema: str | None, args: argparse.Namespace) -> dict[str, Any]:
    store = await EventStore.open(url, schema=schema, max_batch=args.max_batch)
    try:
        boards = [f"board-{i:04d}" for i in range(args.boards)]
        owned = [boards[w :: args.writers] for w in range(args.writers)]
        latencies: list[float] = []
        cpu_started = time.process_time()
        started = time.perf_counter()
        deadline = started + args.seconds
        counts = await asyncio.gather(
            *(_writer(store, mine, deadline, latencies, args.random_ids) for mine in owned if mine)
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        latencies.sort()
        result: dict[str, Any] = {
            "backend": store.backend,
            "events": sum(counts),
            "seconds": round(elapsed, 2),
            "events_per_s": round(sum(counts) / elapsed),
            "cpu_us_per_event": round(cpu / max(sum(counts), 1) * 1e6, 1),
            "latency_ms_p50": round(latencies[len(latencies) // 2] * 1e3, 2),
            "latency_ms_p99": round(latencies[int(len(latencies) * 0.99)] * 1e3, 2),
            "batch_events": _batch_stats(store.batch_sizes),
            "boards": args.boards,
            "writers": args.writers,
            "ids": "random" if args.random_ids else "uuid7",
        }
        if args.verify:
            report = await store.verify()
            result["verified"] = report.ok and report.verified_up_to == sum(counts)
        return result
    finally:
        await store.close()


async def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as folder:
        return await run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", None, args)


async def run_postgres(args: argparse.Namespace) -> dict[str, Any]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        return await run(args.postgres_url, schema, args)
    finally:
        await drop_schemas(args.postgres_url, schema)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.append", description=__doc__)
    add_backend_options(parser, default="both")
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--writers", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-batch", type=int, default=512)
    parser.add_argument("--verify", action="store_true", help="verify the chain afterwards")
    parser.add_argument(
        "--random-ids",
        action="store_true",
        help="random UUID-4 event and command ids instead of the time-ordered UUIDv7 that "
        "the service and Plenary's clients mint",
    )
    args = parser.parse_args(argv)
    for backend in backends(args):
        runner = run_sqlite if backend == "sqlite" else run_postgres
        result = asyncio.run(runner(args))
        batches = result["batch_events"]
        print(
            f"{backend:>10}: {result['events_per_s']:>7,} events/s "
            f"({result['events']:,} in {result['seconds']} s, {result['cpu_us_per_event']} µs of "
            f"this process's CPU each; append p50 "
            f"{result['latency_ms_p50']} ms, p99 {result['latency_ms_p99']} ms; events per "
            f"commit mean {batches.get('mean')}, p50 {batches.get('p50')}, "
            f"p95 {batches.get('p95')}, max {batches.get('max')})",
            file=sys.stderr,
        )
        print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
