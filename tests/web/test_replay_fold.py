"""Replay equals the fold, in the browser: at every version of a board, what the replay page
folds equals the server's view of the board at that version.

Facilitated sessions drawn by hypothesis (``tests.web.golden``'s strategies: notes and
clusters, phases, private writing and its reveal, vote rounds that hide their tallies or show
them, decisions, promotions, a change of anonymity) are recorded in a running Plenary's store,
a few small boards and one of nearly 2,000 events. For the facilitator, the participant who
wrote most private notes and an observer, the page's own code (``web_client/replay.js``
``replayed``, driven by ``tests.web.fold``) signs in with their token, reads the events over
HTTP as the replay page does and folds them, returning the view at every version, in one
evaluation per person. Each must equal what ``GET /api/boards/{id}/at?version=N`` answers
them (the server's fold, under the policy the board has now), after fold parity's
normalisation; at versions spread over each board, ``/at`` itself is asked over HTTP.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from playwright.async_api import async_playwright

from domain import board, workshop
from domain.actor import Actor
from domain.recorded import RecordedEvent
from domain.streams import workshop_stream
from projections.board_view import BOARD_VIEW, BoardView
from projections.visibility import present_view, pseudonym
from service.context import Plenary
from service.server import base_url, started
from service.settings import Settings
from tests.factories import ALICE, BOB, CAROL, FACILITATOR, OBSERVER, WORKSHOP_ID, examples
from tests.service.people import plenary_of, session_token
from tests.service.store.support import append_batches
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.web.fold import FoldPage, differences, normalise
from tests.web.golden import run, scripts

pytestmark = pytest.mark.browser

SMALL = 4
"""Small boards (up to a few hundred events each)."""
DRAWN = 32
"""Small sessions drawn to choose them from."""
LARGE = 2000
"""The most events the large board records (it records at least 90% of them)."""
ANCHORS = 12
"""Versions of each board at which ``/at`` is asked over HTTP."""
EXPLAINED = 3

Json = dict[str, Any]
_decode = msgspec.json.Decoder(board.Event).decode
Batches = list[tuple[list[board.Event], Actor]]


def large_board() -> Batches:
    """One long session: drawn sessions run one after the other on the same board (each
    one's setup is refused or lands as more work), cut at a command at most ``LARGE``
    events in."""
    commands = [step for drawn in examples(scripts(400), 60) for step in drawn.commands]
    batches: Batches = []
    for batch in run(commands):
        if sum(len(events) for events, _ in batches) + len(batch[0]) > LARGE:
            break
        batches.append(batch)
    return batches


def private_notes(batches: Batches) -> int:
    """How many notes ``batches`` add in private writing."""
    added = (e for events, _ in batches for e in events if isinstance(e, board.NoteAdded))
    return sum(note.private_to is not None for note in added)


def boards() -> list[Batches]:
    """The boards to record, the same on every run: of ``DRAWN`` small sessions, the ``SMALL``
    with most notes written in private (the strategies write few), then a large one."""
    small = [run(drawn.commands) for drawn in examples(scripts(300), DRAWN)]
    small.sort(key=private_notes, reverse=True)
    return [*small[:SMALL], large_board()]


# --------------------------------------------------------------------------- the run


@dataclass(repr=False)
class Replays:
    """What the run found: counts, and each person's replay that differs from the server."""

    sizes: list[int] = field(default_factory=list)
    types: Counter[str] = field(default_factory=Counter)
    compared: Counter[str] = field(default_factory=Counter)
    mismatches: dict[str, list[str]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Replays({self.sizes} events, compared {dict(self.compared)})"

    def assert_none(self, kind: str) -> None:
        found = self.mismatches.get(kind, [])
        if found:
            shown = "\n\n".join(found[:EXPLAINED])
            pytest.fail(f"{len(found)} replays differ ({kind}):\n\n{shown}", False)


def viewers(events: list[RecordedEvent]) -> list[Actor]:
    """The facilitator, the participant who wrote most private notes, and an observer."""
    written = Counter(
        event.author
        for event in (_decode(r.data) for r in events)
        if isinstance(event, board.NoteAdded) and event.private_to is not None
    )
    writer = max((ALICE, BOB, CAROL), key=lambda p: written[p.id])
    return [FACILITATOR, writer, OBSERVER]


def first_seen_in_reveals(seen: list[Json]) -> list[dict[str, tuple[datetime, int]]]:
    """After each version, the notes the page first saw in a ``notes.revealed`` (note id →
    the reveal's instant and version): for the page, they were created then."""
    known: set[str] = set()
    revealed: dict[str, tuple[datetime, int]] = {}
    after = [dict(revealed)]
    for event in seen:
        data = event["data"]
        if event["type"] in ("note.added", "note.deleted"):  # a note id may come back
            revealed = {k: v for k, v in revealed.items() if k != data["note_id"]}
            (known.add if event["type"] == "note.added" else known.discard)(data["note_id"])
        elif event["type"] == "items.promoted":
            known.update(n["note_id"] for n in data["notes"])
        elif event["type"] == "notes.revealed":
            at = datetime.fromisoformat(event["recorded_at"])
            for note in data["notes"]:
                if note["note_id"] not in known:
                    known.add(note["note_id"])
                    revealed = {**revealed, note["note_id"]: (at, event["version"])}
        after.append(revealed)
    return after


@dataclass
class Board:
    """A recorded board and, for every version v in 0…n, the server's view ``views[v]``."""

    id: str
    events: list[RecordedEvent]
    views: list[BoardView]

    def at(self, version: int, ctx: Plenary, person: Actor) -> Json:
        """What ``GET /at?version=`` answers ``person``: the view then, under the policy the
        board has now (``Reads.board_at``), as they may see it."""
        then, now = self.views[version], self.views[-1]
        if then.anonymity != now.anonymity:
            then = msgspec.structs.replace(then, anonymity=now.anonymity)
        shown = present_view(then, ctx.reads.viewer(person))
        found: Json = msgspec.json.decode(msgspec.json.encode(shown))
        return found

    def shown_id(self, ctx: Plenary, person: Actor) -> str:
        """The id standing for ``person`` in the views ``/at`` answers them."""
        if self.views[-1].anonymity == "pseudonymous":
            return pseudonym(ctx.reads.pseudonym_key, self.id, person.id)[0]
        return person.id


async def check_board(ctx: Plenary, page: FoldPage, replays: Replays, board_: Board) -> None:
    """Each viewer's replay of ``board_`` at every version, and ``/at`` at a few."""
    head = len(board_.events)
    step = max(1, head // ANCHORS)
    anchors = sorted({*range(1, head, step), head})
    for person in viewers(board_.events):
        token = session_token(ctx, person, WORKSHOP_ID)
        replayed = await page.replay(board_.id, token)
        me = board_.shown_id(ctx, person)
        replays.compared["pseudonymous"] += replayed.self_id != person.id
        assert replayed.self_id == me
        replays.types.update(e["type"] for e in replayed.seen)
        revealed = first_seen_in_reveals(replayed.seen)
        assert len(replayed.views) == head + 1
        wrong = False
        for version in range(1, head + 1):
            expected = normalise(board_.at(version, ctx, person), me, revealed[version])
            actual = normalise(replayed.views[version], me)
            replays.compared["versions"] += 1
            if me != person.id and any(
                n["hidden"] and n["author"] == me for n in expected["notes"].values()
            ):
                replays.compared["own private notes under a pseudonym"] += 1
            if expected == actual or wrong:
                continue
            diff = differences(expected, actual)
            if diff:
                wrong = True
                event = replayed.seen[version - 1]
                lines = "\n".join(f"  {line}" for line in diff[:12])
                replays.mismatches.setdefault("replay", []).append(
                    f"board {board_.id}, {person.id} ({person.role}): first differs at version "
                    f"{version} ({event['type']}):\n{lines}"
                )
        answers = await page.boards_at(board_.id, token, anchors)
        for version, answered in zip(anchors, answers, strict=True):
            diff = differences(board_.at(version, ctx, person), answered)
            replays.compared["/at"] += 1
            if diff:
                replays.mismatches.setdefault("/at", []).append(
                    f"board {board_.id}, {person.id}, version {version}: {diff[:6]}"
                )


async def check(folder: Path) -> Replays:
    """Serve Plenary, record the boards, replay them in Chromium, compare."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'replay.db'}",
        secret=b"test-secret-for-the-replay-fold",
        projector="inline",
        data_dir=folder / "var",
    )
    replays = Replays()
    drawn = boards()
    async with started(settings) as server, async_playwright() as pw:
        ctx, base = plenary_of(server), base_url(server)
        create = workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="Replays")
        await ctx.runner.execute(
            workshop.DECIDER, workshop_stream(WORKSHOP_ID), create, FACILITATOR, "create"
        )
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            async with FoldPage.open(browser, base) as page:
                for no, batches in enumerate(drawn):
                    board_id = f"replayed-{no}"
                    events = await append_batches(ctx.store, board_id, batches)
                    views = [BOARD_VIEW.initial(board_id)]
                    for recorded in events:
                        views.append(BOARD_VIEW.apply(views[-1], recorded))
                    replays.sizes.append(len(events))
                    await check_board(ctx, page, replays, Board(board_id, events, views))
        finally:
            await browser.close()
    return replays


@pytest.fixture(scope="module")
def replays(tmp_path_factory: pytest.TempPathFactory) -> Replays:
    """The whole check, run once for this module (one server, one browser, one page)."""
    require_chromium()
    return asyncio.run(check(tmp_path_factory.mktemp("replay")))


# --------------------------------------------------------------------------- the tests


def test_the_boards_are_long_and_replay_what_facilitation_records(replays: Replays) -> None:
    assert len(replays.sizes) == SMALL + 1
    assert LARGE * 0.9 <= max(replays.sizes) <= LARGE
    for kind in ("notes.revealed", "vote.closed", "decision.recorded", "anonymity.set"):
        assert replays.types[kind] >= 3, kind
    assert replays.types["redacted"] >= 5  # private notes, placeholders until their reveal
    assert replays.compared["versions"] == sum(replays.sizes) * 3
    assert replays.compared["pseudonymous"] >= 3  # the three replays of a pseudonymous board
    assert replays.compared["own private notes under a pseudonym"] >= 1


def test_the_replay_at_every_version_is_the_servers_view_then(replays: Replays) -> None:
    replays.assert_none("replay")


def test_the_board_at_a_version_over_http_is_the_view_compared(replays: Replays) -> None:
    assert replays.compared["/at"] >= (SMALL + 1) * 3 * ANCHORS
    replays.assert_none("/at")
