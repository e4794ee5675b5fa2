"""Rebuilding every projection over a demo-like log, with people's texts in the clear and sealed.

    python -m bench.rebuild --backend sqlite|postgresql|both --boards 1000 --events 1000 \
        --repeat 3 --keep DIR

Writes the same workshop (``bench.workload``) twice, into two databases: once with texts in the
clear (a plain ``EventStore``) and once as the service writes it (every personal string sealed
by ``service.privacy.sealer``, read back through ``PrivateStore``). With ``--keep DIR`` the logs
stay (SQLite files in DIR, PostgreSQL schemas named by the workload) and a later run with the
same ``--boards``, ``--events`` and ``--seed`` uses them as they are. Then, alternating, each
log has every projection rebuilt from the first event (``rebuild_all``, as ``plenary rebuild``
does) and is read whole (``read_all`` in pages of ``PAGE``, the fastest of ``--reads``); the
sealed log is also read through a plain ``EventStore``, as stored: what its bigger rows cost
without opening them. A summary goes to stderr and one JSON line per backend to stdout, with
the rebuild's CPU per event (this process, every thread) and the load average (1 minute) at
the start of each rebuild.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa

from bench.backends import add_backend_options, backends, drop_schemas
from bench.workload import workload, write
from service.app import PROJECTIONS
from service.commands.runner import CommandRunner
from service.privacy.marker import MARK
from service.privacy.sealer import TextSealer
from service.privacy.store import PrivateStore
from service.readside.readmodels import SqlViewStore
from service.readside.rebuild import PAGE, rebuild_all
from service.store import EventStore

Location = tuple[str, str | None]
"""A log: database URL and PostgreSQL schema."""


async def rebuild_every(store: EventStore) -> tuple[float, float]:
    """Seconds to rebuild every projection from the first event, as ``plenary rebuild`` does,
    and this process's CPU seconds meanwhile (every thread: on SQLite, the database's too)."""
    views = await SqlViewStore.for_store(store)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        await rebuild_all(PROJECTIONS, store, views)
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        await views.close()


async def read_whole(store: EventStore, times: int = 3) -> float:
    """The fastest of ``times`` reads of the whole log, in pages of ``PAGE`` (as a rebuild)."""
    best = float("inf")
    for _ in range(times):
        started, after = time.perf_counter(), 0
        while page := await store.read_all(after, PAGE):
            after = page[-1].position
        best = min(best, time.perf_counter() - started)
    return best


async def prepare(location: Location, kind: str, args: argparse.Namespace) -> float:
    """Write the workshop into an empty log (``kind`` plain or sealed); a log that holds
    events already (``--keep``) is used as it is. Seconds spent writing."""
    opener = PrivateStore if kind == "sealed" else EventStore
    store = await opener.open(location[0], schema=location[1])
    try:
        if (await store.head()).position:
            return 0.0
        started = time.perf_counter()
        seal = None
        if isinstance(store, PrivateStore):
            seal = TextSealer(store, CommandRunner(store))
        await write(store, workload(args.boards, args.events, args.seed), seal)
        return time.perf_counter() - started
    finally:
        await store.close()


async def census(store: EventStore) -> tuple[int, int, int]:
    """Events, events holding a sealed text, and bytes of ``data``, as stored."""
    has_mark = (
        "instr(data, :mark) > 0" if store.backend == "sqlite" else "position(:mark in data) > 0"
    )
    query = f"SELECT count(*), sum(CASE WHEN {has_mark} THEN 1 ELSE 0 END), sum(length(data))"
    async with store.engine.connect() as conn:
        row = (await conn.execute(sa.text(f"{query} FROM events"), {"mark": MARK})).one()
    return int(row[0]), int(row[1] or 0), int(row[2] or 0)


async def run(urls: dict[str, Location], args: argparse.Namespace) -> dict[str, Any]:
    written = {
        kind: round(await prepare(urls[kind], kind, args), 1) for kind in ("plain", "sealed")
    }
    counted: dict[str, tuple[int, int, int]] = {}
    for kind, location in urls.items():
        store = await EventStore.open(location[0], schema=location[1], read_only=True)
        try:
            counted[kind] = await census(store)
        finally:
            await store.close()
    total = counted["plain"][0]
    assert total == counted["sealed"][0], "the two logs differ: remove the kept ones"
    rebuild: dict[str, list[float]] = {"plain": [], "sealed": []}
    read: dict[str, list[float]] = {"plain": [], "sealed": [], "sealed_unopened": []}
    load: list[float] = []
    cpu: dict[str, list[float]] = {"plain": [], "sealed": []}
    for _ in range(args.repeat):
        for kind in ("plain", "sealed", "sealed_unopened"):
            # The sealed log read as stored: the cost of its bigger rows, without opening.
            location = urls["plain" if kind == "plain" else "sealed"]
            opener = PrivateStore if kind == "sealed" else EventStore
            store = await opener.open(location[0], schema=location[1], read_only=True)
            try:
                if kind in rebuild:
                    load.append(os.getloadavg()[0])
                    seconds, cpu_seconds = await rebuild_every(store)
                    rebuild[kind].append(seconds)
                    cpu[kind].append(cpu_seconds)
                if args.reads:
                    read[kind].append(await read_whole(store, args.reads))
            finally:
                await store.close()
    median = {kind: statistics.median(times) for kind, times in rebuild.items()}
    return {
        "ref_us": _ref(),
        "backend": "sqlite" if urls["plain"][0].startswith("sqlite") else "postgresql",
        "events": total,
        "sealed_events": counted["sealed"][1],
        "data_mb": {kind: round(counted[kind][2] / 1e6, 1) for kind in counted},
        "write_s": written,
        "load_average": [min(load), max(load)],
        "rebuild_s": {kind: [round(t, 2) for t in times] for kind, times in rebuild.items()},
        "rebuild_median_s": {kind: round(t, 2) for kind, t in median.items()},
        "rebuild_events_per_s": {kind: round(total / t) for kind, t in median.items()},
        "rebuild_cpu_us_per_event": {
            kind: round(statistics.median(times) / total * 1e6, 2) for kind, times in cpu.items()
        },
        "rebuild_ratio": round(median["sealed"] / median["plain"], 2),
        "read_all_median_s": {
            kind: round(statistics.median(times), 2) for kind, times in read.items() if times
        },
    }


def _ref() -> float:
    """The host's speed now: µs for one SHA-256 of 200 bytes (``docs/benchmarks.md``)."""
    seconds = timeit.timeit(lambda: hashlib.sha256(b"x" * 200).digest(), number=200_000)
    return round(seconds / 200_000 * 1e6, 2)


