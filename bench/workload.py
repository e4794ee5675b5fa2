"""A demo-like workshop log for the benchmarks: a session per board, run through the real
deciders, written with or without sealing (``bench.rebuild``, ``bench.replay``,
``bench.catchup``, ``bench.canvas``).

Each board is a session: people join, write notes, edit, move, recolour and cluster them,
label clusters, then a dot-vote round and a decision; about 28% of the events carry a personal
text. ``workload`` yields it a board at a time and ``write`` appends each part as it comes, so
a log of a million events never sits in memory.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable, Iterator
from typing import Any

from domain import board, decisions, facilitation, voting, workshop
from domain.actor import Actor
from domain.board_state import VoteTarget
from domain.codec import encode_event, event_type
from domain.errors import DomainError
from domain.recorded import EventMeta
from domain.streams import board_stream, workshop_stream
from service.ids import new_id
from service.privacy.sealer import TextSealer
from service.store import EventStore, NewEvent

WORKSHOP = "bench-workshop"
HOST = Actor(id="bench-host", role="facilitator", name="Host")
_WORDS = (
    "street school bus bike bench tree park night light tram lane parents shop market river "
    "bridge square noise safety children elderly council budget housing energy"
)
WORDS = tuple(_WORDS.split())

Decided = tuple[str, list[Any], Any, Actor]
"""One command's events: stream, events, the state they were decided on, the actor."""
APPEND = 1000
"""Events in one append at the most, when writing the workshop."""
TOGETHER = 8
"""Boards written at once: their appends share commits."""


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


def workload(boards: int, events: int, seed: int) -> Iterator[list[Decided]]:
    """The whole workshop, a part at a time: everyone joining, then each board's session."""
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
    yield out
    for index in range(boards):
        group = people[index * 5 : index * 5 + 5]
        yield _session(rng, f"bench-b{index:04d}", group, events)


async def write(
    store: EventStore,
    parts: Iterable[list[Decided]],
    seal: TextSealer | None,
    versions: dict[str, int] | None = None,
) -> None:
    """Append every part, in order, after ``versions`` (stream → its version now; 0 for a
    stream not named): its events sealed (with ``seal``), in appends of up to ``APPEND``
    events, up to ``TOGETHER`` parts on distinct streams at a time so that the store commits
    their appends together."""
    versions = dict(versions or {})

    async def one(part: list[Decided]) -> None:
        streams: dict[str, list[NewEvent]] = {}
        for stream, events, state, actor in part:
            stored = events if seal is None else await seal(stream, state, events, actor)
            streams.setdefault(stream, []).extend(
                NewEvent(event_id=new_id(), type=event_type(e), data=encode_event(e))
                for e in stored
            )
        for stream, new in streams.items():
            for start in range(0, len(new), APPEND):
                command_id = new_id()
                meta = EventMeta(
                    actor="bench", role="facilitator", command_id=command_id,
                    correlation_id=command_id,
                )  # fmt: skip
                chunk = new[start : start + APPEND]
                recorded = await store.append(stream, chunk, versions.get(stream, 0), meta)
                versions[stream] = recorded[-1].version

    batch: list[list[Decided]] = []
    busy: set[str] = set()
    for part in parts:
        streams = {stream for stream, _, _, _ in part}
        if len(batch) == TOGETHER or streams & busy:
            await asyncio.gather(*(one(p) for p in batch))
            batch, busy = [], set()
        batch.append(part)
        busy |= streams
    await asyncio.gather(*(one(p) for p in batch))
