"""Erasing a person end to end, on a real server (both backends): nothing of theirs is stored
in the clear; every way of reading shows their texts before and "(erased)" after, copies on
other boards included, while everyone else's stay readable; the chain still verifies and
counts what was erased; their token is refused; another instance follows."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import msgspec
import pytest
import sqlalchemy as sa

from domain import decisions
from domain.actor import Actor
from projections.runner import ProjectionRunner
from service.access import organisers
from service.app import PROJECTIONS, close_plenary, open_plenary, project_until_closed
from service.context import Plenary
from service.privacy import census, erasure, marker
from service.privacy.erasure import Forgetting
from service.privacy.store import PrivateStore
from service.readside import export
from service.readside.projector import Projector
from service.readside.readmodels import SqlViewStore
from service.readside.report import workshop_report
from service.readside.report_html import workshop_report_html
from service.readside.report_json import workshop_report_json
from service.server import base_url, running, started
from service.settings import Settings
from service.store.schema import events, read_models, snapshots
from service.tools.client import BoardClient
from tests.conftest import StoreLocation
from tests.service.people import plenary_of, session_token
from tests.service.privacy import scenario
from tests.service.privacy.scenario import (
    BEN_TEXTS,
    FAY,
    FAY_TEXTS,
    PIA,
    PIA_TEXTS,
    PLENARY,
    W,
)
from tests.waiting import until

WAIT = 10.0
ERASED = marker.ERASED
BOARDS = (scenario.NAMED, scenario.ANON, PLENARY)
DECISIONS = ((scenario.NAMED, "d-note"), (scenario.NAMED, "d-cluster"), (PLENARY, "d-copy"))
TRACKS = (scenario.TRACK_FROM_NOTE, scenario.TRACK_TYPED)


@dataclass
class Served:
    ctx: Plenary
    url: str
    http: httpx2.AsyncClient

    def token(self, actor: Actor) -> str:
        return session_token(self.ctx, actor, W)

    async def get(self, path: str, actor: Actor = FAY, **params: Any) -> Any:
        answer = await self.http.get(path, params=params, headers=self.headers(actor))
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def post(self, path: str, actor: Actor = FAY, body: object = None) -> httpx2.Response:
        return await self.http.post(path, json=body or {}, headers=self.headers(actor))

    def headers(self, actor: Actor) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(actor)}"}

    async def socket(self, board_id: str, actor: Actor = FAY) -> BoardClient:
        async with asyncio.timeout(WAIT):
            return await BoardClient.connect(self.url, board_id, self.token(actor))


@contextlib.asynccontextmanager
async def serving(settings: Settings, seed: bool = True) -> AsyncIterator[Served]:
    async with started(settings) as server:
        ctx = plenary_of(server)
        if seed:
            await scenario.seed(ctx)
        async with httpx2.AsyncClient(base_url=base_url(server), timeout=WAIT) as http:
            yield Served(ctx, base_url(server), http)


@pytest.fixture
async def served(app_settings: Settings) -> AsyncIterator[Served]:
    async with serving(app_settings) as it:
        yield it


async def http_reads(served: Served) -> dict[str, str]:
    """Every HTTP read of the workshop, as its facilitator: what → the answer's text."""
    reads = {f"/api/workshops/{W}": await served.get(f"/api/workshops/{W}")}
    for board_id in BOARDS:
        for path in (f"/api/boards/{board_id}", f"/api/boards/{board_id}/events"):
            reads[path] = await served.get(path)
        reads[f"/api/boards/{board_id}/at"] = await served.get(
            f"/api/boards/{board_id}/at", version=len(reads[f"/api/boards/{board_id}/events"])
        )
    for board_id, decision_id in DECISIONS:
        path = f"/api/boards/{board_id}/decisions/{decision_id}/trace"
        reads[path] = await served.get(path)
    for path in (f"/api/workshops/{W}/{what}" for what in ("decisions", "overview", "summary")):
        reads[path] = await served.get(path)
    for track_id in TRACKS:
        reads[f"/api/tracks/{track_id}"] = await served.get(f"/api/tracks/{track_id}")
    reads["/api/programme"] = await served.get("/api/programme")
    found = {what: msgspec.json.encode(answer).decode() for what, answer in reads.items()}
    for report in ("report", "report.html", "report.json"):
        path = f"/api/workshops/{W}/{report}"
        answer = await served.http.get(path, headers=served.headers(FAY))
        assert answer.status_code == 200, answer.text
        found[path] = answer.text
    return found


