"""Rebuilding every projection over a demo-like log, with people's texts in the clear and sealed.

    python -m bench.rebuild --backend sqlite|postgresql|both --boards 100 --events 1000 --repeat 3

Writes the same workshop twice, into two fresh databases: once with texts in the clear (a plain
``EventStore``) and once as the service writes it (every personal string sealed by
``service.privacy.sealer``, read back through ``PrivateStore``). Each board is a session run
through the real deciders: people join, write notes, edit, move, recolour and cluster them,
label clusters, then a dot-vote round and a decision, so about 28% of the events carry a
sealed text. Then, alternating, each log has every projection rebuilt from the first
event (``ProjectionRunner.rebuild``, as ``plenary rebuild`` does) and is read whole
(``read_all`` in pages of 1,000, the fastest of three); the sealed log is also read through a
plain ``EventStore``, as stored: what its bigger rows cost without opening them. A summary goes
to stderr and one JSON line per backend to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from sqlalchemy.engine import make_url

from domain import board, decisions, facilitation, voting, workshop
from domain.actor import Actor
from domain.board_state import VoteTarget
from domain.codec import encode_event, event_type, tag_of
from domain.errors import DomainError
from domain.personal import SEALED
from domain.recorded import EventMeta
from domain.streams import board_stream, workshop_stream
from projections.runner import ProjectionRunner
from service.app import PROJECTIONS
from service.commands.runner import CommandRunner
from service.ids import new_id
from service.privacy.sealer import TextSealer
from service.privacy.store import PrivateStore
from service.readside.readmodels import SqlViewStore
from service.store import EventStore, NewEvent

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
WORKSHOP = "bench-workshop"
HOST = Actor(id="bench-host", role="facilitator", name="Host")
_WORDS = (
    "street school bus bike bench tree park night light tram lane parents shop market river "
    "bridge square noise safety children elderly council budget housing energy"
)
WORDS = tuple(_WORDS.split())

Decided = tuple[str, list[Any], Any, Actor]
"""One command's events: stream, events, the state they were decided on, the actor."""


