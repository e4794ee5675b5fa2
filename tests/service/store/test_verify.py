"""verify: an honest log passes; every kind of tampering is found at its first bad position,
and verifying writes nothing.

Each case seals a log of 24 events (signed checkpoints at 8 and 16, so 17..24 come after the
last one), closes the store, tampers with the tables by raw SQL as someone with database
access would, and runs the read-only audit that ``plenary verify`` runs. The positions a case
hits are drawn by a generator seeded with its name: repeatable, but not all the same row.

The seeded log's commands span positions 1, 2-3, 4-6, 7, 8-9, 10-12, 13, 14-15, 16-18, 19,
20-21 and 22-24 (``support.seed_log``).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.recorded import RecordedEvent
from service.integrity import checkpoints
from service.integrity.audit import audit, statement
from service.store import Checkpoint, EventStore, VerifyReport
from service.store import verify as verifying
from service.store.chain import link_hash
from service.store.engine import create_engine
from service.store.schema import EVENT_ROW, events, metadata
from tests.conftest import StoreLocation, postgres_connection
from tests.service.store.support import seed_log

TOTAL = 24
SIGNED_AT = (8, 16)
SPANS = [(1, 1), (2, 3), (4, 6), (7, 7), (8, 9), (10, 12), (13, 13), (14, 15), (16, 18), (19, 19)]
SPANS += [(20, 21), (22, 24)]
FORGED = hashlib.sha256(b"forged").digest()


@dataclass
class Sealed:
    """A sealed log, its store closed: the tables are the tamperer's."""

    location: StoreLocation
    log: list[RecordedEvent]
    data_dir: Path
    key: Ed25519PrivateKey

    async def sql(self, sql: str, **params: Any) -> None:
        """Run one statement on the log's database, as a tamperer would."""
        engine, _ = create_engine(self.location.url, self.location.schema)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.text(sql), params)
        finally:
            await engine.dispose()

    async def rows(self) -> list[list[Any]]:
        engine, _ = create_engine(self.location.url, self.location.schema)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(sa.select(*EVENT_ROW).order_by(events.c.position))
                return [list(row) for row in result]
        finally:
            await engine.dispose()

    async def rehash(self, edits: dict[int, dict[int, Any]], *, commands_too: bool) -> None:
        """Apply ``edits`` ({position: {column index: value}}), re-chain every row from the
        first edited one to the head; with ``commands_too``, re-record the commands' hashes."""
        rows = await self.rows()
        start = min(edits)
        for row in rows[start - 1 :]:
            for column, value in edits.get(row[0], {}).items():
                row[column] = value
            row[12] = rows[row[0] - 2][13] if row[0] > 1 else row[12]
            row[13] = link_hash(row[12], tuple(row[:12]))
            await self.sql(
                "UPDATE events SET data = :data, version = :version, prev_hash = :prev, "
                "hash = :hash WHERE position = :position",
                data=row[5],
                version=row[2],
                prev=row[12],
                hash=row[13],
                position=row[0],
            )
        if commands_too:
            for first, last in SPANS:
                hashes = b"".join(bytes(row[13]) for row in rows[first - 1 : last])
                await self.sql(
                    "UPDATE commands SET hashes = :h WHERE first_position = :f", h=hashes, f=first
                )

    async def append_forged(self) -> None:
        """One event after the head, chained correctly, recorded by no command."""
        last = self.log[-1]
        fields = (
            TOTAL + 1,
            last.stream_id,
            last.version + 1,
            str(uuid.uuid4()),
            "note.added",
            b'{"text":"forged"}',
            0,
            "mallory",
            "facilitator",
            "forged-command",
            "forged-command",
            None,
        )
        row = dict(zip([c.name for c in EVENT_ROW], fields, strict=False))
        row |= {"prev_hash": last.hash, "hash": link_hash(last.hash, fields)}
        engine, _ = create_engine(self.location.url, self.location.schema)
        try:
            async with engine.begin() as conn:
                await conn.execute(sa.insert(events).values(**row))
        finally:
            await engine.dispose()

    async def audit(self) -> VerifyReport:
        path = self.data_dir / checkpoints.CHECKPOINTS_FILE
        return await audit(self.location.url, self.location.schema, path, self.key.public_key())


