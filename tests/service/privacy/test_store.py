"""``PrivateStore`` (both backends): every read opens sealed texts, the stored bytes keep them
sealed, and an erasure read anywhere makes this process drop the key before it opens more."""

from __future__ import annotations

import uuid

import msgspec
import sqlalchemy as sa

from domain.codec import encode_event
from domain.recorded import RecordedEvent
from domain.workshop import ParticipantJoined, PersonErased
from service.privacy import marker
from service.privacy.store import PrivateStore
from service.store import NewEvent
from service.store.schema import events
from tests.conftest import StoreLocation
from tests.service.store.support import meta

STREAM = "workshop-w"


async def joined(store: PrivateStore, person_id: str, name: str) -> NewEvent:
    cipher = await store.keys.for_sealing(person_id)
    assert cipher is not None
    event = ParticipantJoined(
        actor_id=person_id,
        name=marker.seal(cipher, person_id, name),
        organisation="",
        role="participant",
    )
    return NewEvent(event_id=str(uuid.uuid4()), type="participant.joined", data=encode_event(event))


def erased(person_id: str) -> NewEvent:
    data = encode_event(PersonErased(actor_id=person_id))
    return NewEvent(event_id=str(uuid.uuid4()), type="person.erased", data=data)


def names(records: list[RecordedEvent]) -> list[str]:
    return [msgspec.json.decode(r.data)["name"] for r in records if r.type == "participant.joined"]


async def stored_data(store: PrivateStore) -> list[bytes]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(sa.select(events.c.data).order_by(events.c.position))
        return [bytes(data) for (data,) in rows]


async def test_every_read_opens_what_the_stored_bytes_keep_sealed(private: PrivateStore) -> None:
    heard: list[list[RecordedEvent]] = []
    private.add_event_listener(heard.append)
    appended = await private.append(
        STREAM, [await joined(private, "pia", "Pia Lindqvist")], 0, meta("c1")
    )

    assert names(appended) == ["Pia Lindqvist"]
    assert names(heard[0]) == ["Pia Lindqvist"]
    assert names(await private.read_stream(STREAM)) == ["Pia Lindqvist"]
    assert names(await private.read_all()) == ["Pia Lindqvist"]
    assert names(await private.command_events("c1")) == ["Pia Lindqvist"]
    resent = await private.append(STREAM, [await joined(private, "ben", "Ben")], 0, meta("c1"))
    assert names(resent) == ["Pia Lindqvist"]  # what the command recorded the first time

    [data] = await stored_data(private)
    assert b"Pia Lindqvist" not in data
    assert b"Lindqvist" not in data
    assert [r.data for r in await private.read_all_stored()] == [data]
    assert (await private.verify()).ok


async def test_a_read_erasure_drops_the_key_before_the_batch_is_opened(
    private: PrivateStore, store_location: StoreLocation
) -> None:
    other = await PrivateStore.open(store_location.url, schema=store_location.schema)
    try:
        heard: list[list[str]] = []
        other.on_erasure(heard.append)
        pia, ben = await joined(private, "pia", "Pia"), await joined(private, "ben", "Ben")
        await private.append(STREAM, [pia, ben], 0, meta())
        assert names(await other.read_all()) == ["Pia", "Ben"]  # the other process holds the key

        await private.keys.shred("pia")
        await private.append(STREAM, [erased("pia")], 2, meta())
        assert names(await other.read_all()) == ["(erased)", "Ben"]
        assert names(await other.read_stream(STREAM)) == ["(erased)", "Ben"]
        assert heard == [["pia"]]  # once, however often it is read

        reopened = await PrivateStore.open(store_location.url, schema=store_location.schema)
        try:
            reopened.on_erasure(heard.append)
            assert names(await reopened.read_all()) == ["(erased)", "Ben"]
            assert heard == [["pia"]]  # an erasure from before it opened: nothing to forget
        finally:
            await reopened.close()
    finally:
        await other.close()
