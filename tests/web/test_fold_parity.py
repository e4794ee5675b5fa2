"""The web client's fold and rule mirrors, checked against the server on golden boards.

Golden boards (``tests.web.golden``) are recorded; for four people on each (the
facilitator, the participant who wrote most private notes, another participant, an
observer) the frames their socket would carry go through the page's own modules in Chromium
(``tests.web.fold``), in one browser run for the whole module. Two pages per person:

- ``live``: it joins with the board's first view and follows every event live;
- ``rejoin``: it joins later with the view then, follows live, drops, and resumes with the
  ``welcome.events`` of a reconnect.

At frames along the way the page's view must equal the server's view for that person
(``present_view``) after the documented normalisation; and at the live page's frames, the
page's predictions (``refusal``, ``mayVote``, ``castRefusal``, ``mayChangeNote``) must
agree with what ``domain.board.decide`` says for that person on the same board.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import msgspec
import pytest
from playwright.async_api import async_playwright

from domain import board
from domain.facilitation import PARTICIPANT_PHASES
from domain.roles import PERMISSIONS
from projections.visibility import present_view
from service.server import running
from service.settings import Settings
from tests.factories import BOARD_ID
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.web.fold import FoldPage, differences, normalise
from tests.web.frames import Watch, history, seen_by, shown_as
from tests.web.golden import Golden, golden_boards
from tests.web.mirrors import SAMPLES, TAGS, disagreements

pytestmark = pytest.mark.browser

BOARDS = 200
"""Golden boards drawn (the same on every run: hypothesis seeded, one seed a board)."""
CHUNK = 20
"""Boards per call into the page."""
LIVE_REPORTS = 6
"""Frames compared along a live page's way (and its last)."""
REPLAYED = 20
"""Boards whose whole history each viewer replays."""
EXPLAINED = 3
"""Mismatches explained event by event, per kind; the rest are counted."""

Json = dict[str, Any]

EVENT_TYPES = frozenset(str(event.__struct_config__.tag) for event in get_args(board.Event))
"""Every event type a board records."""


# --------------------------------------------------------------------------- the run


@dataclass(repr=False)
class Parity:
    """What one browser run found: counts of what was compared, and every mismatch."""

    boards: list[Golden]
    tables: Json = field(default_factory=dict)
    compared: Counter[str] = field(default_factory=Counter)
    codes: dict[str, Counter[str | None]] = field(default_factory=dict)
    """For each kind of prediction, the decider's codes it was compared with."""
    mismatches: dict[str, list[str]] = field(default_factory=dict)

    def mismatch(self, kind: str, line: str) -> None:
        self.mismatches.setdefault(kind, []).append(line)

    def __repr__(self) -> str:
        return f"Parity({len(self.boards)} boards, compared {dict(self.compared)})"

    def assert_none(self, kind: str) -> None:
        """Fail with the mismatches of ``kind``, the first few explained, if there are any."""
        found = self.mismatches.get(kind, [])
        if found:
            shown = "\n\n".join(found[:EXPLAINED])
            more = f"\n\n… and {len(found) - EXPLAINED} more" if len(found) > EXPLAINED else ""
            pytest.fail(f"{len(found)} of {self.compared[kind]} differ:\n\n{shown}{more}", False)


