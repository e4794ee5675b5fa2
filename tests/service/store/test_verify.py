"""verify: an honest log passes; any edit, deletion or insertion is found at its exact position.

Rows are tampered with by raw SQL on the store's own engine, as an attacker with database access
would. The row is picked by a seeded random generator per case, so runs are repeatable but the
cases do not all hit the same row.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest
import sqlalchemy as sa

from domain.recorded import RecordedEvent
from service.store import Checkpoint, EventStore
from service.store.chain import CANONICAL_COLUMNS, link_hash
from service.store.schema import events
from tests.service.store.support import seed_log

TOTAL = 24
FORGED = hashlib.sha256(b"forged").digest()

# column -> (SQL expression for the new value, reason verify gives)
UPDATES: dict[str, tuple[str, str]] = {
    "data": (":forged", "hash mismatch"),
    "type": ("'note.forged'", "hash mismatch"),
    "actor": ("'mallory'", "hash mismatch"),
    "role": ("'auditor'", "hash mismatch"),
    "recorded_at": ("recorded_at + 1", "hash mismatch"),
    "stream_id": ("'board-forged'", "hash mismatch"),
    "version": ("version + 1000", "hash mismatch"),
    "event_id": ("'00000000-0000-4000-8000-000000000000'", "hash mismatch"),
    "command_id": ("'forged-command'", "hash mismatch"),
    "correlation_id": ("'forged-correlation'", "hash mismatch"),
    "causation_id": ("CASE WHEN causation_id IS NULL THEN 'forged' END", "hash mismatch"),
    "prev_hash": (":forged", "prev_hash mismatch"),
    "hash": (":forged", "hash mismatch"),
}


def _pick(case: str, low: int = 1, high: int = TOTAL) -> int:
    return random.Random(case).randint(low, high)


async def _execute(store: EventStore, sql: str, **params: Any) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(sa.text(sql), params)


async def _insert(store: EventStore, row: dict[str, Any]) -> None:
    async with store.engine.begin() as conn:
        await conn.execute(sa.insert(events).values(**row))


def _row(event: RecordedEvent, **changes: Any) -> dict[str, Any]:
    """``event`` as an ``events`` row (a convenient base for a forged one)."""
    row = {
        "position": event.position,
        "stream_id": event.stream_id,
        "version": event.version,
        "event_id": event.event_id,
        "type": event.type,
        "data": event.data,
        "recorded_at": 0,
        "actor": event.meta.actor,
        "role": event.meta.role,
        "command_id": event.meta.command_id,
        "correlation_id": event.meta.correlation_id,
        "causation_id": event.meta.causation_id,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    return row | changes


def _chained(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with a hash that is correct for its prev_hash and fields."""
    return row | {"hash": link_hash(row["prev_hash"], [row[c] for c in CANONICAL_COLUMNS])}


async def test_honest_log_verifies(store: EventStore) -> None:
    log = await seed_log(store, TOTAL)
    progress: list[tuple[int, int]] = []

    report = await store.verify(
        [Checkpoint(5, log[4].hash), Checkpoint(TOTAL, log[-1].hash)],
        progress=lambda done, head: progress.append((done, head)),
    )

    assert (report.ok, report.verified_up_to, report.head) == (True, TOTAL, TOTAL)
    assert (report.first_bad_position, report.reason) == (None, None)
    assert progress[-1] == (TOTAL, TOTAL)


async def test_empty_log_verifies(store: EventStore) -> None:
    report = await store.verify()
    assert (report.ok, report.verified_up_to, report.head) == (True, 0, 0)


@pytest.mark.parametrize("column", sorted(UPDATES))
async def test_update_of_any_column_is_found_at_its_row(store: EventStore, column: str) -> None:
    await seed_log(store, TOTAL)
    position = _pick(column)
    value, reason = UPDATES[column]
    await _execute(
        store,
        f"UPDATE events SET {column} = {value} WHERE position = :p",
        p=position,
        **({"forged": FORGED} if ":forged" in value else {}),
    )

    report = await store.verify()

    assert (report.ok, report.first_bad_position, report.reason) == (False, position, reason)
    assert report.verified_up_to == position - 1


async def test_moving_a_row_to_another_position_is_a_gap(store: EventStore) -> None:
    await seed_log(store, TOTAL)
    position = _pick("position", 1, TOTAL - 1)
    await _execute(store, "UPDATE events SET position = 1000 WHERE position = :p", p=position)

    report = await store.verify()

    assert (report.first_bad_position, report.reason) == (
        position,
        f"position gap: {position} missing",
    )
    assert report.head == 1000


