"""The web client's fold, driven in Chromium and compared with the server's view.

``FoldPage`` opens a page on a running Plenary, whose ``/static`` serves the web client's
modules, and beside them ``fold_harness.js``, which imports those modules as the board page
does. Give it recorded events (``fold``: what a replay folds) or the frames one person's
socket received (``follow``: what the live board folds; ``tests.web.frames`` makes them) and
it returns the view the page would hold; ``replay`` folds as the replay page does, reading the
events over HTTP with a person's token. ``normalise`` and ``differences`` compare that
with the server's view. What is compared, and why some fields are normalised, is in
docs/architecture.md, "The client's fold".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from playwright.async_api import Browser, Page, Route

from domain.recorded import RecordedEvent
from service.wire import event_out

HARNESS = Path(__file__).with_name("fold_harness.js")
_PAGE = "<!doctype html><meta charset=utf-8><title>Plenary fold harness</title>"

Json = dict[str, Any]


# --------------------------------------------------------------------------- the page


class FoldPage:
    """A Chromium page on a running Plenary that folds with the web client's own modules."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @classmethod
    @asynccontextmanager
    async def open(cls, browser: Browser, base_url: str) -> AsyncIterator[FoldPage]:
        """A page at ``base_url/harness/`` (the harness is routed there; ``/static`` is the
        app's own), closed when the block ends."""

        async def harness(route: Route) -> None:
            if route.request.url.endswith(".js"):
                await route.fulfill(path=HARNESS, content_type="text/javascript")
            else:
                await route.fulfill(body=_PAGE, content_type="text/html")

        context = await browser.new_context()
        try:
            page = await context.new_page()
            await page.route(f"{base_url}/harness/**", harness)
            await page.goto(f"{base_url}/harness/")
            yield cls(page)
        finally:
            await context.close()

    async def _call(self, name: str, *args: Any) -> Any:
        # JSON text both ways: Playwright checks structured values node by node, which for
        # thousands of views costs far more than the fold itself.
        answer = await self.page.evaluate(
            "async ([name, args]) => JSON.stringify("
            "await (await import('/harness/fold.js'))[name](...JSON.parse(args)))",
            [name, msgspec.json.encode(list(args)).decode()],
        )
        return msgspec.json.decode(answer)

    async def fold(
        self, board_id: str, events: Iterable[RecordedEvent], start: Json | None = None
    ) -> Json:
        """The view after ``events`` (as the server sends them: ``event_out``'s shape) folded
        onto ``start`` (a board view as the server sends it; ``None``: an empty board)."""
        shown = msgspec.json.decode(msgspec.json.encode([event_out(r) for r in events]))
        view: Json = await self._call("fold", board_id, shown, start)
        return view

    async def replay(self, board_id: str, token: str) -> Replayed:
        """What the replay page folds for the holder of ``token`` on ``board_id``: the events as
        it reads them (``GET /api/boards/{id}/events``) and the view at every version."""
        found: Json = await self._call("replay", board_id, token)
        return Replayed(seen=found["seen"], views=found["views"], self_id=found["self"])

    async def boards_at(self, board_id: str, token: str, versions: list[int]) -> list[Json]:
        """What ``GET /api/boards/{id}/at?version=N`` answers the holder of ``token`` at each
        of ``versions``, fetched by the page."""
        found: list[Json] = await self._call("boardsAt", board_id, token, versions)
        return found

    async def follow(self, runs: list[Run], tags: list[str]) -> list[Followed]:
        """Each run's frames through the page's socket code and fold, in one call: the view
        at each reported frame and, for runs that ``probe``, the rule predictions about
        ``tags`` there. Frames several runs share are sent once."""
        table: dict[str, int] = {}
        sent = [
            {
                "board_id": run.board_id,
                "frames": [table.setdefault(frame, len(table)) for frame in run.frames],
                "report": run.report,
                "probe": run.probe,
            }
            for run in runs
        ]
        batch = {"frames": list(table), "tags": tags, "runs": sent}
        results: list[Json] = await self._call("followAll", batch)
        return [
            Followed(
                views={int(i): v for i, v in r["views"].items()},
                predictions={int(i): p for i, p in r["predictions"].items()},
            )
            for r in results
        ]

    async def tables(self) -> Json:
        """The client's copies of domain tables: ``participantPhases`` (tag → phases) and
        ``facilitatorCommands`` (tags)."""
        found: Json = await self._call("tables")
        return found


