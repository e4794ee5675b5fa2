"""Exports: the raw log as JSONL, a board as Markdown, CSV or JSON."""

from __future__ import annotations

from typing import TextIO

import msgspec

from service import export_csv, export_markdown
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
        out.write(export_csv.document(view, str))
    else:
        out.write(export_markdown.report(view))
