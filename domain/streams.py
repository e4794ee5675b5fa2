"""Stream names: one stream per board, workshop, solution track and programme, one for a
workshop's prework, and one for the organisers."""

from __future__ import annotations

BOARD_PREFIX = "board-"
WORKSHOP_PREFIX = "workshop-"
SOLUTION_PREFIX = "solution-"
PROGRAMME_PREFIX = "programme-"
PREWORK_PREFIX = "prework-"
ORGANISERS_STREAM = "organisers"
"""The one stream of every organiser added or removed."""


def board_stream(board_id: str) -> str:
    """The stream that holds every event of board ``board_id``."""
    return BOARD_PREFIX + board_id


def workshop_stream(workshop_id: str) -> str:
    """The stream that holds every event of workshop ``workshop_id``."""
    return WORKSHOP_PREFIX + workshop_id


def solution_stream(track_id: str) -> str:
    """The stream that holds every event of phase II solution track ``track_id``."""
    return SOLUTION_PREFIX + track_id


def programme_stream(programme_id: str) -> str:
    """The stream of programme ``programme_id``: its owner and its workshops."""
    return PROGRAMME_PREFIX + programme_id


def prework_stream(workshop_id: str) -> str:
    """The stream of workshop ``workshop_id``'s prework: its form and people's answers."""
    return PREWORK_PREFIX + workshop_id


def board_id_of(stream_id: str) -> str | None:
    """The board id behind a board stream name, else ``None``."""
    return stream_id[len(BOARD_PREFIX) :] if stream_id.startswith(BOARD_PREFIX) else None


def solution_id_of(stream_id: str) -> str | None:
    """The track id behind a solution stream name, else ``None``."""
    return stream_id[len(SOLUTION_PREFIX) :] if stream_id.startswith(SOLUTION_PREFIX) else None


def workshop_id_of(stream_id: str) -> str | None:
    """The workshop id behind a workshop stream name, else ``None``."""
    return stream_id[len(WORKSHOP_PREFIX) :] if stream_id.startswith(WORKSHOP_PREFIX) else None
