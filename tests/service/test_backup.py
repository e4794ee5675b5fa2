"""``plenary export --all`` then ``plenary import`` into an empty store, on both backends: the
same positions, hashes and epoch, so ``plenary verify`` and a checkpoint sealed on the original
hold on the copy. A store that holds anything, a cut file and a broken chain are refused, and
the refusal writes nothing."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.recorded import EventMeta
from service.cli import main
from service.store import NewEvent
from service.store.backup import dump, load
from service.store.schema import commands, events, person_keys
from tests.conftest import StoreLocation, postgres_execute


def use(location: StoreLocation, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("PLENARY_DATABASE_URL", location.url)
    monkeypatch.setenv("PLENARY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PLENARY_SECRET", "backup-test-secret-of-at-least-32-bytes")
    if location.schema:
        monkeypatch.setenv("PLENARY_DATABASE_SCHEMA", location.schema)
    else:
        monkeypatch.delenv("PLENARY_DATABASE_SCHEMA", raising=False)


@pytest.fixture
def other_location(store_location: StoreLocation, tmp_path: Path) -> Iterator[StoreLocation]:
    """A second empty database on the same backend as ``store_location``."""
    if store_location.schema is None:
        yield StoreLocation(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}", None)
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    yield StoreLocation(store_location.url, schema)
    asyncio.run(postgres_execute(store_location.url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def rows(location: StoreLocation) -> tuple[str, list[tuple[object, ...]], int, int]:
    """The epoch, every event row, and how many commands records and person keys."""

    async def read() -> tuple[str, list[tuple[object, ...]], int, int]:
        store = await location.open(read_only=True)
        try:
            async with store.engine.connect() as conn:
                found = (await conn.execute(sa.select(events).order_by(events.c.position))).all()
                n_commands = await conn.scalar(sa.select(sa.func.count()).select_from(commands))
                n_keys = await conn.scalar(sa.select(sa.func.count()).select_from(person_keys))
            listed = [tuple(row) for row in found]
            return store.epoch, listed, int(n_commands or 0), int(n_keys or 0)
        finally:
            await store.close()

    return asyncio.run(read())


def seeded(store_location: StoreLocation, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The demo in ``store_location``, sealed, exported whole; the file."""
    use(store_location, monkeypatch, tmp_path / "var")
    assert main(["demo"]) == 0
    assert main(["seal"]) == 0
    backup = tmp_path / "store.backup"
    assert main(["export", "--all", "--out", str(backup)]) == 0
    return backup


def test_a_backup_restores_the_same_log_that_verifies_against_its_kept_checkpoint(
    store_location: StoreLocation,
    other_location: StoreLocation,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup = seeded(store_location, monkeypatch, tmp_path)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds people's keys
    original = rows(store_location)
    assert len(original[1]) > 100
    assert original[2] > 0
    assert original[3] > 0

    use(other_location, monkeypatch, tmp_path / "var")  # the same kept checkpoints and key
    capsys.readouterr()
    assert main(["import", str(backup)]) == 0
    assert f"imported positions 1..{len(original[1])}" in capsys.readouterr().out
    assert rows(other_location) == original  # epoch, every column of every event, the counts
    assert main(["verify"]) == 0
    said = capsys.readouterr().out
    assert f"OK: positions 1..{len(original[1])} are intact" in said
    assert "signed checkpoints: 1 of 1 matched" in said  # the checkpoint sealed on the original
    assert "BROKEN" not in said


def test_an_import_into_a_store_that_holds_anything_is_refused(
    store_location: StoreLocation,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup = seeded(store_location, monkeypatch, tmp_path)
    before = rows(store_location)
    capsys.readouterr()
    assert main(["import", str(backup)]) == 2
    assert "backup_refused" in capsys.readouterr().err
    assert rows(store_location) == before


def _edited(backup: Path, target: Path, position: int) -> None:
    """``backup`` with one byte of the event at ``position``'s data changed."""
    lines = backup.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[position])  # line 0 is the header
    assert (record["kind"], record["position"]) == ("event", position)
    data = bytearray(base64.b64decode(record["data"]))
    data[-2] ^= 0x01
    record["data"] = base64.b64encode(bytes(data)).decode()
    lines[position] = (json.dumps(record) + "\n").encode()
    target.write_bytes(b"".join(lines))


@pytest.mark.parametrize("damage", ["edited", "cut", "not a backup"])
def test_a_damaged_backup_is_refused_and_writes_nothing(
    damage: str,
    store_location: StoreLocation,
    other_location: StoreLocation,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup = seeded(store_location, monkeypatch, tmp_path)
    damaged = tmp_path / "damaged.backup"
    if damage == "edited":
        _edited(backup, damaged, 40)
    elif damage == "cut":
        damaged.write_bytes(b"".join(backup.read_bytes().splitlines(keepends=True)[:-3]))
    else:
        main(["export", "log", "--out", str(damaged)])
    use(other_location, monkeypatch, tmp_path / "copy-var")
    capsys.readouterr()
    assert main(["import", str(damaged)]) == 2
    err = capsys.readouterr().err
    assert "backup_refused" in err
    if damage == "edited":
        assert "position 40" in err
    _, found, n_commands, n_keys = rows(other_location)
    assert (found, n_commands, n_keys) == ([], 0, 0)
    assert main(["import", str(backup)]) == 0  # the refusal left the store empty and usable


def test_a_backup_taken_while_the_log_grows_holds_the_log_as_it_began(
    store_location: StoreLocation, other_location: StoreLocation
) -> None:
    async def run() -> tuple[int, int]:
        store = await store_location.open()
        try:
            await store.append("s-1", [_event()], 0, _meta())
            lines: list[bytes] = []
            async for line in dump(store):
                if not lines:  # the header is read: the log grows under the dump
                    await store.append("s-1", [_event()], 1, _meta())
                lines.append(line)
        finally:
            await store.close()
        copy = await other_location.open()
        try:
            restored = await load(copy, lines)
            return restored.head, (await copy.verify()).verified_up_to
        finally:
            await copy.close()

    assert asyncio.run(run()) == (1, 1)  # the second append is not in it, and it verifies


def _event() -> NewEvent:
    return NewEvent(event_id=str(uuid.uuid4()), type="note.added", data=b'{"n":1}')


def _meta() -> EventMeta:
    command = str(uuid.uuid4())
    return EventMeta(actor="a", role="participant", command_id=command, correlation_id=command)