async def exports(ctx: Plenary) -> dict[str, str]:
    """Every board in every format and the workshop's report, as the operator exports them
    for an auditor (real names)."""
    viewer = export.viewer_for(ctx, "auditor")
    return {
        **{
            f"export {board_id}.{fmt}": await export.board_document(ctx, board_id, fmt, viewer)
            for board_id in BOARDS
            for fmt in export.FORMATS
        },
        "export workshop.md": await workshop_report(ctx, W, viewer),
        "export workshop.html": await workshop_report_html(ctx, W, viewer, standalone=True),
        "export workshop.json": await workshop_report_json(ctx, W, viewer),
    }


async def welcomes(served: Served) -> dict[str, str]:
    """The WebSocket welcome of each board, with its view and with the whole history."""
    found = {}
    for board_id in BOARDS:
        for since in (None, 0):
            async with asyncio.timeout(WAIT):
                client = await BoardClient.connect(
                    served.url, board_id, served.token(FAY), since=since
                )
            await client.close()
            found[f"welcome {board_id} since={since}"] = msgspec.json.encode(
                client.welcome
            ).decode()
    return found


async def everything(served: Served) -> dict[str, str]:
    return {**await http_reads(served), **await exports(served.ctx), **await welcomes(served)}


def showing(reads: dict[str, str], text: str) -> set[str]:
    """The reads whose text holds ``text`` (JSON-escaped, as the answers hold it)."""
    escaped = msgspec.json.encode(text).decode()[1:-1]
    return {what for what, read in reads.items() if text in read or escaped in read}


async def stored_bytes(ctx: Plenary) -> bytes:
    async with ctx.store.engine.connect() as conn:
        rows = await conn.execute(sa.select(events.c.data).order_by(events.c.position))
        return b"\n".join(bytes(data) for (data,) in rows)


async def log_export(ctx: Plenary) -> str:
    out = io.StringIO()
    await export.log_jsonl(ctx, out)
    return out.getvalue()


async def erase(served: Served, person: Actor, by: Actor = FAY) -> httpx2.Response:
    return await served.post(f"/api/workshops/{W}/people/{person.id}/erase", by)


# --------------------------------------------------------------------------- the whole way


async def test_an_erased_persons_texts_read_erased_everywhere_and_only_theirs(
    served: Served,
) -> None:
    ctx = served.ctx
    stored = await stored_bytes(ctx)
    for text in (*PIA_TEXTS, *BEN_TEXTS, *FAY_TEXTS, FAY.name):
        assert text.encode() not in stored, f"{text!r} is stored in the clear"
        assert text not in await log_export(ctx)

    before = await everything(served)
    for text in (*PIA_TEXTS, *BEN_TEXTS, *FAY_TEXTS):
        assert showing(before, text), f"{text!r} is shown nowhere before the erasure"
    assert not showing(before, ERASED)
    copies = showing(before, scenario.PIA_ANON_NOTE)
    assert f"/api/boards/{PLENARY}" in copies  # the promoted copy
    assert f"/api/boards/{PLENARY}/decisions/d-copy/trace" in copies
    assert f"/api/boards/{scenario.NAMED}/decisions/d-note/trace" in showing(
        before, scenario.PIA_NOTE
    )
    assert f"/api/workshops/{W}/summary" in copies  # the copy's decision on the timeline
    reports = {f"/api/workshops/{W}/report{kind}" for kind in ("", ".html", ".json")}
    reports |= {f"export workshop.{fmt}" for fmt in ("md", "html", "json")}
    assert reports <= showing(before, scenario.PIA_NOTE)

    answer = await erase(served, PIA)
    assert answer.status_code == 200, answer.text
    assert answer.json()["erased"] is True

    after = await everything(served)
    for text in PIA_TEXTS:
        assert not showing(after, text), f"{text!r} is still shown after the erasure"
    for text in (*BEN_TEXTS, *FAY_TEXTS):
        assert showing(after, text) == showing(before, text), text
    for what in showing(before, scenario.PIA_ANON_NOTE) | showing(before, scenario.PIA_NOTE):
        assert ERASED in after[what], what  # each copy reads erased where it was shown

    plenary = await served.get(f"/api/boards/{PLENARY}")
    copy = decisions.promoted_id(scenario.PROMOTION, "a1")
    assert plenary["notes"][copy]["text"] == ERASED
    assert plenary["clusters"][scenario.PROMOTED_CLUSTER]["label"] == scenario.BEN_ANON_LABEL
    people = {p["id"]: p for p in (await served.get(f"/api/workshops/{W}"))["participants"]}
    assert people[PIA.id] == {
        "id": PIA.id,
        "name": ERASED,
        "organisation": ERASED,
        "role": "participant",
        "group": None,
        "erased": True,
    }
    assert people[scenario.BEN.id]["name"] == scenario.BEN.name