def spread(watch: Watch, count: int) -> Iterator[int]:
    """About ``count`` frames spread over the watch, and its last; never a stale one."""
    last = len(watch.frames) - 1
    step = max(1, last // count)
    chosen = {i for i in range(step, last, step) if i not in watch.stale} | {last}
    return iter(sorted(chosen))


async def watches(golden: Golden) -> list[Watch]:
    """For each viewer of ``golden``: a live page and one that rejoins."""
    found: list[Watch] = []
    for viewer in golden.viewers():
        live = Watch("live", BOARD_ID, viewer, golden.views, probe=True)
        live.welcome_view(1)
        for recorded in golden.events[1:]:
            live.live(recorded)
        for index in spread(live, LIVE_REPORTS):
            live.expect(index)
        rejoin = Watch("rejoin", BOARD_ID, viewer, golden.views)
        rejoin.welcome_view(golden.join)
        for recorded in golden.events[golden.join : golden.drop]:
            rejoin.live(recorded)
        rejoin.expect(len(rejoin.frames) - 1)
        await rejoin.resume(golden.events[golden.drop :])
        rejoin.expect(len(rejoin.frames) - 1)
        found += [live, rejoin]
    return found


async def explain(page: FoldPage, board_no: int, watch: Watch) -> str:
    """Where the page first went wrong: follow the watch again, comparing after every frame
    up to the first reported one that differed."""
    frames = [i for i in range(len(watch.frames)) if i not in watch.stale]
    views = (await page.follow([watch.run(report=frames)], TAGS))[0].views
    first = next(i for i in frames if differences(watch.expected_at(i), watch.actual(i, views[i])))
    diff = differences(watch.expected_at(first), watch.actual(first, views[first]))
    sent = msgspec.json.decode(watch.frames[first])
    events = ", ".join(f"v{e['version']} {e['type']}" for e in sent.get("events") or [])
    lines = "\n".join(f"  {line}" for line in diff[:12])
    return (
        f"board #{board_no}, the {watch.name} page of {watch.viewer.id} ({watch.viewer.role}): "
        f"first differs after frame {first} (version {watch.versions[first]}: "
        f"{events or 'a welcome with the view'}):\n{lines}"
    )


def check_predictions(parity: Parity, golden: Golden, watch: Watch, index: int, said: Json) -> None:
    """The page's predictions at frame ``index`` against the decider on the same board."""
    state = golden.states[watch.versions[index]]
    where = f"version {watch.versions[index]}, {watch.viewer.id} ({watch.viewer.role})"
    for verdict in disagreements(state, watch.viewer, said):
        parity.compared[verdict.kind] += 1
        parity.codes.setdefault(verdict.kind, Counter())[verdict.code] += 1
        if verdict.differs:
            parity.mismatch(verdict.kind, f"{where}, {verdict.differs}")


async def check(boards: list[Golden], folder: Path) -> Parity:
    """Serve Plenary, open the harness in Chromium, follow every watch, compare."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'fold.db'}",
        secret=b"test-secret-for-the-fold-check",
        projector="inline",
        data_dir=folder / "var",
    )
    parity = Parity(boards)
    async with running(settings) as base_url, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            async with FoldPage.open(browser, base_url) as page:
                parity.tables = await page.tables()
                numbered = list(enumerate(boards))
                for start in range(0, len(numbered), CHUNK):
                    await check_chunk(page, parity, numbered[start : start + CHUNK])
                for no, golden in numbered[:REPLAYED]:
                    await check_replay(page, parity, no, golden)
        finally:
            await browser.close()
    return parity


async def check_chunk(page: FoldPage, parity: Parity, chunk: list[tuple[int, Golden]]) -> None:
    watched = [(no, golden, w) for no, golden in chunk for w in await watches(golden)]
    followed = await page.follow([w.run() for _, _, w in watched], TAGS)
    for (no, golden, watch), seen in zip(watched, followed, strict=True):
        parity.compared["redacted placeholders"] += watch.redacted
        parity.compared["notes first seen revealed"] += len(watch.revealed[-1])
        parity.compared["fresh views after anonymity.set"] += len(watch.stale)
        wrong = False
        for index in watch.report:
            parity.compared[watch.name] += 1
            diff = differences(watch.expected[index], watch.actual(index, seen.views[index]))
            if diff and not wrong:
                wrong = True
                explained = len(parity.mismatches.get(watch.name, [])) < EXPLAINED
                line = await explain(page, no, watch) if explained else diff[0]
                parity.mismatch(watch.name, line)
            if index in seen.predictions:
                check_predictions(parity, golden, watch, index, seen.predictions[index])


async def check_replay(page: FoldPage, parity: Parity, no: int, golden: Golden) -> None:
    """A board's whole history, as each viewer reads it now, folded from nothing (what a
    replay does): the server's view of the board now."""
    now = golden.views[-1]
    for viewer in golden.viewers():
        shown = await history(BOARD_ID, golden.events, now, viewer)
        me = shown_as(BOARD_ID, viewer, now.anonymity)
        view = await page.fold(BOARD_ID, shown)
        expected = msgspec.json.decode(msgspec.json.encode(present_view(now, seen_by(viewer))))
        diff = differences(normalise(expected, me), normalise(view, me))
        parity.compared["replay"] += 1
        if diff:
            lines = "\n".join(f"  {line}" for line in diff[:12])
            parity.mismatch("replay", f"board #{no}, {viewer.id}'s replay:\n{lines}")


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> Parity:
    """The whole check, run once for this module (one server, one browser, one page)."""
    require_chromium()
    boards = golden_boards(BOARDS)
    return asyncio.run(check(boards, tmp_path_factory.mktemp("fold")))


