"""A board's notes as CSV, safe to open in a spreadsheet.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return) as a formula, and a formula can fetch URLs or run commands (OWASP "CSV
injection"). So every text cell that could be read that way, after any leading whitespace
a spreadsheet may trim, gets a leading single quote, as OWASP recommends. The numbers
Plenary writes itself (coordinates, versions) stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from projections.board_view import BoardView, NoteView
from service.readside.export_view import NameOf, notes_by_cluster

COLUMNS = (
    "note_id",
    "cluster",
    "text",
    "colour",
    "author",
    "x",
    "y",
    "created_at",
    "updated_at",
    "version",
)
"""One row per note, clustered notes first (by the cluster's place on the board), each
cluster's notes in the order they last changed. ``cluster`` is the cluster's label (empty
for a loose note), ``author`` the author as ``name_of`` names them."""

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")

Cell = str | int | float


def cell(text: str) -> str:
    """``text`` as a cell no spreadsheet reads as a formula: prefixed with ``'`` when it (or
    what follows its leading whitespace) begins with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return; unchanged otherwise."""
    if text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def rows(view: BoardView, name_of: NameOf) -> Iterator[tuple[Cell, ...]]:
    """The data rows of ``view``, in ``COLUMNS`` order."""
    for label, notes in notes_by_cluster(view):
        for note in notes:
            yield _row(note, label, name_of(note.author))


def _row(note: NoteView, label: str, author: str) -> tuple[Cell, ...]:
    texts = (note.id, label, note.text, note.colour, author)
    times = (note.created_at.isoformat(), note.updated_at.isoformat())
    return (*map(cell, texts), note.x, note.y, *times, note.version)


def document(view: BoardView, name_of: NameOf) -> str:
    """The CSV text of ``view``: a header of ``COLUMNS``, then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(view, name_of))
    return out.getvalue()