def _text(rng: random.Random, low: int = 4, high: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def _session(
    rng: random.Random,
    board_id: str,
    people: list[Actor],
    events: int,
    workshop_id: str = WORKSHOP,
    max_notes: int | None = None,
) -> list[Decided]:
    """About ``events`` events of one board, decided one command at a time (once ``max_notes``
    notes are written, a note added would be a note moved)."""
    stream = board_stream(board_id)
    state = board.initial_state
    out: list[Decided] = []

    def do(command: Any, actor: Actor) -> None:
        nonlocal state
        try:
            decided = board.decide(state, command, actor)
        except DomainError:  # a dot too many on one item: the voter picks another
            return
        if decided:
            out.append((stream, decided, state, actor))
            state = board.fold(decided, state)

    do(board.CreateBoard(board_id=board_id, workshop_id=workshop_id, title=board_id), HOST)
    notes: list[tuple[str, Actor]] = []
    clusters: list[str] = []
    while len(out) < events * 0.9:
        roll, who = rng.random(), rng.choice(people)
        if (roll < 0.22 and len(notes) != max_notes) or not notes:
            note_id = f"{board_id}-n{len(notes)}"
            do(board.AddNote(note_id=note_id, text=_text(rng), x=rng.random(), y=1.0), who)
            notes.append((note_id, who))
        elif roll < 0.27:
            note_id, author = rng.choice(notes)
            do(board.EditNote(note_id=note_id, text=_text(rng)), author)
        elif roll < 0.30:
            cluster_id = f"{board_id}-c{len(clusters)}"
            do(board.CreateCluster(cluster_id=cluster_id, label=_text(rng, 2, 4), x=0, y=0), who)
            clusters.append(cluster_id)
        elif roll < 0.42 and clusters:
            note_id, _ = rng.choice(notes)
            do(board.ClusterNote(note_id=note_id, cluster_id=rng.choice(clusters)), who)
        elif roll < 0.47:
            note_id, author = rng.choice(notes)
            do(board.RecolourNote(note_id=note_id, colour=rng.choice(("pink", "blue"))), author)
        else:
            note_id, _ = rng.choice(notes)
            do(board.MoveNote(note_id=note_id, x=rng.random() * 900, y=rng.random() * 600), who)
    do(facilitation.ChangePhase(phase="vote"), HOST)
    ballot = tuple(clusters) or tuple(n for n, _ in notes[:20])
    target: VoteTarget = "clusters" if clusters else "notes"
    do(voting.OpenRound(round_id="r1", target=target, item_ids=ballot, budget=20), HOST)
    for _ in range(min(events - len(out) - 3, 20 * len(people))):
        do(voting.CastVote(round_id="r1", item_id=rng.choice(ballot)), rng.choice(people))
    do(voting.CloseRound(round_id="r1"), HOST)
    do(facilitation.ChangePhase(phase="decide"), HOST)
    rationale = _text(rng, 8, 20)
    do(decisions.RecordDecision(decision_id="d1", item_id=ballot[0], outcome="select",
                                rationale=rationale), HOST)  # fmt: skip
    return out


def workload(boards: int, events: int, seed: int) -> list[Decided]:
    """The whole workshop: everyone joins, then every board's session."""
    rng = random.Random(seed)
    people = [Actor(id=f"p-{i:04d}", role="participant", name=f"P{i}") for i in range(boards * 5)]
    out: list[Decided] = []
    state = workshop.initial_state
    stream = workshop_stream(WORKSHOP)
    create = workshop.CreateWorkshop(workshop_id=WORKSHOP, title="Bench")
    for command, actor in [(create, HOST)] + [
        (
            workshop.JoinWorkshop(
                actor_id=p.id, name=f"{_text(rng, 2, 2)}", organisation="City", role="participant"
            ),
            p,
        )
        for p in people
    ]:
        decided = workshop.decide(state, command, actor)
        out.append((stream, decided, state, actor))
        state = workshop.DECIDER.fold(decided, state)
    for index in range(boards):
        group = people[index * 5 : index * 5 + 5]
        out.extend(_session(rng, f"bench-b{index:04d}", group, events))
    return out


async def write(
    store: EventStore,
    decided: list[Decided],
    seal: TextSealer | None,
    versions: dict[str, int] | None = None,
) -> int:
    """Append ``decided`` in stream order, several commands per append, after ``versions``
    (stream → its version now; 0 for a stream not named); the bytes of data."""
    versions = dict(versions or {})
    pending: dict[str, list[NewEvent]] = {}
    size = 0

    async def flush(stream: str) -> None:
        batch = pending.pop(stream, [])
        if batch:
            command_id = new_id()
            meta = EventMeta(
                actor="bench", role="facilitator", command_id=command_id, correlation_id=command_id
            )
            recorded = await store.append(stream, batch, versions.get(stream, 0), meta)
            versions[stream] = recorded[-1].version

    for stream, events, state, actor in decided:
        stored = events if seal is None else await seal(stream, state, events, actor)
        new = [
            NewEvent(event_id=new_id(), type=event_type(e), data=encode_event(e)) for e in stored
        ]
        size += sum(len(n.data) for n in new)
        pending.setdefault(stream, []).extend(new)
        if len(pending[stream]) >= 200:
            await flush(stream)
    for stream in list(pending):
        await flush(stream)
    return size


async def rebuild_all(store: EventStore) -> float:
    """Seconds to rebuild every projection from the first event."""
    views = await SqlViewStore.for_store(store)
    try:
        runners = [ProjectionRunner(p, store, views) for p in PROJECTIONS]
        started = time.perf_counter()
        for runner in runners:
            await runner.rebuild()
        return time.perf_counter() - started
    finally:
        await views.close()


async def read_whole(store: EventStore, times: int = 3) -> float:
    """The fastest of ``times`` reads of the whole log, in pages of 1,000."""
    best = float("inf")
    for _ in range(times):
        started, after = time.perf_counter(), 0
        while page := await store.read_all(after, 1000):
            after = page[-1].position
        best = min(best, time.perf_counter() - started)
    return best


async def run(urls: dict[str, tuple[str, str | None]], args: argparse.Namespace) -> dict[str, Any]:
    decided = workload(args.boards, args.events, args.seed)
    plain = await EventStore.open(urls["plain"][0], schema=urls["plain"][1])
    sealed = await PrivateStore.open(urls["sealed"][0], schema=urls["sealed"][1])
    try:
        sizes = {
            "plain": await write(plain, decided, None),
            "sealed": await write(sealed, decided, TextSealer(sealed, CommandRunner(sealed))),
        }
        total = (await plain.head()).position
        assert total == (await sealed.head()).position
        await plain.close()
        await sealed.close()
        rebuild: dict[str, list[float]] = {"plain": [], "sealed": []}
        read: dict[str, list[float]] = {"plain": [], "sealed": [], "sealed_unopened": []}
        for _ in range(args.repeat):
            for kind in ("plain", "sealed", "sealed_unopened"):
                # The sealed log read as stored: the cost of its bigger rows, without opening.
                location = urls["plain" if kind == "plain" else "sealed"]
                opener = PrivateStore if kind == "sealed" else EventStore
                store = await opener.open(location[0], schema=location[1], read_only=True)
                try:
                    if kind in rebuild:
                        rebuild[kind].append(await rebuild_all(store))
                    read[kind].append(await read_whole(store))
                finally:
                    await store.close()
        median = {kind: statistics.median(times) for kind, times in rebuild.items()}
        return {
            "ref_us": _ref(),
            "backend": "sqlite" if urls["plain"][0].startswith("sqlite") else "postgresql",
            "events": total,
            "sealed_events": sum(1 for _, events, _, _ in decided for e in events if _has_text(e)),
            "data_mb": {kind: round(size / 1e6, 1) for kind, size in sizes.items()},
            "rebuild_s": {kind: [round(t, 2) for t in times] for kind, times in rebuild.items()},
            "rebuild_median_s": {kind: round(t, 2) for kind, t in median.items()},
            "rebuild_events_per_s": {kind: round(total / t) for kind, t in median.items()},
            "rebuild_ratio": round(median["sealed"] / median["plain"], 2),
            "read_all_median_s": {
                kind: round(statistics.median(times), 2) for kind, times in read.items()
            },
        }
    finally:
        await plain.close()
        await sealed.close()


def _ref() -> float:
    """The host's speed now: µs for one SHA-256 of 200 bytes (``docs/benchmarks.md``)."""
    seconds = timeit.timeit(lambda: hashlib.sha256(b"x" * 200).digest(), number=200_000)
    return round(seconds / 200_000 * 1e6, 2)


def _has_text(event: Any) -> bool:
    return tag_of(event) in SEALED


async def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=args.sqlite_dir) as folder:
        urls: dict[str, tuple[str, str | None]] = {
            k: (f"sqlite+aiosqlite:///{Path(folder) / k}.db", None) for k in ("plain", "sealed")
        }
        return await run(urls, args)


