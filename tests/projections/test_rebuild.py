"""Several projections folded side by side (``Folds``) end with the views each one folded
alone has, whatever the pages, and however often views are taken out of memory and put back."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import board
from domain.actor import Actor
from domain.recorded import RecordedEvent
from projections.base import Projection, fold
from projections.board_view import BOARD_VIEW
from projections.programme import PROGRAMME
from projections.rebuild import Folds
from projections.solution_timeline import SOLUTION_TIMELINE
from tests.factories import BOARD_ID, Log, accepted, command_scripts, record_batches

PROJECTIONS: tuple[Projection[Any], ...] = (BOARD_VIEW, SOLUTION_TIMELINE, PROGRAMME)
OTHER_BOARD = "b2"
Script = list[tuple[board.Command, Actor]]


def _two_boards(first: Script, second: Script) -> list[RecordedEvent]:
    """The accepted events of two scripts on two boards of one log, interleaved by command."""
    log = Log()
    recorded: list[RecordedEvent] = []
    ones, twos = accepted(first)[1], accepted(second)[1]
    for index in range(max(len(ones), len(twos))):
        if index < len(ones):
            recorded += record_batches([ones[index]], BOARD_ID, log)
        if index < len(twos):
            recorded += record_batches([twos[index]], OTHER_BOARD, log)
    return recorded


@settings(max_examples=60, deadline=None)
@given(command_scripts(), command_scripts(), st.integers(1, 9), st.integers(0, 2))
def test_folding_side_by_side_in_pages_equals_each_projection_alone(
    first: Script, second: Script, page: int, keep: int
) -> None:
    events = _two_boards(first, second)
    folds, saved = Folds(PROJECTIONS, keep), {p.name: dict[str, bytes]() for p in PROJECTIONS}
    for start in range(0, len(events), page):
        chunk = events[start : start + page]
        for name, keys in folds.wanted(chunk).items():
            folds.restore(name, {key: saved[name][key] for key in keys})
        folds.feed(chunk)
        for name, views in folds.take().items():
            saved[name].update(views)

    for projection in PROJECTIONS:
        named = {key for rec in events if (key := projection.key_of(rec)) is not None}
        alone = {key: projection.encode(fold(projection, key, events)) for key in named}
        assert saved[projection.name] == alone
