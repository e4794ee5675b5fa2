"""The event store: an append-only, hash-chained log of every stream, on SQLite or PostgreSQL.

Open with ``await EventStore.open(url, schema=...)``; see DESIGN.md, "Event store", for the
guarantees (gap-free positions in commit order, idempotent commands, group commit, verify).
"""

from service.store.errors import CommandIdReused, ConcurrencyError, StoreError, StoreUnavailable
from service.store.store import EventStore
from service.store.types import AppendPart, Checkpoint, Head, NewEvent, VerifyReport

__all__ = [
    "AppendPart",
    "Checkpoint",
    "CommandIdReused",
    "ConcurrencyError",
    "EventStore",
    "Head",
    "NewEvent",
    "StoreError",
    "StoreUnavailable",
    "VerifyReport",
]