async def test_the_chain_still_verifies_and_counts_what_was_erased(served: Served) -> None:
    ctx = served.ctx
    log_before = await log_export(ctx)
    pia_fields = (await stored_bytes(ctx)).count(f'"\\u0001{PIA.id}\\u001f'.encode())
    counted = await census.count_sealed(ctx.store.engine)
    assert counted.unreadable_fields == 0
    assert counted.keys_kept == ()
    assert counted.people == 3
    assert counted.fields > pia_fields > 0

    assert (await erase(served, PIA)).status_code == 200
    report = await ctx.store.verify()
    assert report.ok
    assert report.verified_up_to == (await ctx.store.head()).position
    erased = await census.count_sealed(ctx.store.engine)
    assert erased.unreadable_fields == pia_fields
    assert erased.unreadable_people == 1
    assert erased.fields == counted.fields
    assert erased.keys_kept == ()
    log_after = await log_export(ctx)
    assert log_after.startswith(log_before)  # the log's bytes stay as they were
    assert '"type":"person.erased"' in log_after.splitlines()[-1]


async def test_an_erased_persons_token_and_socket_are_refused(served: Served) -> None:
    socket = await served.socket(scenario.ANON, PIA)
    try:
        assert (await erase(served, PIA)).status_code == 200
        await until(
            lambda: socket.close_code is not None, within=WAIT, what="the server closes the socket"
        )
        assert socket.close_code == 4401
    finally:
        await socket.close()
    answer = await served.http.get(f"/api/workshops/{W}", headers=served.headers(PIA))
    assert answer.status_code == 401
    again = await erase(served, PIA)  # a second time: nothing more to record
    assert again.status_code == 200
    assert again.json()["erased"] is True


async def test_live_frames_show_texts_before_and_erased_after(served: Served) -> None:
    anon, plenary = await served.socket(scenario.ANON), await served.socket(PLENARY)
    try:
        async with asyncio.timeout(WAIT):
            note = {"type": "note.add", "note_id": "a2", "text": "Lights on the towpath"}
            added = await post_command(served, scenario.ANON, {**note, "x": 5, "y": 5}, PIA)
            await anon.wait_for_version(added)
            assert frame_text(anon.received[-1])["text"] == "Lights on the towpath"

            assert (await erase(served, PIA)).status_code == 200
            promote = {
                "type": "items.promote",
                "promotion_id": "promo-2",
                "source_board_id": scenario.ANON,
                "note_ids": ["a1", "a2"],
            }
            version = await post_command(served, PLENARY, promote)
            await plenary.wait_for_version(version)
        copies = frame_text(plenary.received[-1])["notes"]
        assert [c["text"] for c in copies] == [ERASED, ERASED]
    finally:
        await anon.close()
        await plenary.close()