async def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    if args.keep is not None:  # main made the folder
        return await run(_sqlite_urls(Path(args.keep), _name(args)), args)
    with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as temporary:
        return await run(_sqlite_urls(Path(temporary), "rebuild"), args)


def _sqlite_urls(folder: Path, name: str) -> dict[str, Location]:
    return {k: (f"sqlite+aiosqlite:///{folder / name}-{k}.db", None) for k in ("plain", "sealed")}


def _name(args: argparse.Namespace) -> str:
    """What names a kept log: the workload that wrote it."""
    return f"rebuild_b{args.boards}_e{args.events}_s{args.seed}"


async def run_postgres(args: argparse.Namespace) -> dict[str, Any]:
    prefix = f"bench_{_name(args)}" if args.keep is not None else f"bench_{uuid.uuid4().hex[:8]}"
    schemas = {k: f"{prefix}_{k}" for k in ("plain", "sealed")}
    try:
        return await run({k: (args.postgres_url, s) for k, s in schemas.items()}, args)
    finally:
        if args.keep is None:
            await drop_schemas(args.postgres_url, *schemas.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    add_backend_options(
        parser,
        sqlite_help="folder for the SQLite files",
        postgres_help="two fresh schemas are created there and dropped afterwards",
    )
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--events", type=int, default=1000, help="events per board")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reads", type=int, default=3, help="whole reads of each log per repeat (0: none)"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        default=None,
        help="keep the logs (SQLite files in DIR, PostgreSQL schemas named by the workload) "
        "and use them again on the next run with the same --boards, --events and --seed",
    )
    args = parser.parse_args(argv)
    if args.keep is not None:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    for backend in backends(args):
        result = asyncio.run((run_sqlite if backend == "sqlite" else run_postgres)(args))
        median, rate = result["rebuild_median_s"], result["rebuild_events_per_s"]
        print(
            f"{backend:>10}: {result['events']:,} events ({result['sealed_events']:,} with "
            f"sealed text); rebuild plain {median['plain']} s ({rate['plain']:,}/s), sealed "
            f"{median['sealed']} s ({rate['sealed']:,}/s), ratio {result['rebuild_ratio']}; "
            f"CPU µs/event {result['rebuild_cpu_us_per_event']}; "
            f"ref {result['ref_us']} µs; load {result['load_average']}; "
            f"written in {result['write_s']} s; "
            f"read_all {result['read_all_median_s']}; data MB {result['data_mb']}",
            file=sys.stderr,
        )
        print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
