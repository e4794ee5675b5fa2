"""``plenary export --all`` and ``plenary import``: the whole store to one file and back, with
the same positions, hashes and epoch (``service/store/backup.py``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import BinaryIO

from service.cli.common import Sub, settings_of
from service.readside.export import owner_only
from service.store import EventStore
from service.store.backup import dump, load


def export_all(args: argparse.Namespace) -> int:
    """Write every event, commands record and person key to ``--out`` (mode 0600)."""
    if args.out is None:
        raise SystemExit("plenary export --all needs --out FILE: the file holds people's keys")
    settings = settings_of(args)

    async def run() -> int:
        store = await EventStore.inspect(settings.database_url, schema=settings.database_schema)
        lines = 0
        try:
            with owner_only(Path(args.out)) as out:
                async for line in dump(store):
                    out.write(line.decode())
                    lines += 1
        finally:
            await store.close()
        print(f"exported the store ({lines - 2} records) to {args.out}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def import_(args: argparse.Namespace) -> int:
    """Restore a file of ``export --all`` into an empty store; refused otherwise."""
    settings = settings_of(args)

    async def run(lines: BinaryIO) -> int:
        store = await EventStore.open(settings.database_url, schema=settings.database_schema)
        try:
            restored = await load(store, lines)
        finally:
            await store.close()
        print(
            f"imported positions 1..{restored.head} (head hash {restored.head_hash.hex()}), "
            f"{restored.commands} commands records and {restored.person_keys} person keys; "
            f"epoch {restored.epoch}. Run `plenary verify` to check it."
        )
        return 0

    with Path(args.file).open("rb") as lines:
        return asyncio.run(run(lines))


def register(sub: Sub) -> None:
    """Add ``import`` (``export --all`` is a flag of ``export``)."""
    importing = sub(
        "import",
        import_,
        "Restore a file written by `plenary export --all` into an empty store: the same "
        "positions, hashes and epoch. Refused (nothing written) if the store holds anything, "
        "the file is cut or its chain breaks.",
    )
    importing.add_argument("file", metavar="FILE")
