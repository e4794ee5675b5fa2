"""``plenary rebuild`` and ``plenary export``: the read models from the first event, and the
log or a board written out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from service.cli import backup
from service.cli.common import Sub, progress_bar, with_plenary
from service.context import Plenary
from service.readside import export
from service.readside.report import workshop_report
from service.readside.report_html import workshop_report_html
from service.readside.report_json import workshop_report_json

REPORT_FORMATS = ("md", "html", "json")
"""What ``plenary export workshop`` writes."""


def rebuild(args: argparse.Namespace) -> int:
    async def work(ctx: Plenary) -> int:
        total = (await ctx.store.head()).position
        position = await ctx.projector.rebuild(progress_bar(total, "rebuild"))
        sys.stderr.write("\n")
        for runner in ctx.projector.runners:
            name, version = runner.projection.name, runner.projection.version
            print(f"rebuilt {name} v{version} up to position {position}")
        return 0

    return with_plenary(args, work)


def export_(args: argparse.Namespace) -> int:
    """Write the log or a board to stdout, or to ``--out`` readable by its owner only."""
    if args.all:
        return backup.export_all(args)
    if args.what is None:
        raise SystemExit("plenary export needs log, board or --all")
    if args.what == "board" and not args.board:
        raise SystemExit("plenary export board needs --board ID")
    if args.what == "workshop" and not args.workshop:
        raise SystemExit("plenary export workshop needs --workshop ID")
    formats = REPORT_FORMATS if args.what == "workshop" else export.FORMATS
    if args.what != "log" and args.format not in formats:
        raise SystemExit(f"plenary export {args.what} writes --format {'|'.join(formats)}")

    async def work(ctx: Plenary) -> int:
        if args.out is None:
            await _export(ctx, args, sys.stdout)
        else:
            with export.owner_only(Path(args.out)) as out:
                await _export(ctx, args, out)
        return 0

    return with_plenary(args, work)


async def _export(ctx: Plenary, args: argparse.Namespace, out: TextIO) -> None:
    if args.what == "log":
        await export.log_jsonl(ctx, out)
    elif args.what == "workshop":
        viewer = export.viewer_for(ctx, args.role)
        if args.format == "html":
            out.write(await workshop_report_html(ctx, args.workshop, viewer, standalone=True))
        elif args.format == "json":
            out.write(await workshop_report_json(ctx, args.workshop, viewer))
        else:
            out.write(await workshop_report(ctx, args.workshop, viewer))
    else:
        viewer = export.viewer_for(ctx, args.role)
        out.write(await export.board_document(ctx, args.board, args.format, viewer))


def register(sub: Sub) -> None:
    """Add ``rebuild`` and ``export``."""
    sub("rebuild", rebuild, "Rebuild every projection from the first event.")
    exporting = sub(
        "export",
        export_,
        "Export the whole store (--all), the raw log (JSONL), a workshop's report (Markdown) "
        "or a board (md, csv, json) as a facilitator or an auditor sees it. Whoever runs this "
        "holds the database and the secret: the role chooses what "
        "the export shows, it grants nothing.",
    )
    exporting.add_argument("what", nargs="?", choices=["log", "board", "workshop"])
    exporting.add_argument(
        "--all",
        action="store_true",
        help="a backup of the whole store (events, commands records, person keys) to --out, "
        "for `plenary import`",
    )
    exporting.add_argument("--board", metavar="ID")
    exporting.add_argument("--workshop", metavar="ID", help="the workshop whose report to write")
    exporting.add_argument(
        "--format",
        choices=sorted({*export.FORMATS, *REPORT_FORMATS}),
        default="md",
        help="a board: md, csv or json; a workshop's report: md, html (a page to print) or json",
    )
    exporting.add_argument(
        "--as",
        dest="role",
        choices=["facilitator", "auditor"],
        default="facilitator",
        help="show the board as this role sees it: a facilitator sees pseudonyms on a "
        "pseudonymous board, an auditor real names (default: facilitator)",
    )
    exporting.add_argument(
        "--out",
        metavar="FILE",
        help="write to FILE (mode 0600, replaced whole) instead of stdout",
    )