async def run_postgres(args: argparse.Namespace) -> dict[str, Any]:
    schemas = {k: f"bench_{k}_{uuid.uuid4().hex[:8]}" for k in ("plain", "sealed")}
    try:
        return await run({k: (args.postgres_url, s) for k, s in schemas.items()}, args)
    finally:
        dsn = make_url(args.postgres_url).set(drivername="postgresql")
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            for schema in schemas.values():
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rebuild", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--events", type=int, default=1000, help="events per board")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite-dir", default=None, help="folder for the SQLite files")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PLENARY_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="two fresh schemas are created there and dropped afterwards",
    )
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        result = asyncio.run((run_sqlite if backend == "sqlite" else run_postgres)(args))
        median, rate = result["rebuild_median_s"], result["rebuild_events_per_s"]
        print(
            f"{backend:>10}: {result['events']:,} events ({result['sealed_events']:,} with "
            f"sealed text); rebuild plain {median['plain']} s ({rate['plain']:,}/s), sealed "
            f"{median['sealed']} s ({rate['sealed']:,}/s), ratio {result['rebuild_ratio']}; "
            f"ref {result['ref_us']} µs; "
            f"read_all {result['read_all_median_s']}; data MB {result['data_mb']}",
            file=sys.stderr,
        )
        print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
