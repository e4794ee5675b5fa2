"""Exports: the raw log as JSONL; a board as Markdown, CSV or JSON, as one viewer sees it.

A board export is cut down for a ``Viewer`` given by the caller (``service.export_view``):
the CLI passes ``viewer_for(ctx, role)``; an HTTP download passes the person asking.
The formats, their escaping and who sees what are in ``docs/api.md``, "Exports".
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

import msgspec

from domain.errors import NotFound
from domain.types import Role
from projections.board_view import BoardView
from projections.visibility import Viewer
from service.context import Plenary
from service.readside import export_csv, export_markdown
from service.readside.export_view import namer, names, present, shows_pseudonyms
from service.wire import event_out

Format = Literal["md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json")

NOBODY = "(export)"
"""The id of the CLI's viewer: not a valid person id, so it owns no note and no ballot."""

_encoder = msgspec.json.Encoder()


async def log_jsonl(ctx: Plenary, out: TextIO, batch: int = 1000) -> int:
    """Write every recorded event, one JSON object a line, in position order; the count.

    Each event's ``data`` is as stored and hashed: personal texts stay sealed, so anyone can
    re-check the chain, and an erased person's texts stay unreadable in the file too.
    """
    count = 0
    async for chunk in log_chunks(ctx, batch):
        out.write(chunk)
        count += chunk.count("\n")
    return count


async def log_chunks(ctx: Plenary, batch: int = 1000) -> AsyncIterator[str]:
    """The lines of ``log_jsonl``, ``batch`` events at a time (each chunk whole lines): the
    log read a page at a time, never held whole."""
    after = 0
    while chunk := await ctx.store.read_all_stored(after, batch):
        yield "".join(_encoder.encode(event_out(rec)).decode() + "\n" for rec in chunk)
        after = chunk[-1].position


def viewer_for(ctx: Plenary, role: Role) -> Viewer:
    """Someone in ``role`` who is no person on any board: sees what that role sees of
    everyone's work, and has no hidden note or ballot of their own."""
    return Viewer(id=NOBODY, role=role, pseudonym_key=ctx.reads.pseudonym_key)


async def board_document(
    ctx: Plenary, board_id: str, fmt: Format, viewer: Viewer, view: BoardView | None = None
) -> str:
    """Board ``board_id`` (its ``view`` if the caller read it already) as ``viewer`` may see
    it, written as ``fmt``.

    Raises ``NotFound`` (``board_not_found``) when there is no such board.
    """
    view = view if view is not None else await ctx.reads.board_view(board_id)
    shown = present(view, viewer)
    table = names(view, shown, await _joined(ctx, view.workshop_id), viewer)
    if fmt == "json":
        return msgspec.json.format(_encoder.encode(_data(shown, table)), indent=2).decode() + "\n"
    if fmt == "csv":
        return export_csv.document(shown, namer(table))
    pseudonyms = shows_pseudonyms(view, viewer)
    return export_markdown.report(shown, namer(table), pseudonyms=pseudonyms)


async def _joined(ctx: Plenary, workshop_id: str) -> dict[str, str]:
    """The workshop's people: id → the name they joined with (none if it does not exist)."""
    try:
        state = await ctx.reads.workshop_state(workshop_id)
    except NotFound:
        return {}
    return {pid: person.name for pid, person in state.participants.items()}


async def board_data(ctx: Plenary, view: BoardView, viewer: Viewer) -> dict[str, Any]:
    """The board ``view`` as its JSON export holds it, for ``viewer``, as data."""
    shown = present(view, viewer)
    return _data(shown, names(view, shown, await _joined(ctx, view.workshop_id), viewer))


def _data(shown: BoardView, people: dict[str, str]) -> dict[str, Any]:
    """The presented view as the API gives it, plus ``people``: shown id → name."""
    return {**msgspec.to_builtins(shown), "people": people}


@contextlib.contextmanager
def owner_only(path: Path) -> Iterator[TextIO]:
    """A text file written in full at ``path``, readable by its owner only (mode 0600).

    It is written beside ``path`` and moved there when the block ends, so nobody else can
    open it meanwhile (not even through an earlier file at ``path``) and an error leaves
    ``path`` as it was.
    """
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            os.chmod(partial, 0o600)  # mkstemp's mode, whatever the umask
            yield out
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
