"""The server's sealer: the head signed on start, at most once an interval after commits, and
on close; each seal one signed line that verify accepts."""

from __future__ import annotations

from pathlib import Path

from service.integrity import checkpoints
from service.integrity.sealing import Sealer
from service.store import EventStore
from tests.service.store.support import meta, new_event


async def test_commits_inside_an_interval_wait_for_its_end_or_close(
    store: EventStore, tmp_path: Path
) -> None:
    await store.append("board-1", [new_event()], 0, meta())
    sealer = Sealer(store, tmp_path, interval=3600)
    unsubscribe = store.add_listener(lambda *_: sealer.wake())

    await sealer.start()
    await store.append("board-1", [new_event(), new_event()], 1, meta())
    await store.append("board-2", [new_event()], 0, meta())
    await sealer.close()
    unsubscribe()

    key = checkpoints.load_or_create_key(tmp_path).public_key()
    held = checkpoints.read(tmp_path / checkpoints.CHECKPOINTS_FILE, key)
    assert held.bad_lines == []
    assert [(c.epoch, c.position) for c in held.genuine] == [(store.epoch, 1), (store.epoch, 4)]
    assert held.genuine[-1].hash == (await store.head()).hash.hex()


async def test_an_empty_or_unmoved_log_is_not_sealed_again(
    store: EventStore, tmp_path: Path
) -> None:
    sealer = Sealer(store, tmp_path, interval=3600)
    await sealer.start()
    await sealer.close()
    assert not (tmp_path / checkpoints.CHECKPOINTS_FILE).exists()  # nothing to vouch for
    assert not (tmp_path / checkpoints.KEY_FILE).exists()

    await store.append("board-1", [new_event()], 0, meta())
    sealer = Sealer(store, tmp_path, interval=3600)
    await sealer.start()
    assert await sealer.seal() == 1  # the head has not moved: no second line
    await sealer.close()
    assert (tmp_path / checkpoints.CHECKPOINTS_FILE).read_text().count("\n") == 1