async def post_command(served: Served, board_id: str, command: Any, actor: Actor = FAY) -> int:
    body = {"command_id": f"live-{command.get('note_id') or command['type']}", "command": command}
    answer = await served.post(f"/api/boards/{board_id}/commands", actor, body)
    assert answer.status_code == 200, answer.text
    version: int = answer.json()["version"]
    return version


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def frame_text(event: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = event["data"]
    return data


async def test_snapshots_of_states_with_their_texts_are_deleted(app_settings: Settings) -> None:
    settings = dataclasses.replace(app_settings, snapshot_every=2)
    async with serving(settings) as served:
        async with served.ctx.store.engine.connect() as conn:
            assert await conn.scalar(sa.select(sa.func.count()).select_from(snapshots))
        assert (await erase(served, PIA)).status_code == 200
        async with served.ctx.store.engine.connect() as conn:
            kept = (await conn.execute(sa.select(snapshots.c.stream_id))).all()
        assert kept == []
        board = await served.get(f"/api/boards/{PLENARY}")
        assert ERASED in msgspec.json.encode(board).decode()


StoredViews = dict[str, tuple[tuple[int, int], dict[str, bytes]]]
"""Projection name → its checkpoint and its stored views."""


async def stored_views(views: SqlViewStore) -> StoredViews:
    """Every projection's checkpoint and stored views."""
    found = {}
    for projection in PROJECTIONS:
        checkpoint = await views.checkpoint(projection.name)
        query = sa.select(read_models.c.key, read_models.c.data)
        query = query.where(read_models.c.projection == projection.name)
        async with views.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        if checkpoint is not None:
            found[projection.name] = (checkpoint, {str(k): bytes(d) for k, d in rows})
    return found


def clear_text(found: StoredViews, text: str) -> bool:
    return any(text.encode() in data for _, views in found.values() for data in views.values())


async def test_read_models_never_keep_her_texts_even_saved_late(
    served: Served, store_location: StoreLocation
) -> None:
    """The erasing service drops the views at once; a projector that saves views it folded
    before (a step in flight) rebuilds them all when it reads the erasure."""
    ctx = served.ctx
    child = await PrivateStore.open(
        store_location.url, schema=store_location.schema, read_only=True
    )
    try:
        projector = Projector([ProjectionRunner(p, child, ctx.views) for p in PROJECTIONS])
        child.on_erasure(Forgetting(child, None, projector))
        await projector.round()
        stale = await stored_views(ctx.views)
        assert clear_text(stale, scenario.PIA_ANON_NOTE)

        assert (await erase(served, PIA)).status_code == 200
        assert not clear_text(await stored_views(ctx.views), scenario.PIA_ANON_NOTE)
        for name, ((version, position), views) in stale.items():  # the step in flight lands
            await ctx.views.save(name, version, position, views)

        await projector.round()
        rebuilt = await stored_views(ctx.views)
        assert not any(clear_text(rebuilt, text) for text in PIA_TEXTS)
        assert clear_text(rebuilt, scenario.BEN_ANON_LABEL)
    finally:
        await child.close()


async def test_the_projector_process_rebuilds_the_views_once_it_reads_the_erasure(
    app_settings: Settings,
) -> None:
    """``plenary project`` (serve's child) as deployed: a step of it in flight during the
    erasure saves views folded before; reading the erasure, it rebuilds them all."""
    ctx = await open_plenary(app_settings)
    wakes = asyncio.StreamReader()
    child = asyncio.create_task(
        project_until_closed(app_settings.database_url, app_settings.database_schema, wakes, 60)
    )
    try:
        await scenario.seed(ctx)
        wakes.feed_data(b"w")
        stale = await views_when(ctx.views, lambda found: clear_text(found, scenario.PIA_NOTE))
        await erasure.erase(ctx, FAY, W, PIA.id, "erase-pia")
        for name, ((version, position), views) in stale.items():  # the step in flight lands
            await ctx.views.save(name, version, position, views)

        wakes.feed_data(b"w")
        head = (await ctx.store.head()).position
        rebuilt = await views_when(
            ctx.views,
            lambda found: (
                all(checkpoint[1] == head for checkpoint, _ in found.values())
                and not any(clear_text(found, text) for text in PIA_TEXTS)
            ),
        )
        assert clear_text(rebuilt, scenario.BEN_NOTE)
    finally:
        wakes.feed_eof()
        async with asyncio.timeout(WAIT):
            await child
        await close_plenary(ctx)


async def views_when(
    views: SqlViewStore,
    ready: Callable[[StoredViews], bool],
) -> StoredViews:
    """The stored views, once every projection has some and ``ready`` holds (bounded)."""

    async def found() -> StoredViews | None:
        views_now = await stored_views(views)
        return views_now if len(views_now) == len(PROJECTIONS) and ready(views_now) else None

    return await until(found, within=WAIT, what="every projection's views are ready", every=0.05)


async def test_a_service_opened_after_the_erasure_reads_erased_too(app_settings: Settings) -> None:
    """What it knows comes from the database: the key is gone there, not only in memory."""
    async with serving(app_settings) as served:
        assert (await erase(served, PIA)).status_code == 200
        async with serving(app_settings, seed=False) as later:
            reads = {**await http_reads(later), **await exports(later.ctx)}
    for text in PIA_TEXTS:
        assert not showing(reads, text), text
    assert showing(reads, scenario.BEN_NOTE)


# --------------------------------------------------------------------------- who may erase


async def test_only_a_facilitator_erases_and_not_themselves_nor_an_organiser(
    served: Served,
) -> None:
    refusals = [
        (await erase(served, scenario.BEN, PIA), 403, "forbidden"),
        (await erase(served, FAY), 422, "cannot_erase_self"),
        (await erase(served, Actor(id="nobody", role="participant")), 422, "unknown_participant"),
    ]
    for answer, status, code in refusals:
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    oda = await organisers.add(served.ctx, "Oda")
    as_oda = bearer(served.ctx.auth.token(served.ctx.auth.claims("organiser", oda)))
    made = await served.http.post("/api/workshops", json={"title": "Hers"}, headers=as_oda)
    theirs, host = made.json()["id"], bearer(made.json()["facilitator_token"])
    invite = await served.http.post(
        f"/api/workshops/{theirs}/invites", json={"role": "facilitator"}, headers=host
    )
    joined = await served.http.post(
        f"/api/workshops/{theirs}/join",
        json={"name": "Co"},
        headers=bearer(invite.json()["token"]),
    )
    refused = await served.http.post(
        f"/api/workshops/{theirs}/people/{oda.id}/erase", headers=bearer(joined.json()["token"])
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")


# --------------------------------------------------------------------------- another instance


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
async def test_another_instance_shows_erased_once_the_erasure_reaches_it(
    app_settings: Settings,
) -> None:
    async with (
        serving(app_settings) as one,
        running(app_settings) as other_url,
        httpx2.AsyncClient(base_url=other_url, timeout=WAIT) as http_two,
    ):
        two = Served(one.ctx, other_url, http_two)
        before = await two.get(f"/api/boards/{PLENARY}")  # instance two holds the key
        assert scenario.PIA_ANON_NOTE in msgspec.json.encode(before).decode()
        watcher = await two.socket(PLENARY)
        try:
            assert (await erase(one, PIA)).status_code == 200
            promote = {
                "type": "items.promote",
                "promotion_id": "promo-3",
                "source_board_id": scenario.ANON,
                "note_ids": ["a1"],
            }
            version = await post_command(one, PLENARY, promote)
            async with asyncio.timeout(WAIT):  # reaches two by NOTIFY and a read
                await watcher.wait_for_version(version)
            assert frame_text(watcher.received[-1])["notes"][0]["text"] == ERASED
        finally:
            await watcher.close()
        after = msgspec.json.encode(await two.get(f"/api/boards/{PLENARY}")).decode()
        assert scenario.PIA_ANON_NOTE not in after
        assert ERASED in after
