"""``plenary verify`` and ``plenary seal``: what the log proves, read only; and a signed
checkpoint of a head that was verified."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from service.cli.common import Sub, progress_bar, settings_of
from service.integrity import checkpoints
from service.integrity.audit import audit, audit_against, statement
from service.integrity.checkpoints import SignedCheckpoint
from service.integrity.desk import KeptFileInvalid, fingerprint, read_kept
from service.privacy import census
from service.store import EventStore, VerifyReport


def _public_key(args: argparse.Namespace, data_dir: Path) -> Ed25519PublicKey | None:
    path = Path(args.public_key or data_dir / checkpoints.PUBLIC_KEY_FILE)
    if not path.exists():
        print(f"note: no checkpoint key at {path}; no signed checkpoint can vouch for the log.")
        return None
    public_key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(public_key, Ed25519PublicKey):
        raise SystemExit(f"{path} is not an Ed25519 public key")
    return public_key


def _kept(args: argparse.Namespace, path: Path) -> tuple[Ed25519PublicKey, list[SignedCheckpoint]]:
    """The key and checkpoints of a kept file; its key must be ``--public-key`` if given."""
    public_key, signed = read_kept(path.read_text(encoding="utf-8"))
    print(f"kept file {path}: {len(signed)} signed checkpoint(s), key {fingerprint(public_key)}")
    if args.public_key:
        given = _public_key(args, Path())
        if given is None or fingerprint(given) != fingerprint(public_key):
            raise KeptFileInvalid(f"The key in {path} is not the one in {args.public_key}.")
    return public_key, signed


async def _audit(args: argparse.Namespace) -> VerifyReport:
    """Verify read-only and print what was proved (the progress bar on stderr)."""
    settings = settings_of(args)
    kept = getattr(args, "checkpoint", None)
    bar: Callable[[int], None] | None = None

    def progress(done: int, head: int) -> None:
        nonlocal bar
        bar = bar or progress_bar(head, "verify")
        bar(done)

    if kept:
        _, signed = await asyncio.to_thread(_kept, args, Path(kept))
        report = await audit_against(
            settings.database_url, settings.database_schema, signed, progress
        )
    else:
        public_key = _public_key(args, settings.data_dir)
        default = settings.data_dir / checkpoints.CHECKPOINTS_FILE
        checkpoints_file = Path(args.checkpoints or default)
        report = await audit(
            settings.database_url, settings.database_schema, checkpoints_file, public_key, progress
        )
    if bar is not None:
        sys.stderr.write("\n")
    print("\n".join(statement(report)))
    return report


def verify(args: argparse.Namespace) -> int:
    """Exit 0 when the log is intact, 1 when broken; writes nothing anywhere."""
    report = asyncio.run(_audit(args))
    if report.ok:
        print(_sealed_line(asyncio.run(_census(args))))
    return 0 if report.ok else 1


def seal(args: argparse.Namespace) -> int:
    """Verify, then sign a checkpoint of the head that was verified (not of a broken log)."""

    async def run() -> int:
        report = await _audit(args)
        if not report.ok:
            print("not sealed: the log is broken.")
            return 1
        if report.head == 0:
            print("not sealed: the log is empty.")
            return 0
        data_dir = settings_of(args).data_dir
        key = await asyncio.to_thread(checkpoints.load_or_create_key, data_dir)
        signed = checkpoints.sign(key, report.epoch, report.head, report.head_hash)
        await asyncio.to_thread(checkpoints.append, data_dir, signed)
        print(f"sealed: a signed checkpoint of position {report.head} in {data_dir}.")
        return 0

    return asyncio.run(run())


async def _census(args: argparse.Namespace) -> census.SealedReport:
    """The sealed texts of the log, counted reading only (as verify reads)."""
    settings = settings_of(args)
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


def register(sub: Sub) -> None:
    """Add ``verify`` and ``seal``."""
    for name, command, help_text in (
        (
            "verify",
            verify,
            "Check the hash chain, the commands records and the signed checkpoints against "
            "each other, reading only; say what they prove; exit 1 if broken.",
        ),
        (
            "seal",
            seal,
            "Verify, then sign a checkpoint of the verified head into the data folder "
            "(creating the key on first use).",
        ),
    ):
        checking = sub(name, command, help_text)
        checking.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="signed checkpoints (default: <data dir>/checkpoints.jsonl)",
        )
        if name == "verify":
            checking.add_argument(
                "--checkpoint",
                metavar="FILE",
                help="check the log against a kept checkpoints file (GET /api/audit/checkpoints) "
                "instead of the data folder's",
            )
        checking.add_argument(
            "--public-key",
            metavar="FILE",
            help="checkpoint public key (default: <data dir>/checkpoint-key.pub.pem)",
        )
