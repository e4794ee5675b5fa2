"""What one workshop may take of the service: sizes, counts and rates, each configurable.

``Limits`` is read once from ``PLENARY_LIMIT_*`` (``docs/api.md``, "Limits", says why each
default suits a workshop). Counts are checked on the state a command is decided on, through
the ``CommandRunner``'s guard: the guards here count, and leave every rule to the deciders.
The domain's own caps (a note 500 characters, a label 120, a name 80) are the ceilings; a
lower configured limit is the service's to enforce.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol, runtime_checkable

from domain import board, decisions, undo, workshop
from domain.errors import DomainError, InvalidCommand

Guard = Callable[[Any], None]

CEILINGS = {
    "note_text": board.TEXT_MAX,
    "cluster_label": board.LABEL_MAX,
    "invite_name": workshop.NAME_MAX,
}
"""The domain's caps: a configured limit may be lower, never higher."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit the service enforces; ``from_env`` reads ``PLENARY_LIMIT_<NAME>``."""

    body_bytes: int = 64 * 1024
    """An HTTP request body (``too_large``, 413)."""
    frame_bytes: int = 64 * 1024
    """A WebSocket frame from a client (closed with 1009)."""
    note_text: int = board.TEXT_MAX
    """Characters of a note's text (``invalid_text``)."""
    cluster_label: int = board.LABEL_MAX
    """Characters of a cluster's label (``invalid_label``)."""
    invite_name: int = workshop.NAME_MAX
    """Characters of the name an invite carries (``invalid_name``)."""
    notes_per_board: int = 2000
    """Notes on one board, deleted ones not counted (``too_many_notes``)."""
    boards_per_workshop: int = 20
    """Boards of one workshop, plenary and breakout (``too_many_boards``)."""
    connections_per_board: int = 200
    """Open sockets on one board, on one instance (``too_many_connections``, closed 4429)."""
    connection_rate: float = 20.0
    """Commands a second one socket may send, on average (``rate_limited``)."""
    connection_burst: int = 40
    """Commands one socket may send at once before the rate applies."""
    person_rate: float = 30.0
    """Commands a second one person (a token's ``sub``) may send over all their sockets and
    HTTP, on average, on one instance."""
    person_burst: int = 60
    """Commands one person may send at once before the rate applies."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            ceiling = CEILINGS.get(field.name)
            if not 0 < value < math.inf or (ceiling is not None and value > ceiling):
                bound = "a finite number above 0" if ceiling is None else f"from 1 to {ceiling}"
                raise ValueError(f"{env_name(field.name)} must be {bound}, not {value}")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """The defaults, with each ``PLENARY_LIMIT_<NAME>`` set in ``env`` instead."""
        given: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(env_name(field.name))
            if raw is not None and raw.strip():
                kind = float if field.type == "float" else int
                try:
                    given[field.name] = kind(raw)
                except ValueError:
                    message = f"{env_name(field.name)} must be a number, not {raw!r}"
                    raise ValueError(message) from None
        return cls(**given)

    def check_text(self, code: str, what: str, text: str, most: int) -> None:
        """Refuse ``text`` longer than ``most`` characters with ``code`` (422)."""
        if len(text) > most:
            raise InvalidCommand(
                f"{what} holds at most {most} characters ({len(text)} given).", code=code
            )


def env_name(field: str) -> str:
    """The environment variable of the limit ``field``."""
    return f"PLENARY_LIMIT_{field.upper()}"


class LimitReached(DomainError):
    """A count limit: the board or workshop holds as much as the service allows (422)."""

    code = "limit_reached"


@runtime_checkable
class Bounded(Protocol):
    """A request body with limits of its own, checked once it is decoded."""

    def within(self, limits: Limits) -> None: ...


def board_guard(limits: Limits, command: board.Command, person: str = "") -> Guard:
    """A guard for a board command by ``person``: its text or label within ``limits``, and, on
    the board it is decided on, room for the notes it adds (an undo or redo: brings back)."""

    def guard(state: board.Board) -> None:
        adds = notes_added(command)
        if isinstance(command, undo.UndoCommand):
            adds = undo.notes_brought_back(state, person, command)
        match command:
            case board.AddNote(text=text) | board.EditNote(text=text):
                limits.check_text("invalid_text", "A note", text, limits.note_text)
            case board.CreateCluster(label=label) | board.RenameCluster(label=label):
                limits.check_text("invalid_label", "A label", label, limits.cluster_label)
        if adds and live_notes(state) + adds > limits.notes_per_board:
            raise LimitReached(
                f"A board holds at most {limits.notes_per_board} notes.", code="too_many_notes"
            )

    return guard


def notes_added(command: board.Command) -> int:
    """How many notes ``command`` puts on its board if it is accepted."""
    if isinstance(command, board.AddNote):
        return 1
    if isinstance(command, decisions.PromoteItems) and command.plan is not None:
        return len(command.plan.notes)
    return 0


def live_notes(state: board.Board) -> int:
    """The notes on the board that are not deleted."""
    return sum(not note.deleted for note in state.notes.values())


def workshop_guard(limits: Limits) -> Guard:
    """A guard for adding a board: the workshop it is decided on has room for one more."""

    def guard(state: workshop.Workshop) -> None:
        if len(state.boards) >= limits.boards_per_workshop:
            raise LimitReached(
                f"A workshop has at most {limits.boards_per_workshop} boards.",
                code="too_many_boards",
            )

    return guard
