"""The event store's exception tree: everything it raises on purpose derives from ``StoreError``.

Callers retry on ``ConcurrencyError`` (reload, decide, append again) and answer
``StoreUnavailable`` with "try again later"; nothing was recorded in either case.
"""

from __future__ import annotations

from domain.errors import PlenaryError


class StoreError(PlenaryError):
    """Root of the event store's errors; on its own it means a write was refused as invalid."""

    code = "store_error"


class ConcurrencyError(StoreError):
    """The stream moved on: ``expected`` is the version the caller saw, ``actual`` the real one."""

    code = "conflict"

    def __init__(
        self,
        message: str | None = None,
        *,
        stream_id: str = "",
        expected: int = -1,
        actual: int = -1,
        code: str | None = None,
    ) -> None:
        if message is None:
            message = (
                f"Stream {stream_id} is at version {actual}, "
                f"not at version {expected} as the caller expected."
            )
        super().__init__(message, code=code)
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class CommandIdReused(StoreError):
    """A ``command_id`` already recorded was sent with other work: a stream it was not
    recorded on, or a group of appends only some of which it recorded. Nothing was appended."""

    code = "command_id_reused"


class StoreUnavailable(StoreError):
    """The database could not be reached or did not answer in time; the outcome is unknown.

    An append that failed this way may still have committed: retry with the same command_id.
    """

    code = "store_unavailable"
