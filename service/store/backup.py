"""A whole store as one file, and that file into an empty store: the same positions, the same
hashes, the same epoch, so ``plenary verify`` and kept signed checkpoints hold on the copy.

The file is JSON Lines: a ``header`` (format, epoch, head), every ``event`` row in position
order, every ``command`` row, every ``person_key`` row, and an ``end`` line with the counts, so a
cut file is refused rather than half restored. Bytes are base64. The person keys are in it (an
erased person's key is ``null``): whoever holds the file can read every sealed text, so it is
written readable by its owner only. Snapshots and read models are caches and are rebuilt.

``load`` decides everything inside one transaction under the append lock: an import into a
store that holds anything, a file of another format, a broken chain or a missing line raise
``BackupRefused`` and leave the store as it was.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from service.store.chain import CANONICAL_COLUMNS, ZERO_HASH, link_hash
from service.store.errors import StoreError
from service.store.migrate import advisory_call, advisory_key
from service.store.schema import EVENT_ROW, commands, events, person_keys, store_meta
from service.store.store import EventStore

FORMAT = "plenary-backup"
VERSION = 1
_CHUNK = 1000


class BackupRefused(StoreError):
    """The file cannot be restored into this store; nothing was written."""

    code = "backup_refused"


class Header(msgspec.Struct, frozen=True, tag="header", tag_field="kind"):
    format: str
    version: int
    epoch: str
    head: int
    head_hash: bytes


class EventRow(msgspec.Struct, frozen=True, tag="event", tag_field="kind"):
    position: int
    stream_id: str
    version: int
    event_id: str
    type: str
    data: bytes
    recorded_at: int
    actor: str
    role: str
    command_id: str
    correlation_id: str
    causation_id: str | None
    prev_hash: bytes
    hash: bytes


class CommandRow(msgspec.Struct, frozen=True, tag="command", tag_field="kind"):
    command_id: str
    stream_id: str
    first_position: int
    last_position: int
    hashes: bytes | None


class KeyRow(msgspec.Struct, frozen=True, tag="person_key", tag_field="kind"):
    person_id: str
    key: bytes | None
    created_at: int
    erased_at: int | None


class End(msgspec.Struct, frozen=True, tag="end", tag_field="kind"):
    events: int
    commands: int
    person_keys: int


Line = Header | EventRow | CommandRow | KeyRow | End
_TABLES: dict[type[Line], sa.Table] = {EventRow: events, CommandRow: commands, KeyRow: person_keys}
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Line).decode


class Restored(msgspec.Struct, frozen=True):
    epoch: str
    head: int
    head_hash: bytes
    commands: int
    person_keys: int


async def dump(store: EventStore) -> AsyncIterator[bytes]:
    """The store's lines, each ending in a newline, read in one transaction (one snapshot)."""
    options = {"isolation_level": "REPEATABLE READ"} if store.backend == "postgresql" else {}
    async with store.engine.execution_options(**options).connect() as conn, conn.begin():
        epoch = await conn.scalar(sa.select(store_meta.c.value).where(store_meta.c.key == "epoch"))
        newest = sa.select(events.c.position, events.c.hash).order_by(events.c.position.desc())
        last = (await conn.execute(newest.limit(1))).first()
        head, head_hash = (int(last[0]), bytes(last[1])) if last else (0, ZERO_HASH)
        yield _line(Header(FORMAT, VERSION, str(epoch), head, head_hash))
        counts = [0, 0, 0]
        after = 0
        while rows := (
            await conn.execute(
                sa.select(*EVENT_ROW)
                .where(events.c.position > after, events.c.position <= head)
                .order_by(events.c.position)
                .limit(_CHUNK)
            )
        ).all():
            for row in rows:
                yield _line(EventRow(*row))
            after, counts[0] = int(rows[-1][0]), counts[0] + len(rows)
        # Commands of events past the head read (appended meanwhile) stay out: a restored
        # commands row always names events the file holds.
        for index, (table, kind, key, within) in enumerate(
            (
                (commands, CommandRow, commands.c.command_id, commands.c.last_position <= head),
                (person_keys, KeyRow, person_keys.c.person_id, sa.true()),
            ),
            start=1,
        ):
            async for row in _all(conn, table, key, within):
                yield _line(kind(*row))
                counts[index] += 1
        yield _line(End(*counts))