# --------------------------------------------------------------------------- the tests


def test_the_golden_boards_cover_what_a_board_records(parity: Parity) -> None:
    recorded = Counter(e.type for g in parity.boards for e in g.events)
    rare = {t: recorded[t] for t in EVENT_TYPES if recorded[t] < 10}
    assert not rare, f"event types recorded fewer than 10 times: {rare}"
    ends = [g.views[-1] for g in parity.boards]
    assert sum(view.anonymity == "pseudonymous" for view in ends) >= 20
    assert sum(bool(view.promotions) for view in ends) >= 10
    hidden = [r for view in ends for r in view.rounds.values() if r.hide_tallies and r.votes]
    shown = [r for view in ends for r in view.rounds.values() if not r.hide_tallies and r.votes]
    assert len(hidden) >= 20
    assert len(shown) >= 20
    assert max(g.version for g in parity.boards) >= 150
    for what in (
        "redacted placeholders",
        "notes first seen revealed",
        "fresh views after anonymity.set",
    ):
        assert parity.compared[what] >= 20, what
    assert parity.compared["live"] >= len(parity.boards) * 4 * LIVE_REPORTS


def test_a_live_page_holds_the_servers_view(parity: Parity) -> None:
    parity.assert_none("live")


def test_a_page_that_joins_late_and_resumes_holds_the_servers_view(parity: Parity) -> None:
    parity.assert_none("rejoin")


def test_a_replay_of_a_boards_history_folds_into_the_servers_view(parity: Parity) -> None:
    parity.assert_none("replay")


def test_the_pages_phase_table_is_the_domains(parity: Parity) -> None:
    page = {tag: set(phases) for tag, phases in parity.tables["participantPhases"].items()}
    assert page == {tag: set(phases) for tag, phases in PARTICIPANT_PHASES.items()}


def test_the_pages_facilitator_commands_are_the_role_tables(parity: Parity) -> None:
    facilitators = {tag for tag, roles in PERMISSIONS["board"].items() if roles == {"facilitator"}}
    assert set(parity.tables["facilitatorCommands"]) == facilitators


def test_refusal_foresees_what_the_role_table_and_the_gate_refuse(parity: Parity) -> None:
    assert set(SAMPLES) == set(PERMISSIONS["board"])
    assert set(parity.codes["refusal"]) >= {None, "forbidden", "board_locked", "wrong_phase"}
    parity.assert_none("refusal")


def test_may_vote_and_cast_refusal_foresee_the_voting_rules(parity: Parity) -> None:
    assert set(parity.codes["mayVote"]) >= {None, "forbidden", "facilitators_do_not_vote"}
    limits = {"round_closed", "not_on_ballot", "vote_budget_exceeded", "vote_item_limit"}
    assert set(parity.codes["castRefusal"]) >= {None, *limits}
    parity.assert_none("mayVote")
    parity.assert_none("castRefusal")


def test_may_change_note_foresees_whose_note_it_is(parity: Parity) -> None:
    assert set(parity.codes["mayChangeNote"]) >= {None, "forbidden", "not_author"}
    parity.assert_none("mayChangeNote")
