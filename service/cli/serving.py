"""``plenary serve``, ``plenary demo`` and ``plenary project``: the service, its demo, and the
read models' own process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from service.access import organisers
from service.app import project_until_closed
from service.cli.common import Sub, redact, settings_of, with_plenary
from service.context import Plenary
from service.settings import database_from_env
from service.tools import demo


def serve(args: argparse.Namespace) -> int:
    """Serve until stopped (seeding the demo first with ``--demo``)."""
    from service.server import serve as serving

    settings = settings_of(args)
    if args.demo:
        with_plenary(args, _print_demo)
    print(
        f"Plenary serves on {settings.base_url}  (store: {redact(settings.database_url)})",
        flush=True,
    )
    serving(settings, log_level=args.log_level)
    return 0


async def _print_demo(ctx: Plenary) -> int:
    seeded = await demo.seed(ctx)
    auth = ctx.auth
    facilitator = auth.claims("link", seeded.facilitator, seeded.workshop_id)
    participant = auth.claims("link", seeded.participant, seeded.workshop_id)
    print("Demo programme ready: workshop", seeded.workshop_id)
    print("  organiser sign-in link:", organisers.signin_link(ctx, seeded.organiser))
    print("  facilitator link:", auth.url(facilitator, f"/b/{seeded.board_id}"))
    print("  participant link:", auth.url(participant, f"/b/{seeded.group_board_id}"))
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    """Seed the demo programme (once) and print its links."""
    return with_plenary(args, _print_demo)


def project(args: argparse.Namespace) -> int:
    """Keep the read models caught up until stdin closes (``--follow-stdin``) or a signal."""
    url, schema = database_from_env(database_url=args.database)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        wakes = None
        if args.follow_stdin:
            wakes = asyncio.StreamReader()
            await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(wakes), sys.stdin.buffer
            )
        await project_until_closed(url, schema, wakes)

    logging.basicConfig(level=logging.WARNING, format="plenary project: %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(run())
    return 0


def register(sub: Sub) -> None:
    """Add ``serve``, ``demo`` and ``project``."""
    serving = sub("serve", serve, "Serve the HTTP API, the WebSocket hub and the web client.")
    serving.add_argument("--host", help="address to listen on (PLENARY_HOST, 127.0.0.1)")
    serving.add_argument("--port", type=int, help="port to listen on (PLENARY_PORT, 8000)")
    serving.add_argument("--demo", action="store_true", help="seed the demo workshop first")
    serving.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    sub(
        "demo",
        seed_demo,
        "Seed the demo programme and print its organiser, facilitator and participant links.",
    )
    following = sub(
        "project",
        project,
        "Keep every read model caught up with the log (serve runs one itself).",
    )
    following.add_argument(
        "--follow-stdin",
        action="store_true",
        help="catch up on each byte read from stdin; stop when it closes (serve's child)",
    )
