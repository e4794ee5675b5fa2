"""What every store benchmark shares: the ``--backend``, ``--sqlite-dir`` and
``--postgres-url`` options, which backends they name, and dropping the schemas a PostgreSQL
run made."""

from __future__ import annotations

import argparse
import os

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def add_backend_options(
    parser: argparse.ArgumentParser,
    *,
    default: str = "sqlite",
    sqlite_help: str = "folder for the SQLite file",
    postgres_help: str = "a fresh schema is created there and dropped afterwards",
) -> None:
    """Add ``--backend``, ``--sqlite-dir`` and ``--postgres-url`` to ``parser``."""
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default=default)
    parser.add_argument("--sqlite-dir", default=None, help=sqlite_help)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PLENARY_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help=postgres_help,
    )


def backends(args: argparse.Namespace) -> list[str]:
    """The backends ``--backend`` names, SQLite first."""
    return ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]


async def drop_schemas(url: str, *schemas: str) -> None:
    """Drop ``schemas`` (and all they hold) from the PostgreSQL database at ``url``."""
    dsn = make_url(url).set(drivername="postgresql")
    conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        for schema in schemas:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()
