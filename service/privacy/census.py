"""What ``plenary verify`` reports of sealed texts: how many there are, how many can no longer
be opened (erased: their key is gone, which is not a broken log), and whether every erasure
the log records did drop its key."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from service.privacy import marker
from service.privacy.keys import PersonKeys
from service.privacy.store import ERASED_TYPE
from service.store.engine import unavailable_on_error
from service.store.schema import events

CHUNK = 2000


class SealedReport(msgspec.Struct, frozen=True, kw_only=True):
    """Sealed fields in the log and of how many people; those no key opens any more."""

    fields: int = 0
    people: int = 0
    unreadable_fields: int = 0
    unreadable_people: int = 0
    keys_kept: tuple[str, ...] = ()
    """People the log says were erased whose key is still there (run the erasure again)."""


class _Erased(msgspec.Struct):
    actor_id: str


async def count_sealed(
    engine: AsyncEngine, progress: Callable[[int], None] | None = None
) -> SealedReport:
    """Walk every event's stored bytes in ``engine``'s log and try to open each sealed text in
    it, with the keys as the database holds them (not as any process remembers them). Reads
    only."""
    keys = PersonKeys(engine, engine)
    fields = unreadable = 0
    people: set[str] = set()
    lost: set[str] = set()
    erased: set[str] = set()
    after = 0
    while True:
        query = sa.select(events.c.position, events.c.type, events.c.data)
        query = query.where(events.c.position > after).order_by(events.c.position).limit(CHUNK)
        async with unavailable_on_error("read the log"), engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        if not rows:
            break
        found = [(pid, body) for _, _, data in rows for pid, body in marker.markers(bytes(data))]
        erased.update(
            msgspec.json.decode(data, type=_Erased).actor_id
            for _, kind, data in rows
            if kind == ERASED_TYPE
        )
        await keys.load(pid for pid, _ in found)
        for person_id, body in found:
            fields += 1
            people.add(person_id)
            if marker.open_body(keys.cached(person_id), person_id, body) is None:
                unreadable += 1
                lost.add(person_id)
        after = int(rows[-1][0])
        if progress is not None:
            progress(after)
    await keys.load(erased)
    kept = sorted(pid for pid in erased if keys.cached(pid) is not None)
    return SealedReport(
        fields=fields,
        people=len(people),
        unreadable_fields=unreadable,
        unreadable_people=len(lost),
        keys_kept=tuple(kept),
    )
