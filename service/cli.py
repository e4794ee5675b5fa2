"""The ``plenary`` command: serve, demo, organiser, erase, rebuild, project, verify, seal,
export.

Every sub-command takes ``--database URL`` (default ``PLENARY_DATABASE_URL`` or SQLite in
``./var/plenary.db``). Exit status: 0 on success, 1 when ``verify`` or ``seal`` finds a broken
log, 2 on bad usage or a store that cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TextIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.actor import Actor
from domain.errors import PlenaryError
from service.access import organisers
from service.access.auth import operator
from service.app import close_plenary, open_plenary, project_until_closed
from service.context import Plenary
from service.ids import new_id
from service.integrity import checkpoints
from service.integrity.audit import audit, statement
from service.privacy import census, erasure
from service.readside import export
from service.settings import InsecureSecret, Settings, database_from_env
from service.store import EventStore, VerifyReport
from service.tools import demo


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        database_url=args.database,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def _with_plenary(args: argparse.Namespace, work: Callable[[Plenary], Awaitable[int]]) -> int:
    async def run() -> int:
        ctx = await open_plenary(_settings(args))
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


def cmd_serve(args: argparse.Namespace) -> int:
    from service.server import serve

    settings = _settings(args)
    if args.demo:
        _with_plenary(args, _print_demo)
    print(
        f"Plenary serves on {settings.base_url}  (store: {_redact(settings.database_url)})",
        flush=True,
    )
    serve(settings, log_level=args.log_level)
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


def cmd_demo(args: argparse.Namespace) -> int:
    return _with_plenary(args, _print_demo)


def cmd_project(args: argparse.Namespace) -> int:
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


def cmd_rebuild(args: argparse.Namespace) -> int:
    async def work(ctx: Plenary) -> int:
        total = (await ctx.store.head()).position
        for runner in ctx.projector.runners:
            position = await runner.rebuild(progress_bar(total, runner.projection.name))
            sys.stderr.write("\n")
            print(
                f"rebuilt {runner.projection.name} v{runner.projection.version} "
                f"up to position {position}"
            )
        return 0

    return _with_plenary(args, work)


def _public_key(args: argparse.Namespace, data_dir: Path) -> Ed25519PublicKey | None:
    path = Path(args.public_key or data_dir / checkpoints.PUBLIC_KEY_FILE)
    if not path.exists():
        print(f"note: no checkpoint key at {path}; no signed checkpoint can vouch for the log.")
        return None
    public_key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(public_key, Ed25519PublicKey):
        raise SystemExit(f"{path} is not an Ed25519 public key")
    return public_key


async def _audit(args: argparse.Namespace) -> VerifyReport:
    """Verify read-only and print what was proved (the progress bar on stderr)."""
    settings = _settings(args)
    public_key = _public_key(args, settings.data_dir)
    checkpoints_file = Path(args.checkpoints or settings.data_dir / checkpoints.CHECKPOINTS_FILE)
    bar: Callable[[int], None] | None = None

    def progress(done: int, head: int) -> None:
        nonlocal bar
        bar = bar or progress_bar(head, "verify")
        bar(done)

    report = await audit(
        settings.database_url, settings.database_schema, checkpoints_file, public_key, progress
    )
    if bar is not None:
        sys.stderr.write("\n")
    print("\n".join(statement(report)))
    return report


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the log is intact, 1 when broken; writes nothing anywhere."""
    report = asyncio.run(_audit(args))
    if report.ok:
        print(_sealed_line(asyncio.run(_census(args))))
    return 0 if report.ok else 1


def cmd_seal(args: argparse.Namespace) -> int:
    """Verify, then sign a checkpoint of the head that was verified (not of a broken log)."""

    async def run() -> int:
        report = await _audit(args)
        if not report.ok:
            print("not sealed: the log is broken.")
            return 1
        if report.head == 0:
            print("not sealed: the log is empty.")
            return 0
        data_dir = _settings(args).data_dir
        key = await asyncio.to_thread(checkpoints.load_or_create_key, data_dir)
        signed = checkpoints.sign(key, report.epoch, report.head, report.head_hash)
        await asyncio.to_thread(checkpoints.append, data_dir, signed)
        print(f"sealed: a signed checkpoint of position {report.head} in {data_dir}.")
        return 0

    return asyncio.run(run())


async def _census(args: argparse.Namespace) -> census.SealedReport:
    """The sealed texts of the log, counted reading only (as verify reads)."""
    settings = _settings(args)
    store = await EventStore.inspect(settings.database_url, schema=settings.database_schema)
    try:
        return await census.count_sealed(store.engine)
    finally:
        await store.close()


def _sealed_line(found: census.SealedReport) -> str:
    line = (
        f"personal texts: {found.fields} sealed field(s) of {found.people} person(s); "
        f"{found.unreadable_fields} field(s) of {found.unreadable_people} person(s) can no "
        "longer be opened: erased, not broken."
    )
    if found.keys_kept:
        line += f"\nWARNING: erased but their key is still there: {', '.join(found.keys_kept)}"
    return line


def cmd_erase(args: argparse.Namespace) -> int:
    """``plenary erase --workshop W PERSON``: the operator erases a person of a workshop."""

    async def work(ctx: Plenary) -> int:
        outcome = await erasure.erase(ctx, operator(), args.workshop, args.person, new_id())
        state = "erased" if outcome.events else "was erased already"
        print(
            f"{args.person} {state} in workshop {args.workshop} (version {outcome.version}): "
            "their key is gone, what they wrote reads (erased) everywhere."
        )
        return 0

    return _with_plenary(args, work)


