"""Exports: the raw log as JSONL, a board as Markdown, CSV or JSON."""

from __future__ import annotations

import csv
from typing import TextIO

import msgspec

from projections.board_view import BoardView, NoteView
from service.context import Plenary
from service.wire import event_out

_encoder = msgspec.json.Encoder()


async def log_jsonl(ctx: Plenary, out: TextIO, batch: int = 1000) -> int:
    """Write every recorded event, one JSON object a line, in position order; the count."""
    after = count = 0
    while chunk := await ctx.store.read_all(after, batch):
        for rec in chunk:
            out.write(_encoder.encode(event_out(rec)).decode())
            out.write("\n")
        after, count = chunk[-1].position, count + len(chunk)
    return count


async def board(ctx: Plenary, board_id: str, fmt: str, out: TextIO) -> None:
    """Write board ``board_id`` as ``md``, ``csv`` or ``json``."""
    view = await ctx.board_view(board_id)
    if fmt == "json":
        out.write(_encoder.encode(view).decode() + "\n")
    elif fmt == "csv":
        write_csv(view, out)
    else:
        out.write(markdown(view))


def _by_cluster(view: BoardView) -> list[tuple[str, list[NoteView]]]:
    groups: list[tuple[str, list[NoteView]]] = []
    for cluster in sorted(view.clusters.values(), key=lambda c: (c.y, c.x)):
        notes = [n for n in view.notes.values() if n.cluster_id == cluster.id]
        groups.append((cluster.label, sorted(notes, key=lambda n: n.version)))
    loose = [n for n in view.notes.values() if n.cluster_id not in view.clusters]
    if loose:
        groups.append(("Not clustered", sorted(loose, key=lambda n: n.version)))
    return groups


def markdown(view: BoardView) -> str:
    """The board as a Markdown report: clusters as sections, notes as bullets."""
    lines = [
        f"# {view.title}",
        "",
        f"Board `{view.id}` at version {view.version}, "
        f"{len(view.notes)} notes in {len(view.clusters)} clusters.",
        "",
    ]
    for label, notes in _by_cluster(view):
        lines += [f"## {label}", ""]
        lines += [f"- {n.text.replace(chr(10), ' ')}" for n in notes] or ["- (empty)"]
        lines.append("")
    return "\n".join(lines)


def write_csv(view: BoardView, out: TextIO) -> None:
    """The board's notes as CSV rows: id, cluster, text, colour, author, position, times."""
    writer = csv.writer(out)
    writer.writerow(
        [
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
        ]
    )
    for label, notes in _by_cluster(view):
        for n in notes:
            writer.writerow(
                [
                    n.id,
                    label,
                    n.text,
                    n.colour,
                    n.author,
                    n.x,
                    n.y,
                    n.created_at.isoformat(),
                    n.updated_at.isoformat(),
                    n.version,
                ]
            )
