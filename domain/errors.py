"""The root of Plenary's exception tree and the domain's typed refusals.

Every error a caller may see carries a stable machine ``code`` and a human ``message``.
The service layer maps them to HTTP statuses and WebSocket ``reject`` frames in one place.
"""

from __future__ import annotations


class PlenaryError(Exception):
    """Root of every error Plenary raises on purpose. ``code`` is stable; ``message`` is prose."""

    code: str = "plenary_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class DomainError(PlenaryError):
    """A rule of the domain said no. Nothing was recorded."""

    code = "domain_error"


class InvalidCommand(DomainError):
    """The command's values break a rule (empty text, infinite coordinates, …)."""

    code = "invalid_command"


class NotFound(DomainError):
    """The command names something that does not exist (or no longer does)."""

    code = "not_found"


class AlreadyExists(DomainError):
    """The command would create something under an id that is taken."""

    code = "already_exists"


class Forbidden(DomainError):
    """The actor's role may not issue this command."""

    code = "forbidden"


def no_such_board() -> NotFound:
    """``board_not_found``: said the same way wherever a board is missing or not yours to see."""
    return NotFound("There is no such board.", code="board_not_found")


def no_such_workshop() -> NotFound:
    """``workshop_not_found``, said the same way everywhere."""
    return NotFound("There is no such workshop.", code="workshop_not_found")


def no_such_track() -> NotFound:
    """``track_not_found``, said the same way everywhere."""
    return NotFound("There is no such solution track.", code="track_not_found")
