"""Stream names: one stream per board, per workshop, per solution track."""

from __future__ import annotations

BOARD_PREFIX = "board-"
WORKSHOP_PREFIX = "workshop-"
SOLUTION_PREFIX = "solution-"


def board_stream(board_id: str) -> str:
    """The stream that holds every event of board ``board_id``."""
    return BOARD_PREFIX + board_id


def workshop_stream(workshop_id: str) -> str:
    """The stream that holds every event of workshop ``workshop_id``."""
    return WORKSHOP_PREFIX + workshop_id


def solution_stream(track_id: str) -> str:
    """The stream that holds every event of phase II solution track ``track_id``."""
    return SOLUTION_PREFIX + track_id


def board_id_of(stream_id: str) -> str | None:
    """The board id behind a board stream name, else ``None``."""
    return stream_id[len(BOARD_PREFIX) :] if stream_id.startswith(BOARD_PREFIX) else None


def solution_id_of(stream_id: str) -> str | None:
    """The track id behind a solution stream name, else ``None``."""
    return stream_id[len(SOLUTION_PREFIX) :] if stream_id.startswith(SOLUTION_PREFIX) else None