@dataclass(frozen=True)
class Run:
    """Frames for ``FoldPage.follow``: one person's socket on one board, in order, and the
    indexes of the frames after which to report the page's view (and predictions)."""

    board_id: str
    frames: list[str]
    report: list[int]
    probe: bool = False


@dataclass(frozen=True)
class Replayed:
    """A replay page's fold: ``seen[i]`` is version i + 1 as it folded it (a placeholder where
    the event was private to someone else then), ``views[v]`` its view after version v."""

    seen: list[Json]
    views: list[Json]
    self_id: str
    """The id standing for the person in both (``GET /events``' ``you``)."""


@dataclass(frozen=True)
class Followed:
    """What the page held at each reported frame, and what it predicted there."""

    views: dict[int, Json]
    predictions: dict[int, Json]


# --------------------------------------------------------------------------- normalising


def _instant(value: Any) -> Any:
    # msgspec writes ``…:05Z``, the browser ``…:05.000Z``: compared as instants, to the
    # millisecond (a browser's Date holds no finer; an instant it computes, such as a timer's
    # end, drops the microseconds the store records). Anything else stays as it is, to show
    # in the differences.
    try:
        return _to_ms(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def _to_ms(instant: datetime) -> datetime:
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def _timed(entry: Any, *fields: str) -> Any:
    """``entry`` with its ``fields`` as instants (anything else as it is)."""
    if not isinstance(entry, dict):
        return entry
    return {**entry, **{f: _instant(entry[f]) for f in fields if f in entry}}


def _each(entries: Any, *fields: str) -> Any:
    """``_timed`` for every entry of a mapping or a list."""
    if isinstance(entries, dict):
        return {k: _timed(v, *fields) for k, v in entries.items()}
    if isinstance(entries, list):
        return [_timed(v, *fields) for v in entries]
    return entries


def normalise(view: Json, me: str, revealed: dict[str, tuple[datetime, int]] | None = None) -> Json:
    """``view`` (a board view as JSON) without what the client cannot know from the frames it
    gets, for the person shown as ``me``:

    - ``withheld`` (the server's note of notes deleted unrevealed; always empty when shown);
    - instants (``…_at``) compared as instants to the millisecond, whatever their format;
    - in a round that hides its tallies, other people's dots (live frames carry only one's
      own; ``vote.closed`` brings the results, not the ballots), and while it is open its
      ``voters`` (a count of ballots the page never sees);
    - ``revealed`` (server side only): a note first seen in ``notes.revealed`` is, for this
      page, created at the reveal, and changed no earlier than it.
    """
    shown: Json = _timed({k: v for k, v in view.items() if k != "withheld"}, "updated_at")
    shown["notes"] = _each(shown.get("notes"), "created_at", "updated_at")
    shown["clusters"] = _each(shown.get("clusters"), "created_at")
    shown["timer"] = _timed(shown.get("timer"), "started_at", "ends_at")
    shown["rounds"] = _each(shown.get("rounds"), "opened_at", "closed_at")
    shown["decisions"] = _each(shown.get("decisions"), "decided_at")
    shown["promotions"] = _each(shown.get("promotions"), "promoted_at")
    for found in shown["rounds"].values():
        if found.get("hide_tallies"):
            votes = found["votes"]
            found["votes"] = {me: votes[me]} if me in votes else {}
            if found["open"]:
                del found["voters"]
    for note_id, (at, version) in (revealed or {}).items():
        if note_id in shown["notes"]:
            note = dict(shown["notes"][note_id])
            note["created_at"] = _to_ms(at)
            note["version"] = max(note["version"], version)
            shown["notes"] = {**shown["notes"], note_id: note}
    return shown


def differences(expected: Any, actual: Any, path: str = "view") -> list[str]:
    """Every place where ``actual`` (the page's) differs from ``expected`` (the server's),
    one line each: the field's path and both values."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in sorted(expected.keys() | actual.keys(), key=str):
            here = f"{path}.{key}"
            if key not in actual:
                found.append(f"{here}: server {expected[key]!r}, page has no such field")
            elif key not in expected:
                found.append(f"{here}: server has no such field, page {actual[key]!r}")
            else:
                found += differences(expected[key], actual[key], here)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            line
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for line in differences(e, a, f"{path}[{i}]")
        ]
    same = expected == actual and isinstance(expected, bool) == isinstance(actual, bool)
    return [] if same else [f"{path}: server {expected!r}, page {actual!r}"]