@pytest.fixture
async def sealed(store_location: StoreLocation, tmp_path: Path) -> Sealed:
    store = await store_location.open()
    try:
        log = await seed_log(store, TOTAL)
        epoch = store.epoch
    finally:
        await store.close()
    spans: dict[str, list[int]] = {}
    for event in log:
        spans.setdefault(event.meta.command_id, []).append(event.position)
    assert [(p[0], p[-1]) for p in spans.values()] == SPANS  # what the cases rely on
    data_dir = tmp_path / "var"
    key = checkpoints.load_or_create_key(data_dir)
    for position in SIGNED_AT:
        checkpoints.append(data_dir, checkpoints.sign(key, epoch, position, log[position - 1].hash))
    return Sealed(store_location, log, data_dir, key)


def pick(case: str, low: int, high: int) -> int:
    return random.Random(case).randint(low, high)


def command_of(position: int) -> tuple[int, int]:
    return next(span for span in SPANS if span[0] <= position <= span[1])


Tamper = Callable[[Sealed], Awaitable[tuple[int | None, str]]]
"""Tampers with a sealed log; returns the first bad position verify must name, and the
start of its reason."""

# column -> (SQL for the new value, reason): an edit of one row, not re-chained
EDITS: dict[str, tuple[str, str]] = {
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


def edit(column: str) -> Tamper:
    async def tamper(log: Sealed) -> tuple[int | None, str]:
        position = pick(column, 1, TOTAL)
        value, reason = EDITS[column]
        params = {"forged": FORGED} if ":forged" in value else {}
        await log.sql(
            f"UPDATE events SET {column} = {value} WHERE position = :p", p=position, **params
        )
        return position, reason

    return tamper


async def moved_away(log: Sealed) -> tuple[int | None, str]:
    position = pick("moved", 1, TOTAL - 1)
    await log.sql("UPDATE events SET position = 1000 WHERE position = :p", p=position)
    return position, f"position gap: {position} missing"


async def deleted_in_the_middle(log: Sealed) -> tuple[int | None, str]:
    position = pick("deleted", 2, TOTAL - 1)
    await log.sql("DELETE FROM events WHERE position = :p", p=position)
    return position, f"position gap: {position} missing"


async def inserted_after_the_head(log: Sealed) -> tuple[int | None, str]:
    source = log.log[pick("inserted", 1, TOTAL) - 1]
    await log.sql(
        "INSERT INTO events SELECT :p, stream_id, 1000, 'x-' || event_id, type, data, "
        "recorded_at, actor, role, command_id, correlation_id, causation_id, prev_hash, hash "
        "FROM events WHERE position = :source",
        p=TOTAL + 1,
        source=source.position,
    )
    return TOTAL + 1, "prev_hash mismatch"


async def inserted_at_zero(log: Sealed) -> tuple[int | None, str]:
    await log.sql(
        "INSERT INTO events SELECT 0, 'board-forged', 1, 'x-' || event_id, type, data, "
        "recorded_at, actor, role, command_id, correlation_id, causation_id, prev_hash, hash "
        "FROM events WHERE position = 5"
    )
    return 0, "unexpected position 0"


async def swapped(log: Sealed) -> tuple[int | None, str]:
    position = pick("swapped", 1, TOTAL - 1)
    await log.sql("UPDATE events SET position = -1 WHERE position = :p", p=position)
    await log.sql("UPDATE events SET position = :p WHERE position = :q", p=position, q=position + 1)
    await log.sql("UPDATE events SET position = :q WHERE position = -1", q=position + 1)
    return position, "prev_hash mismatch"


# fixed tampering: the statements, the first bad position, the start of verify's reason
BY_SQL: dict[str, tuple[list[str], int | None, str]] = {
    "deleted-at-the-head": (
        [f"DELETE FROM events WHERE position = {TOTAL}"],
        TOTAL,
        "missing: the commands row of",
    ),
    "cut-after-the-last-checkpoint": (
        ["DELETE FROM events WHERE position > 20"],
        21,
        "missing: the commands row of",
    ),
    "cut-before-the-last-checkpoint": (
        ["DELETE FROM events WHERE position > 12"],
        13,
        "the log ends at 12, before the signed checkpoint at 16",
    ),
    "cut-with-its-commands": (
        [
            "DELETE FROM events WHERE position > 12",
            "DELETE FROM commands WHERE first_position > 12",
        ],
        13,
        "the log ends at 12, before the signed checkpoint at 16",
    ),
    "command-shortened": (
        ["UPDATE commands SET last_position = 11 WHERE first_position = 10"],
        12,
        "the commands row of",
    ),
    "command-widened": (
        ["UPDATE commands SET first_position = 9 WHERE first_position = 10"],
        9,
        "the commands row of",
    ),
    "epoch-changed": (
        ["UPDATE store_meta SET value = 'forged-epoch' WHERE key = 'epoch'"],
        None,
        "",
    ),
}


def by_sql(case: str) -> Tamper:
    async def tamper(log: Sealed) -> tuple[int | None, str]:
        statements, position, reason = BY_SQL[case]
        for sql in statements:
            await log.sql(sql)
        return position, reason

    return tamper


def rehashed(low: int, high: int, *, commands_too: bool = False, epoch: bool = False) -> Tamper:
    async def tamper(log: Sealed) -> tuple[int | None, str]:
        position = pick(f"rehash-{low}-{high}-{commands_too}-{epoch}", low, high)
        await log.rehash({position: {5: b'{"forged":true}'}}, commands_too=commands_too)
        if epoch:
            await log.sql("UPDATE store_meta SET value = 'forged-epoch' WHERE key = 'epoch'")
        if commands_too:  # only a signature shows it: the first checkpoint after the edit
            return next(p for p in SIGNED_AT if p >= position), "hash differs from the signed"
        return position, "hash differs from the one command"

    return tamper


async def forged_at_the_end(log: Sealed) -> tuple[int | None, str]:
    await log.append_forged()
    return TOTAL + 1, "no commands row records command 'forged-command'"


async def command_deleted(log: Sealed) -> tuple[int | None, str]:
    first, _ = command_of(pick("command-deleted", 1, TOTAL))
    await log.sql("DELETE FROM commands WHERE first_position = :f", f=first)
    return first, "no commands row records command"


async def command_moved_to_another_stream(log: Sealed) -> tuple[int | None, str]:
    first, _ = command_of(pick("command-stream", 1, TOTAL))
    await log.sql("UPDATE commands SET stream_id = 'board-x' WHERE first_position = :f", f=first)
    return first, "the commands row of"


async def command_hash_edited(log: Sealed) -> tuple[int | None, str]:
    position = pick("command-hash", 22, 24)
    hashes = b"".join(event.hash for event in log.log[21:24])
    offset = (position - 22) * 32
    forged = hashes[:offset] + FORGED + hashes[offset + 32 :]
    await log.sql("UPDATE commands SET hashes = :h WHERE first_position = 22", h=forged)
    return position, "hash differs from the one command"


async def command_forged_after_the_head(log: Sealed) -> tuple[int | None, str]:
    await log.sql(
        "INSERT INTO commands (command_id, stream_id, first_position, last_position, hashes) "
        "VALUES ('forged', 'board-a', 30, 31, :h)",
        h=FORGED * 2,
    )
    return 30, "missing: the commands row of 'forged'"


async def version_renumbered(log: Sealed) -> tuple[int | None, str]:
    position = pick("version", 4, TOTAL)
    version = log.log[position - 1].version
    await log.rehash({position: {2: version + 1000}}, commands_too=True)
    return position, "stream version gap"


CASES: dict[str, Tamper] = {
    **{f"edit-{column}": edit(column) for column in EDITS},
    **{case: by_sql(case) for case in BY_SQL},
    "moved-away": moved_away,
    "deleted-in-the-middle": deleted_in_the_middle,
    "inserted-after-the-head": inserted_after_the_head,
    "inserted-at-zero": inserted_at_zero,
    "swapped": swapped,
    "rehashed-after-the-last-checkpoint": rehashed(17, TOTAL),
    "rehashed-across-checkpoints": rehashed(2, 15),
    "rehashed-whole-with-epoch-changed": rehashed(2, 7, epoch=True),
    "rehashed-with-its-commands": rehashed(9, 15, commands_too=True),
    "rehashed-with-its-commands-and-epoch": rehashed(2, 7, commands_too=True, epoch=True),
    "forged-at-the-end": forged_at_the_end,
    "command-deleted": command_deleted,
    "command-moved-to-another-stream": command_moved_to_another_stream,
    "command-hash-edited": command_hash_edited,
    "command-forged-after-the-head": command_forged_after_the_head,
    "version-renumbered": version_renumbered,
}


async def test_an_honest_sealed_log_verifies(sealed: Sealed) -> None:
    before = await _snapshot(sealed)

    report = await sealed.audit()

    assert report.ok, statement(report)
    assert (report.head, report.verified_up_to, report.head_hash) == (
        TOTAL,
        TOTAL,
        sealed.log[-1].hash,
    )
    assert (report.checkpoints_signed, report.checkpoints_matched) == (2, 2)
    assert report.latest_checkpoint == 16
    assert (report.first_bad_position, report.reason, report.problems) == (None, None, ())
    assert statement(report)[-1].startswith("positions 17..24 come after the latest signed")
    assert await _snapshot(sealed) == before


async def test_commands_recorded_before_their_hashes_are_proved_by_the_chain(
    sealed: Sealed,
) -> None:
    """Rows written before revision 0002 hold no hashes: verify passes and counts them; an
    edit there, re-hashed to the head, is found at the first position after it whose
    command recorded its hash (here also a signed checkpoint)."""
    await sealed.sql("UPDATE commands SET hashes = NULL WHERE first_position < 8")
    report = await sealed.audit()
    assert (report.ok, report.unrecorded) == (True, 7)
    assert "(7 of them from before commands recorded hashes: chain only)" in statement(report)[2]

    await sealed.rehash({5: {5: b'{"forged":true}'}}, commands_too=False)
    report = await sealed.audit()
    assert report.first_bad_position == 8
    assert report.reason is not None
    assert report.reason.startswith("hash differs from the one command")


@pytest.mark.parametrize("case", sorted(CASES))
async def test_tampering_is_found_at_its_first_bad_position(sealed: Sealed, case: str) -> None:
    expected, reason = await CASES[case](sealed)
    before = await _snapshot(sealed)

    report = await sealed.audit()

    assert report.ok is False
    assert report.first_bad_position == expected, statement(report)
    if expected is not None:
        assert report.reason is not None
        assert report.reason.startswith(reason), report.reason
        assert report.verified_up_to == max(min(expected - 1, report.head), 0)
    assert bool(report.problems) == ("epoch" in case), report.problems
    proved = [p for p in SIGNED_AT if p <= report.verified_up_to]
    assert report.checkpoints_matched == len(proved)
    assert await _snapshot(sealed) == before  # the database, the key, the checkpoints


@pytest.mark.parametrize("case", ["command-forged-after-the-head", "deleted-at-the-head"])
async def test_chunks_smaller_than_the_flaws_find_the_same_position(
    sealed: Sealed, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read goes in chunks (memory stays bounded): with chunks of 2 rows, the walk, the
    spans with flaws and each span's events take several, and the answer is the same."""
    for n in range(5):  # more commands rows with flaws than a chunk holds, all after the head
        await sealed.sql(
            "INSERT INTO commands (command_id, stream_id, first_position, last_position) "
            f"VALUES ('late-{n}', 'board-a', {40 + n}, {40 + n})"
        )
    expected, reason = await CASES[case](sealed)
    monkeypatch.setattr(verifying, "CHUNK", 2)

    report = await sealed.audit()

    assert (report.first_bad_position, report.checkpoints_matched) == (expected, 2)
    assert report.reason is not None
    assert report.reason.startswith(reason)


async def test_checkpoint_lines_not_signed_by_the_key_are_reported(sealed: Sealed) -> None:
    path = sealed.data_dir / checkpoints.CHECKPOINTS_FILE
    genuine = path.read_bytes().splitlines()
    forged = genuine[0].replace(b'"position":8', b'"position":9')
    path.write_bytes(b"\n".join([*genuine, forged, b"{not json"]) + b"\n")

    report = await sealed.audit()

    assert report.ok is False
    assert report.first_bad_position is None
    assert report.problems == (
        "checkpoints.jsonl line 3 carries no valid signature",
        "checkpoints.jsonl line 4 carries no valid signature",
    )
    assert (report.checkpoints_matched, report.latest_checkpoint) == (2, 16)


async def test_checkpoints_of_another_epoch_vouch_for_nothing(sealed: Sealed) -> None:
    """A file the key signed, holding no checkpoint of this log's epoch: reported, and still
    compared with the log (its position 3 does not carry that hash)."""
    path = sealed.data_dir / checkpoints.CHECKPOINTS_FILE
    path.unlink()
    checkpoints.append(sealed.data_dir, checkpoints.sign(sealed.key, "another-epoch", 3, FORGED))

    report = await sealed.audit()

    assert report.ok is False
    [problem] = report.problems
    assert problem.startswith(
        "checkpoints.jsonl holds 1 signed checkpoint(s) of epoch another-epoch (the latest at "
        "position 3), not of this log's epoch "
    )
    assert (report.first_bad_position, report.reason) == (
        3,
        "hash differs from the signed checkpoint's",
    )


async def test_an_empty_log_verifies(store: EventStore) -> None:
    report = await store.verify()
    assert (report.ok, report.verified_up_to, report.head, report.checkpoints_matched) == (
        True,
        0,
        0,
        0,
    )


async def test_progress_is_reported_up_to_the_head(store: EventStore) -> None:
    log = await seed_log(store, TOTAL)
    progress: list[tuple[int, int]] = []

    report = await store.verify(
        [Checkpoint(5, log[4].hash)], progress=lambda done, head: progress.append((done, head))
    )

    assert (report.ok, report.checkpoints_matched, report.latest_checkpoint) == (True, 1, 5)
    assert progress[-1] == (TOTAL, TOTAL)


async def _snapshot(log: Sealed) -> dict[str, Any]:
    """The data folder's files and the database's content, byte for byte."""
    return {"files": _files(log.data_dir), "database": await _database(log.location)}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _sqlite_file(url: str) -> bytes:
    path = Path(url.split("///", 1)[1])
    wal = path.with_name(f"{path.name}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # no write pending anywhere
    return path.read_bytes()


async def _database(location: StoreLocation) -> Any:
    if location.schema is None:
        return _sqlite_file(location.url)
    conn = await postgres_connection(location.url)
    try:
        tables = [*metadata.tables, "alembic_version"]
        return {
            table: [
                tuple(row)
                for row in await conn.fetch(
                    f'SELECT * FROM "{location.schema}"."{table}" ORDER BY 1, 2'
                    if table != "alembic_version"
                    else f'SELECT * FROM "{location.schema}"."{table}"'
                )
            ]
            for table in tables
        }
    finally:
        await conn.close()