def cmd_organiser(args: argparse.Namespace) -> int:
    """``plenary organiser add NAME | list | remove ID | link ID``."""

    async def work(ctx: Plenary) -> int:
        if args.action == "add":
            if not args.name:
                raise SystemExit("plenary organiser add needs a NAME")
            added = await organisers.add(ctx, args.name)
            print(f"organiser {added.id} ({added.name}) added; their sign-in link:")
            print(organisers.signin_link(ctx, added))
        elif args.action == "list":
            for organiser_id, name in (await organisers.active(ctx)).items():
                print(f"{organiser_id}\t{name}")
        elif args.action == "remove":
            await organisers.remove(ctx, _one(args))
            print(f"organiser {args.name} removed; their links stop working now")
        else:
            everyone = await organisers.active(ctx)
            organiser_id = _one(args)
            if organiser_id not in everyone:
                raise SystemExit(f"no organiser {organiser_id!r} (plenary organiser list)")
            who = Actor(id=organiser_id, role="organiser", name=everyone[organiser_id])
            print(organisers.signin_link(ctx, who))
        return 0

    return _with_plenary(args, work)


def _one(args: argparse.Namespace) -> str:
    if not args.name:
        raise SystemExit(f"plenary organiser {args.action} needs an organiser ID")
    name: str = args.name
    return name


def cmd_export(args: argparse.Namespace) -> int:
    """Write the log or a board to stdout, or to ``--out`` readable by its owner only."""
    if args.what == "board" and not args.board:
        raise SystemExit("plenary export board needs --board ID")

    async def work(ctx: Plenary) -> int:
        if args.out is None:
            await _export(ctx, args, sys.stdout)
        else:
            with export.owner_only(Path(args.out)) as out:
                await _export(ctx, args, out)
        return 0

    return _with_plenary(args, work)


async def _export(ctx: Plenary, args: argparse.Namespace, out: TextIO) -> None:
    if args.what == "log":
        await export.log_jsonl(ctx, out)
    else:
        viewer = export.viewer_for(ctx, args.role)
        out.write(await export.board_document(ctx, args.board, args.format, viewer))


def _redact(url: str) -> str:
    """A database URL safe to print: no password."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``plenary`` command."""
    top = argparse.ArgumentParser(prog="plenary", description=__doc__.splitlines()[0])
    subs = top.add_subparsers(dest="command", required=True)

    def sub(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = subs.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--database", metavar="URL", help="database URL (PLENARY_DATABASE_URL)")
        p.set_defaults(handler=handler)
        return p

    serve = sub("serve", cmd_serve, "Serve the HTTP API, the WebSocket hub and the web client.")
    serve.add_argument("--host", help="address to listen on (PLENARY_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (PLENARY_PORT, 8000)")
    serve.add_argument("--demo", action="store_true", help="seed the demo workshop first")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    sub(
        "demo",
        cmd_demo,
        "Seed the demo programme and print facilitator and participant links.",
    )
    organiser = sub(
        "organiser",
        cmd_organiser,
        "Add, list or remove the organisers who create programmes and workshops.",
    )
    organiser.add_argument("action", choices=["add", "list", "remove", "link"])
    organiser.add_argument(
        "name", nargs="?", help="add: the organiser's name; remove, link: their id"
    )
    erase = sub(
        "erase",
        cmd_erase,
        "Erase a person of a workshop (GDPR art. 17): remove them and drop their key, so "
        "their name and everything they wrote read (erased) everywhere, the log included.",
    )
    erase.add_argument("--workshop", metavar="ID", required=True)
    erase.add_argument("person", metavar="PERSON", help="the person's id (actor_id)")
    sub("rebuild", cmd_rebuild, "Rebuild every projection from the first event.")
    project = sub(
        "project",
        cmd_project,
        "Keep every read model caught up with the log (serve runs one itself).",
    )
    project.add_argument(
        "--follow-stdin",
        action="store_true",
        help="catch up on each byte read from stdin; stop when it closes (serve's child)",
    )
    for name, handler, help_text in (
        (
            "verify",
            cmd_verify,
            "Check the hash chain, the commands records and the signed checkpoints against "
            "each other, reading only; say what they prove; exit 1 if broken.",
        ),
        (
            "seal",
            cmd_seal,
            "Verify, then sign a checkpoint of the verified head into the data folder "
            "(creating the key on first use).",
        ),
    ):
        audit_command = sub(name, handler, help_text)
        audit_command.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="signed checkpoints (default: <data dir>/checkpoints.jsonl)",
        )
        audit_command.add_argument(
            "--public-key",
            metavar="FILE",
            help="checkpoint public key (default: <data dir>/checkpoint-key.pub.pem)",
        )
    exp = sub(
        "export",
        cmd_export,
        "Export the raw log (JSONL) or a board (md, csv, json) as a facilitator or an auditor "
        "sees it. Whoever runs this holds the database and the secret: the role chooses what "
        "the export shows, it grants nothing.",
    )
    exp.add_argument("what", choices=["log", "board"])
    exp.add_argument("--board", metavar="ID")
    exp.add_argument("--format", choices=export.FORMATS, default="md")
    exp.add_argument(
        "--as",
        dest="role",
        choices=["facilitator", "auditor"],
        default="facilitator",
        help="show the board as this role sees it: a facilitator sees pseudonyms on a "
        "pseudonymous board, an auditor real names (default: facilitator)",
    )
    exp.add_argument(
        "--out",
        metavar="FILE",
        help="write to FILE (mode 0600, replaced whole) instead of stdout",
    )
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


if __name__ == "__main__":
    sys.exit(main())
