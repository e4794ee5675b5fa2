"""What ``plenary verify`` proves: the log's records checked against each other and against
the signed checkpoints in the data folder, reading only.

Nothing is written anywhere: the store is opened with ``EventStore.inspect`` (no migration,
no writer, connections that cannot write) and no key or checkpoint is created.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from service.integrity import checkpoints
from service.store import EventStore, VerifyReport


async def audit(
    url: str,
    schema: str | None,
    checkpoints_file: Path,
    public_key: Ed25519PublicKey | None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Verify the log at ``url`` against the checkpoints ``public_key`` signed in
    ``checkpoints_file`` (none without a key). Not ``ok`` when the log's records disagree or
    the checkpoints do not vouch for this log (lines not signed by the key, another epoch).

    Raises ``StoreUnavailable`` when the database cannot be read.
    """
    held = checkpoints.CheckpointFile([], [])
    if public_key is not None:
        held = await asyncio.to_thread(checkpoints.read, checkpoints_file, public_key)
    return await _against(url, schema, held, checkpoints_file.name, progress)


async def audit_against(
    url: str,
    schema: str | None,
    signed: list[checkpoints.SignedCheckpoint],
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Verify the log at ``url`` against checkpoints already read and checked (a kept file):
    not ``ok`` when the records disagree or a checkpoint is of another epoch."""
    return await _against(
        url, schema, checkpoints.CheckpointFile(signed, []), "the kept file", progress
    )


async def _against(
    url: str,
    schema: str | None,
    held: checkpoints.CheckpointFile,
    name: str,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    store = await EventStore.inspect(url, schema=schema)
    try:
        report = await store.verify([signed.checkpoint() for signed in held.genuine], progress)
    finally:
        await store.close()
    found = checkpoints.problems(held, report.epoch, name)
    if found:
        report = msgspec.structs.replace(report, ok=False, problems=tuple(found))
    return report


def statement(report: VerifyReport) -> list[str]:
    """What ``report`` proves, line by line: the verdict, then what holds how far."""
    lines = [f"BROKEN: {problem}." for problem in report.problems]
    if report.first_bad_position is not None:
        lines.insert(0, f"BROKEN at position {report.first_bad_position}: {report.reason}.")
    if report.ok:
        lines.append(f"OK: positions 1..{report.head} are intact, as far as the lines below prove.")
    proved = report.verified_up_to
    lines.append(
        f"log: epoch {report.epoch}, head at position {report.head} "
        f"(hash {report.head_hash.hex()})."
    )
    unrecorded = (
        f" ({report.unrecorded} of them from before commands recorded hashes: chain only)"
        if report.unrecorded
        else ""
    )
    lines.append(
        f"chain and commands records: hold for positions 1..{proved} of {report.head}{unrecorded}."
    )
    latest = report.latest_checkpoint
    matched = f"{report.checkpoints_matched} of {report.checkpoints_signed} matched"
    if report.checkpoints_matched:
        matched += f", the latest at position {latest}"
    lines.append(f"signed checkpoints: {matched}.")
    if latest < proved:
        lines.append(
            f"positions {latest + 1}..{proved} come after the latest signed checkpoint: they "
            "are proved only by the chain and the commands records, which someone able to "
            "write the database could rewrite together."
        )
    return lines
