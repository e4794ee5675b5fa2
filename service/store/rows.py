"""Stored ``events`` rows as ``RecordedEvent``s, in bulk: what reading the log costs per event.

A rebuild reads every event once (``docs/benchmarks.md``, "Rebuilding the read models"), so
this is the store's hottest read. ``log_page`` asks the driver for plain rows (no SQLAlchemy
row objects or statement compiling); ``to_recorded_all`` builds the events sharing what
neighbouring rows share: the events of one commit have one ``recorded_at`` and those of one
command one ``EventMeta`` (both immutable), so each is built once per run of equal values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from domain.recorded import EventMeta, RecordedEvent
from service.store.chain import ROW_COLUMNS, from_micros
from service.store.engine import Backend

_ROW_SQL = ", ".join(ROW_COLUMNS)
_PAGE_SQL: dict[Backend, str] = {
    "sqlite": f"SELECT {_ROW_SQL} FROM events WHERE position > ? ORDER BY position LIMIT ?",
    "postgresql": f"SELECT {_ROW_SQL} FROM events WHERE position > $1 ORDER BY position LIMIT $2",
}
_NOBODY = EventMeta(actor="", role="participant", command_id="", correlation_id="")
"""A placeholder: no row's meta is ever ``()``, so the first row builds its own."""


async def log_page(driver: Any, backend: Backend, after: int, limit: int) -> list[Any]:
    """Up to ``limit`` rows (``ROW_COLUMNS`` order) after position ``after``, read through
    ``driver``: an ``aiosqlite`` or ``asyncpg`` connection (``driver_connection``)."""
    if backend == "sqlite":
        return list(await driver.execute_fetchall(_PAGE_SQL[backend], (after, limit)))
    return list(await driver.fetch(_PAGE_SQL[backend], after, limit))


def to_recorded_all(rows: Iterable[Sequence[Any]]) -> list[RecordedEvent]:
    """Stored rows (``ROW_COLUMNS`` order) as ``RecordedEvent``s, equal to ``to_recorded``'s.

    The rows' blobs must be ``bytes`` already, as both drivers give them (a copy per blob
    costs more than building the event)."""
    out: list[RecordedEvent] = []
    micros, at = None, from_micros(0)
    who: tuple[Any, ...] = ()
    meta = _NOBODY
    for (
        position, stream, version, event_id, kind, data, stamp,
        actor, role, command, correlation, causation, prev, digest,
    ) in rows:  # fmt: skip
        if stamp != micros:
            micros, at = stamp, from_micros(stamp)
        by = (actor, role, command, correlation, causation)
        if by != who:
            who, meta = (
                by,
                EventMeta(
                    actor=actor,
                    role=role,
                    command_id=command,
                    correlation_id=correlation,
                    causation_id=causation,
                ),
            )
        out.append(
            RecordedEvent(
                position=position,
                stream_id=stream,
                version=version,
                event_id=event_id,
                type=kind,
                data=data,
                recorded_at=at,
                meta=meta,
                prev_hash=prev,
                hash=digest,
            )
        )
    return out
