"""Each person's key (both backends): made once however many processes ask at once, held in
the log's own database, and gone for good once dropped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.privacy import marker
from service.privacy.store import PrivateStore
from service.store.schema import person_keys
from tests.conftest import StoreLocation


async def stored_key(store: PrivateStore, person_id: str) -> bytes | None:
    query = sa.select(person_keys.c.key).where(person_keys.c.person_id == person_id)
    async with store.engine.connect() as conn:
        key = await conn.scalar(query)
    return None if key is None else bytes(key)


async def test_processes_asking_at_once_agree_on_one_key(
    private: PrivateStore, store_location: StoreLocation
) -> None:
    others = [
        await PrivateStore.open(store_location.url, schema=store_location.schema) for _ in "ab"
    ]
    try:
        stores = [private, *others]
        ciphers = await asyncio.gather(*(s.keys.for_sealing("pia") for s in stores * 3))
        sealed = [marker.seal(c, "pia", "Pia") for c in ciphers if c is not None]
        assert len(sealed) == 9
        for store in stores:  # whatever process sealed it, every one opens it
            for text in sealed:
                await store.keys.load(["pia"])
                opened = marker.open_body(store.keys.cached("pia"), "pia", _body(text))
                assert opened == "Pia"
        assert await stored_key(private, "pia") is not None
    finally:
        for other in others:
            await other.close()


async def test_a_dropped_key_is_never_made_again(
    private: PrivateStore, store_location: StoreLocation
) -> None:
    sealed = marker.seal(await _cipher(private, "pia"), "pia", "Pia")
    await private.keys.shred("pia")
    await private.keys.shred("never-sealed")  # an erasure of someone who wrote nothing
    assert await stored_key(private, "pia") is None
    assert await private.keys.for_sealing("pia") is None
    assert await private.keys.erased() == {"pia", "never-sealed"}

    later = await PrivateStore.open(store_location.url, schema=store_location.schema)
    try:
        assert await later.keys.for_sealing("pia") is None
        await later.keys.load(["pia"])
        assert marker.open_body(later.keys.cached("pia"), "pia", _body(sealed)) is None
    finally:
        await later.close()


async def _cipher(store: PrivateStore, person_id: str) -> AESGCM:
    cipher = await store.keys.for_sealing(person_id)
    assert cipher is not None
    return cipher


def _body(sealed: str) -> bytes:
    return sealed.split(marker.SEPARATOR)[1].rstrip(marker.END).encode()


async def test_on_sqlite_a_dropped_key_leaves_no_bytes_in_the_file(tmp_path: Path) -> None:
    """The key's bytes are zeroed (``secure_delete``), and the WAL is checkpointed away."""
    database = tmp_path / "log.db"
    store = await PrivateStore.open(f"sqlite+aiosqlite:///{database}")
    try:
        await store.keys.for_sealing("pia")
        key = await stored_key(store, "pia")
        assert key is not None
        await store.keys.shred("pia")
    finally:
        await store.close()  # the last connection checkpoints the WAL into the file
    assert holding(tmp_path, key) == []


def holding(folder: Path, data: bytes) -> list[str]:
    """The files in ``folder`` whose bytes hold ``data``."""
    return [p.name for p in folder.iterdir() if data in p.read_bytes()]
