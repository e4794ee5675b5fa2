"""The audit desk: the chain's state for auditors over HTTP, and the signed checkpoints as a
plain-text file an auditor keeps and later checks a log against, offline, with ``plenary verify
--checkpoint FILE``.

A kept file carries the public key that signed it; an auditor who wants to know the key is the
service's compares its fingerprint (printed in the file and by ``plenary verify``) with one
they got another way, or passes ``--public-key``.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from service.integrity import checkpoints
from service.integrity.audit import statement
from service.integrity.checkpoints import SignedCheckpoint
from service.store import EventStore, VerifyReport
from service.store.errors import StoreError

KEPT_HEADER = "# plenary signed checkpoints, version 1"
_LINE_TAG = "plenary-checkpoint/1"


class KeptFileInvalid(StoreError):
    """A kept checkpoints file that cannot be read, or whose key is not the one given."""

    code = "checkpoint_file_invalid"


class SignedAt(msgspec.Struct, frozen=True):
    position: int
    hash: str
    signed_at: str


class ChainState(msgspec.Struct, frozen=True, kw_only=True):
    """What the log proves now, as ``plenary verify`` says it."""

    ok: bool
    epoch: str
    head: int
    head_hash: str
    verified_up_to: int
    first_bad_position: int | None
    reason: str | None
    checkpoints_signed: int
    checkpoints_matched: int
    latest_checkpoint: SignedAt | None
    """The latest signed checkpoint of this log that matched, if any."""
    unsealed: int
    """Positions after it: proved by the chain and the commands records only."""
    problems: tuple[str, ...]
    statement: tuple[str, ...]
    """The report in words, line by line (``plenary verify``'s first lines)."""
    key_fingerprint: str | None
    """SHA-256 of the signing key's public half (DER), hex; ``None`` with no key yet."""
    checked_at: float


class AuditDesk:
    """Verifies ``store`` against the signed checkpoints in ``data_dir`` on request; one walk
    at a time, and none while the head has not moved since the last."""

    def __init__(self, store: EventStore, data_dir: Path, clock: Callable[[], float]) -> None:
        self._store, self._data_dir, self._clock = store, data_dir, clock
        self._lock = asyncio.Lock()
        self._last: ChainState | None = None

    async def state(self) -> ChainState:
        async with self._lock:
            head = await self._store.head()
            last = self._last
            if last is not None and (last.head, last.head_hash) == (head.position, head.hash.hex()):
                return last
            public_key = await asyncio.to_thread(self._public_key)
            held = checkpoints.CheckpointFile([], [])
            if public_key is not None:
                path = self._data_dir / checkpoints.CHECKPOINTS_FILE
                held = await asyncio.to_thread(checkpoints.read, path, public_key)
            report = await self._store.verify([s.checkpoint() for s in held.genuine])
            found = checkpoints.problems(held, report.epoch, checkpoints.CHECKPOINTS_FILE)
            if found:
                report = msgspec.structs.replace(report, ok=False, problems=tuple(found))
            self._last = _state(report, held, public_key, self._clock())
            return self._last

    async def kept_file(self) -> str:
        """The signed checkpoints of this log as a kept file (``KEPT_HEADER`` first)."""
        public_key = await asyncio.to_thread(self._public_key)
        if public_key is None:
            return kept_text(self._store.epoch, None, [])
        path = self._data_dir / checkpoints.CHECKPOINTS_FILE
        held = await asyncio.to_thread(checkpoints.read, path, public_key)
        ours = [signed for signed in held.genuine if signed.epoch == self._store.epoch]
        return kept_text(self._store.epoch, public_key, ours)

    def _public_key(self) -> Ed25519PublicKey | None:
        path = self._data_dir / checkpoints.PUBLIC_KEY_FILE
        if not path.exists():
            return None
        key = serialization.load_pem_public_key(path.read_bytes())
        return key if isinstance(key, Ed25519PublicKey) else None


def _state(
    report: VerifyReport,
    held: checkpoints.CheckpointFile,
    public_key: Ed25519PublicKey | None,
    now: float,
) -> ChainState:
    latest = next(
        (
            SignedAt(s.position, s.hash, s.signed_at.isoformat())
            for s in sorted(held.genuine, key=lambda s: -s.position)
            if s.epoch == report.epoch and s.position == report.latest_checkpoint
        ),
        None,
    )
    return ChainState(
        ok=report.ok,
        epoch=report.epoch,
        head=report.head,
        head_hash=report.head_hash.hex(),
        verified_up_to=report.verified_up_to,
        first_bad_position=report.first_bad_position,
        reason=report.reason,
        checkpoints_signed=report.checkpoints_signed,
        checkpoints_matched=report.checkpoints_matched,
        latest_checkpoint=latest,
        unsealed=max(report.verified_up_to - report.latest_checkpoint, 0),
        problems=report.problems,
        statement=tuple(statement(report)),
        key_fingerprint=None if public_key is None else fingerprint(public_key),
        checked_at=now,
    )


def fingerprint(public_key: Ed25519PublicKey) -> str:
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def kept_text(
    epoch: str, public_key: Ed25519PublicKey | None, signed: list[SignedCheckpoint]
) -> str:
    """A kept file: a comment header, the public key (PEM), then one line per checkpoint:
    ``plenary-checkpoint/1 EPOCH POSITION HASH SIGNED_AT SIGNATURE``."""
    lines = [
        KEPT_HEADER,
        f"# epoch {epoch}",
        "# check a log against it: plenary verify --checkpoint THIS_FILE",
    ]
    if public_key is None:
        lines.append("# no checkpoint has been signed yet")
        return "\n".join(lines) + "\n"
    lines.append(f"# key fingerprint (sha256 of the public key, DER) {fingerprint(public_key)}")
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    lines.extend(pem.decode().strip().splitlines())
    for s in signed:
        stamp = s.signed_at.isoformat()
        lines.append(f"{_LINE_TAG} {s.epoch} {s.position} {s.hash} {stamp} {s.signature}")
    return "\n".join(lines) + "\n"


def read_kept(text: str) -> tuple[Ed25519PublicKey, list[SignedCheckpoint]]:
    """The key and the checkpoints of a kept file, each signature checked with that key.

    Raises ``KeptFileInvalid`` naming the line that is not a checkpoint its key signed.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != KEPT_HEADER:
        raise KeptFileInvalid(
            f"Not a kept checkpoints file: its first line is not {KEPT_HEADER!r}."
        )
    pem = [line for line in lines if not line.startswith(("#", _LINE_TAG)) and line.strip()]
    try:
        key = serialization.load_pem_public_key("\n".join(pem).encode())
    except ValueError:
        raise KeptFileInvalid("The file holds no public key (no checkpoint to check).") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeptFileInvalid("The file's key is not an Ed25519 key.")
    signed: list[SignedCheckpoint] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith(_LINE_TAG):
            signed.append(_checked_line(key, line, number))
    return key, signed


def _checked_line(key: Ed25519PublicKey, line: str, number: int) -> SignedCheckpoint:
    try:
        _tag, epoch, position, hash_hex, stamp, signature = line.split()
        found = msgspec.convert(
            {
                "epoch": epoch,
                "position": int(position),
                "hash": hash_hex,
                "signed_at": stamp,
                "signature": signature,
            },
            SignedCheckpoint,
        )
        key.verify(bytes.fromhex(found.signature), found.message())
    except (ValueError, msgspec.ValidationError, InvalidSignature):
        raise KeptFileInvalid(f"Line {number} is not a checkpoint its key signed.") from None
    return found
