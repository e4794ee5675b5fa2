"""Signed checkpoints of the log's head, kept outside the database.

The hash chain and the commands records show an edit, an insertion or a deletion that
touches one of them. Someone who can write the database could rewrite both together; a
checkpoint (epoch, position, hash) signed with an Ed25519 key that lives in the data folder,
not in the database, catches that up to the checkpoint: ``verify`` checks that each signed
position still carries the signed hash, and that the checkpoints are of this log's epoch.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.files import open_private, private_folder
from service.store import Checkpoint

KEY_FILE = "checkpoint-key.pem"
PUBLIC_KEY_FILE = "checkpoint-key.pub.pem"
CHECKPOINTS_FILE = "checkpoints.jsonl"


class SignedCheckpoint(msgspec.Struct, frozen=True, kw_only=True):
    """One line of ``checkpoints.jsonl``."""

    epoch: str
    position: int
    hash: str
    signed_at: datetime
    signature: str

    def message(self) -> bytes:
        return signed_message(self.epoch, self.position, bytes.fromhex(self.hash))

    def checkpoint(self) -> Checkpoint:
        return Checkpoint(position=self.position, hash=bytes.fromhex(self.hash))


def signed_message(epoch: str, position: int, head_hash: bytes) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    return f"plenary-checkpoint/1|{epoch}|{position}|{head_hash.hex()}".encode()


def load_or_create_key(data_dir: Path) -> Ed25519PrivateKey:
    """The signing key in ``data_dir`` (created once, mode 0600, public half beside it).

    Processes that create it at once agree on one key: each writes a file of its own and
    links it into place, which only the first can do.
    """
    path = data_dir / KEY_FILE
    if not path.exists():
        private_folder(data_dir)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_new(path, pem, 0o600, replace=False)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 key")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_path = data_dir / PUBLIC_KEY_FILE
    if not public_path.exists() or public_path.read_bytes() != public:
        _write_new(public_path, public, 0o644, replace=True)
    return key


def _write_new(path: Path, content: bytes, mode: int, *, replace: bool) -> None:
    """Write ``content`` to ``path`` whole (fsynced); unless ``replace``, only if ``path``
    does not exist yet (then the file already there stays)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def sign(
    key: Ed25519PrivateKey,
    epoch: str,
    position: int,
    head_hash: bytes,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SignedCheckpoint:
    """A checkpoint of ``position``/``head_hash`` signed with ``key``."""
    signature = key.sign(signed_message(epoch, position, head_hash))
    return SignedCheckpoint(
        epoch=epoch,
        position=position,
        hash=head_hash.hex(),
        signed_at=now(),
        signature=signature.hex(),
    )


def append(data_dir: Path, checkpoint: SignedCheckpoint) -> None:
    """Add ``checkpoint`` to the data folder's ``checkpoints.jsonl`` (fsynced)."""
    private_folder(data_dir)
    with open_private(data_dir / CHECKPOINTS_FILE, "ab") as handle:
        handle.write(msgspec.json.encode(checkpoint) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())


class CheckpointFile(NamedTuple):
    """What a checkpoints file holds: the lines the key signed, and the numbers (from 1) of
    the lines it did not (forged, edited or unreadable)."""

    genuine: list[SignedCheckpoint]
    bad_lines: list[int]


def read(path: Path, public_key: Ed25519PublicKey) -> CheckpointFile:
    """Every line of ``path`` whose signature ``public_key`` verifies, of any epoch, and the
    lines whose signature does not (only the key's holder could have written a valid one)."""
    if not path.exists():
        return CheckpointFile([], [])
    genuine: list[SignedCheckpoint] = []
    bad: list[int] = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            signed = msgspec.json.decode(line, type=SignedCheckpoint)
            public_key.verify(bytes.fromhex(signed.signature), signed.message())
        except (msgspec.DecodeError, ValueError, InvalidSignature):
            bad.append(number)
            continue
        genuine.append(signed)
    return CheckpointFile(genuine, bad)


def problems(held: CheckpointFile, epoch: str, name: str) -> list[str]:
    """Why the checkpoints file ``name`` does not vouch for the log of ``epoch``: lines with
    no valid signature, and signed checkpoints of another epoch (another log, or this one
    re-made under a new epoch)."""
    found = [f"{name} line {number} carries no valid signature" for number in held.bad_lines]
    others: dict[str, list[int]] = {}
    for signed in held.genuine:
        if signed.epoch != epoch:
            others.setdefault(signed.epoch, []).append(signed.position)
    for other, positions in others.items():
        found.append(
            f"{name} holds {len(positions)} signed checkpoint(s) of epoch {other} (the latest "
            f"at position {max(positions)}), not of this log's epoch {epoch}: they do not "
            "vouch for this log"
        )
    return found