async def _all(
    conn: AsyncConnection, table: sa.Table, key: sa.Column[str], within: sa.ColumnElement[bool]
) -> AsyncIterator[sa.Row[tuple[object, ...]]]:
    """Every row of ``table`` that is ``within``, in ``key`` order, a chunk at a time."""
    after: str | None = None
    while True:
        query = sa.select(*table.c).where(within).order_by(key).limit(_CHUNK)
        rows = (await conn.execute(query if after is None else query.where(key > after))).all()
        for row in rows:
            yield row
        if len(rows) < _CHUNK:
            return
        after = str(rows[-1][0])


def _line(record: Line) -> bytes:
    return _encode(record) + b"\n"


async def load(store: EventStore, lines: Iterable[bytes]) -> Restored:
    """Restore ``lines`` (a ``dump``) into ``store``, which must be empty. Raises
    ``BackupRefused``; writes all or nothing."""
    records = _records(lines)
    header = next(records, None)
    if not isinstance(header, Header) or (header.format, header.version) != (FORMAT, VERSION):
        raise BackupRefused(f"This is not a {FORMAT} file of version {VERSION}.")
    async with store.write_engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite
        if store.backend == "postgresql":
            await conn.execute(advisory_call("pg_advisory_xact_lock", advisory_key(store.schema)))
        await _refuse_unless_empty(conn)
        await conn.execute(
            sa.update(store_meta).where(store_meta.c.key == "epoch").values(value=header.epoch)
        )
        restored = await _insert_all(conn, header, records)
    return restored


def _records(lines: Iterable[bytes]) -> Iterator[Line]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield _decode(raw)
        except msgspec.ValidationError as exc:
            raise BackupRefused(f"Line {number} is not a backup record: {exc}.") from None
        except msgspec.DecodeError:
            raise BackupRefused(f"Line {number} is not JSON.") from None


async def _refuse_unless_empty(conn: AsyncConnection) -> None:
    for table in (events, commands, person_keys):
        if await conn.scalar(sa.select(sa.literal(1)).select_from(table).limit(1)):
            raise BackupRefused(
                f"The store is not empty (its {table.name} table has rows): a backup is "
                "imported into an empty store only."
            )


async def _insert_all(conn: AsyncConnection, header: Header, records: Iterator[Line]) -> Restored:
    """Insert each kind of row in file order, checking the chain link by link."""
    pending: dict[sa.Table, list[dict[str, object]]] = {events: [], commands: [], person_keys: []}
    counts = {events: 0, commands: 0, person_keys: 0}
    prev, position = ZERO_HASH, 0
    for record in records:
        if isinstance(record, End):
            seen = (counts[events], counts[commands], counts[person_keys])
            if (
                seen != (record.events, record.commands, record.person_keys)
                or position != header.head
            ):
                raise BackupRefused(
                    "The file's end does not match what it holds: it is incomplete."
                )
            for table in pending:
                await _flush(conn, table, pending)
            return Restored(header.epoch, position, prev, counts[commands], counts[person_keys])
        if isinstance(record, EventRow):
            prev, position = _checked(record, prev, position)
        if isinstance(record, Header):
            raise BackupRefused("A second header in the file.")
        into = _TABLES[type(record)]
        pending[into].append(msgspec.structs.asdict(record))
        counts[into] += 1
        if len(pending[into]) >= _CHUNK:
            await _flush(conn, into, pending)
    raise BackupRefused("The file ends before its end line: it is incomplete.")


def _checked(row: EventRow, prev: bytes, position: int) -> tuple[bytes, int]:
    """The row's hash and position once it follows ``prev`` at ``position + 1``."""
    fields = [getattr(row, name) for name in CANONICAL_COLUMNS]
    if row.position != position + 1 or row.prev_hash != prev or link_hash(prev, fields) != row.hash:
        raise BackupRefused(f"The chain breaks at position {row.position}: nothing was imported.")
    return row.hash, row.position


async def _flush(
    conn: AsyncConnection, table: sa.Table, pending: dict[sa.Table, list[dict[str, object]]]
) -> None:
    if pending[table]:
        await conn.execute(sa.insert(table), pending[table])
        pending[table] = []
