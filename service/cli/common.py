"""What every ``plenary`` sub-command shares: settings from the flags and the environment, the
service opened for one piece of work, a progress bar, a URL safe to print."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from service.app import close_plenary, open_plenary
from service.context import Plenary
from service.settings import Settings

Command = Callable[[argparse.Namespace], int]
Sub = Callable[[str, Command, str], argparse.ArgumentParser]
"""Adds a sub-command: its name, the function that runs it, its help."""


def settings_of(args: argparse.Namespace) -> Settings:
    """Settings from ``PLENARY_*``, the command's flags winning."""
    return Settings.from_env(
        database_url=args.database,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def with_plenary(args: argparse.Namespace, work: Callable[[Plenary], Awaitable[int]]) -> int:
    """Open the service, run ``work`` with it, close it; ``work``'s exit status."""

    async def run() -> int:
        ctx = await open_plenary(settings_of(args))
        try:
            return await work(ctx)
        finally:
            await close_plenary(ctx)

    return asyncio.run(run())


def progress_bar(total: int, label: str) -> Callable[[int], None]:
    """A one-line progress bar on stderr for ``total`` steps."""

    def show(done: int) -> None:
        share = 1.0 if total == 0 else min(done / total, 1.0)
        filled = int(share * 30)
        sys.stderr.write(
            f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {done:,}/{total:,}"
        )
        sys.stderr.flush()

    return show


def redact(url: str) -> str:
    """A database URL safe to print: no password."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"