@pytest.mark.parametrize("where", ["first", "middle", "last"])
async def test_deleted_row_is_found(store: EventStore, where: str) -> None:
    log = await seed_log(store, TOTAL)
    position = {"first": 1, "middle": _pick("delete"), "last": TOTAL}[where]
    await _execute(store, "DELETE FROM events WHERE position = :p", p=position)
    signed = [Checkpoint(TOTAL, log[-1].hash)]

    report = await store.verify(signed)

    reason = (
        f"log ends before signed checkpoint at {TOTAL}"
        if where == "last"
        else f"position gap: {position} missing"
    )
    assert (report.ok, report.first_bad_position, report.reason) == (False, position, reason)
    assert report.verified_up_to == position - 1


async def test_a_cut_tail_is_only_caught_by_a_checkpoint(store: EventStore) -> None:
    log = await seed_log(store, TOTAL)
    await _execute(store, "DELETE FROM events WHERE position > 20")

    assert (await store.verify()).ok
    report = await store.verify([Checkpoint(22, log[21].hash)])
    assert (report.first_bad_position, report.reason) == (
        21,
        "log ends before signed checkpoint at 22",
    )


@pytest.mark.parametrize(
    "forgery", ["copy", "bad-hash", "chained-version-gap", "beyond-gap", "position-zero"]
)
async def test_inserted_row_is_found(store: EventStore, forgery: str) -> None:
    log = await seed_log(store, TOTAL)
    source = log[_pick(forgery) - 1]
    last = log[-1]
    fresh = {"event_id": "11111111-1111-4111-8111-111111111111", "command_id": "forged"}
    next_version = max(e.version for e in log if e.stream_id == source.stream_id) + 1
    row, bad, reason = {
        "copy": (
            _row(source, position=TOTAL + 1, version=next_version, **fresh),
            TOTAL + 1,
            "prev_hash mismatch",
        ),
        "bad-hash": (
            _row(
                source,
                position=TOTAL + 1,
                version=next_version,
                prev_hash=last.hash,
                hash=FORGED,
                **fresh,
            ),
            TOTAL + 1,
            "hash mismatch",
        ),
        "chained-version-gap": (
            _chained(
                _row(
                    source,
                    position=TOTAL + 1,
                    version=next_version + 1,
                    prev_hash=last.hash,
                    **fresh,
                )
            ),
            TOTAL + 1,
            "stream version gap",
        ),
        "beyond-gap": (
            _chained(
                _row(source, position=TOTAL + 2, version=next_version, prev_hash=last.hash, **fresh)
            ),
            TOTAL + 1,
            f"position gap: {TOTAL + 1} missing",
        ),
        "position-zero": (
            _row(source, position=0, stream_id="board-forged", version=1, **fresh),
            0,
            "unexpected position 0",
        ),
    }[forgery]
    await _insert(store, row)

    report = await store.verify()

    assert report.ok is False
    assert report.first_bad_position == bad
    assert report.reason is not None
    assert report.reason.startswith(reason)


async def test_rehashed_forgery_is_caught_by_the_first_checkpoint_after_it(
    store: EventStore,
) -> None:
    log = await seed_log(store, TOTAL)
    position = _pick("rehash", 3, 18)
    signed = [Checkpoint(p, log[p - 1].hash) for p in range(5, TOTAL + 1, 5)]
    prev = log[position - 2].hash
    for event in log[position - 1 :]:  # edit one row, then re-chain everything after it
        data = b'{"forged":true}' if event.position == position else event.data
        async with store.engine.connect() as conn:
            at = await conn.scalar(
                sa.select(events.c.recorded_at).where(events.c.position == event.position)
            )
        row = _chained(_row(event, data=data, recorded_at=at, prev_hash=prev))
        await _execute(
            store,
            "UPDATE events SET data = :d, prev_hash = :p, hash = :h WHERE position = :pos",
            d=data,
            p=prev,
            h=row["hash"],
            pos=event.position,
        )
        prev = row["hash"]

    assert (await store.verify()).ok  # without checkpoints, a full re-hash is consistent
    report = await store.verify(signed)
    first_signed_after = next(p for p in range(5, TOTAL + 1, 5) if p >= position)
    assert (report.first_bad_position, report.reason) == (first_signed_after, "checkpoint mismatch")
