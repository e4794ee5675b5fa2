"""Signed checkpoints: only the key's holder can write one that verify accepts; every line it
did not sign, and every checkpoint of another epoch, is reported."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from service.integrity import checkpoints


def test_signed_checkpoints_round_trip_and_forgeries_are_counted(tmp_path: Path) -> None:
    key = checkpoints.load_or_create_key(tmp_path)
    assert (tmp_path / checkpoints.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert checkpoints.load_or_create_key(tmp_path).public_key().public_bytes_raw() == (
        key.public_key().public_bytes_raw()
    )
    checkpoints.append(tmp_path, checkpoints.sign(key, "epoch-1", 10, b"\x01" * 32))
    checkpoints.append(tmp_path, checkpoints.sign(key, "epoch-2", 99, b"\x02" * 32))
    path = tmp_path / checkpoints.CHECKPOINTS_FILE

    forged = json.loads(path.read_text().splitlines()[0])
    forged["position"] = 11  # the signature no longer covers what the line says
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
        handle.write("not json\n")

    held = checkpoints.read(path, key.public_key())
    assert [(c.epoch, c.position, c.hash) for c in held.genuine] == [
        ("epoch-1", 10, "01" * 32),
        ("epoch-2", 99, "02" * 32),
    ]
    assert held.bad_lines == [3, 4]
    assert checkpoints.problems(held, "epoch-1", "cp") == [
        "cp line 3 carries no valid signature",
        "cp line 4 carries no valid signature",
        "cp holds 1 signed checkpoint(s) of epoch epoch-2 (the latest at position 99), not of "
        "this log's epoch epoch-1: they do not vouch for this log",
    ]


def test_another_key_verifies_nothing(tmp_path: Path) -> None:
    ours = checkpoints.load_or_create_key(tmp_path / "ours")
    theirs = checkpoints.load_or_create_key(tmp_path / "theirs")
    checkpoints.append(tmp_path / "theirs", checkpoints.sign(theirs, "e", 5, b"\x00" * 32))
    held = checkpoints.read(tmp_path / "theirs" / checkpoints.CHECKPOINTS_FILE, ours.public_key())
    assert held == ([], [1])


def test_processes_creating_the_key_at_once_agree_on_one(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: checkpoints.load_or_create_key(tmp_path), range(8)))

    assert len({key.public_key().public_bytes_raw() for key in keys}) == 1
    public = serialization.load_pem_public_key(
        (tmp_path / checkpoints.PUBLIC_KEY_FILE).read_bytes()
    )
    assert isinstance(public, Ed25519PublicKey)
    assert public.public_bytes_raw() == keys[0].public_key().public_bytes_raw()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        checkpoints.KEY_FILE,
        checkpoints.PUBLIC_KEY_FILE,
    ]
