"""Signed checkpoints: only the key's holder can write one that verify accepts."""

from __future__ import annotations

import json
from pathlib import Path

from service import checkpoints


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

    genuine, bad = checkpoints.read(path, key.public_key(), "epoch-1")
    assert [(c.position, c.hash) for c in genuine] == [(10, b"\x01" * 32)]
    assert bad == 2


def test_another_key_verifies_nothing(tmp_path: Path) -> None:
    ours = checkpoints.load_or_create_key(tmp_path / "ours")
    theirs = checkpoints.load_or_create_key(tmp_path / "theirs")
    checkpoints.append(tmp_path / "theirs", checkpoints.sign(theirs, "e", 5, b"\x00" * 32))
    genuine, bad = checkpoints.read(
        tmp_path / "theirs" / checkpoints.CHECKPOINTS_FILE, ours.public_key(), "e"
    )
    assert (genuine, bad) == ([], 1)
