"""The ``plenary`` command: serve, demo, project, organiser, erase, rebuild, verify, seal,
export, import.

Every sub-command takes ``--database URL`` (default ``PLENARY_DATABASE_URL`` or SQLite in
``./var/plenary.db``). Exit status: 0 on success, 1 when ``verify`` or ``seal`` finds a broken
log, 2 on bad usage or a store that cannot be reached.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from domain.errors import PlenaryError
from service.cli import backup, integrity, people, readside, serving
from service.cli.common import Command
from service.settings import InsecureSecret


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``plenary`` command."""
    top = argparse.ArgumentParser(prog="plenary", description=__doc__.splitlines()[0])
    subs = top.add_subparsers(dest="command", required=True)

    def sub(name: str, command: Command, help_text: str) -> argparse.ArgumentParser:
        found = subs.add_parser(name, help=help_text, description=help_text)
        found.add_argument("--database", metavar="URL", help="database URL (PLENARY_DATABASE_URL)")
        found.set_defaults(handler=command)
        return found

    for module in (serving, people, readside, integrity, backup):
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``plenary`` console script."""
    os.umask(0o077)  # what plenary writes is its owner's alone (service/files.py does it too)
    args = parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except PlenaryError as exc:
        print(f"plenary: {exc.code}: {exc.message}", file=sys.stderr)
        return 2
    except InsecureSecret as exc:
        print(f"plenary: {exc}", file=sys.stderr)
        return 2
    return code
