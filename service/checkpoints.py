"""Signed checkpoints of the log's head, kept outside the database.

The hash chain shows an edit, an insertion or a deletion inside the log. It cannot show a
log whose tail was cut, or one re-hashed from the first event on by someone with database
access. A checkpoint (epoch, position, hash) signed with an Ed25519 key that lives in the
data folder, not in the database, catches both: ``verify`` checks that each checkpoint's
position still carries the signed hash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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
    """The signing key in ``data_dir`` (created once, mode 0600, public half beside it)."""
    path = data_dir / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    (data_dir / PUBLIC_KEY_FILE).write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key


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
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / CHECKPOINTS_FILE).open("ab") as handle:
        handle.write(msgspec.json.encode(checkpoint) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path, public_key: Ed25519PublicKey, epoch: str) -> tuple[list[Checkpoint], int]:
    """The genuine checkpoints of store ``epoch`` in ``path``, and how many lines were forged.

    Lines of other stores (another epoch) are skipped; a line whose signature does not verify
    counts as forged, since only the key's holder could have written a valid one.
    """
    if not path.exists():
        return [], 0
    genuine: list[Checkpoint] = []
    forged = 0
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        try:
            signed = msgspec.json.decode(line, type=SignedCheckpoint)
            if signed.epoch != epoch:
                continue
            public_key.verify(bytes.fromhex(signed.signature), signed.message())
        except (msgspec.DecodeError, ValueError, InvalidSignature):
            forged += 1
            continue
        genuine.append(signed.checkpoint())
    return genuine, forged
