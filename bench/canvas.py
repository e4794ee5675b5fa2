"""The board page in Chromium: how long a big board takes to show.

    python -m bench.canvas --notes 500 --events 22300 --runs 7

Starts ``plenary serve`` on a fresh SQLite database (``bench.fanout.Server``) and makes two
boards in one workshop:

- ``notes``: ``--notes`` notes added one by one over HTTP with a placement hint (the board
  finds each a free place, as when people type them), a cluster every 25 notes;
- ``history``: a board session of about 0.9 × ``--events`` events (20,000 by default;
  ``bench.workload``'s session: notes written, edited, moved, recoloured and clustered, a
  vote, a decision) with at most ``--notes`` notes, sealed as the service seals it and
  written into the database while the server is stopped.

Then, ``--runs`` times each (after one run to warm the server), a fresh browser context opens
the board page (headless Debian Chromium, the browser tests' launch arguments) and the page
itself notes, from the navigation's start, when the board's socket is live and every note is
drawn (the frame after the DOM holds them all). To say where the time goes it also notes when
the HTML and the last of the page's modules had come, when the modules had run
(``DOMContentLoaded``), when the socket opened and when the ``welcome`` frame came (its
size), and the time from the socket's opening to the board shown. The same context then opens
the link again in a new tab (``again_*``: the browser's cache is warm, as when someone comes
back). Prints p50/p95 per board to stderr and one JSON line to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec
from playwright.async_api import Browser, BrowserContext, async_playwright

from bench.fanout import Server, cpu_reference, create_boards, http, machine
from bench.workload import _session, write
from domain.actor import Actor
from domain.streams import board_stream
from service.commands.runner import CommandRunner
from service.privacy.sealer import TextSealer
from service.privacy.store import PrivateStore
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

PROBE = """
(() => {
  const marks = { welcome_bytes: 0 };
  window.__bench = marks;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { marks.socket_open ??= performance.now(); });
      this.addEventListener("message", (ev) => {
        if (marks.welcome === undefined) {
          marks.welcome = performance.now();
          marks.welcome_bytes = ev.data.length ?? 0;
        }
      });
    }
  };
  const check = () => {
    if (marks.shown !== undefined || marks.seen !== undefined) return;
    const live = document.getElementById("status")?.dataset.state === "live";
    const drawn = document.querySelectorAll("#canvas .note").length;
    if (live && drawn >= EXPECTED) {
      marks.seen = performance.now();
      requestAnimationFrame(() => setTimeout(() => { marks.shown = performance.now(); }, 0));
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true,
    attributes: true, attributeFilter: ["data-state"] });
  addEventListener("DOMContentLoaded", () => {
    marks.dom = performance.now();
    marks.html = performance.getEntriesByType("navigation")[0].responseEnd;
    const scripts = performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".js"));
    marks.modules = Math.max(...scripts.map((r) => r.responseEnd));
    marks.module_files = scripts.length;
  });
})();
"""


async def load(context: BrowserContext, url: str, expected: int) -> dict[str, float]:
    """One page load in a new tab of ``context``: the page's marks (ms from the navigation's
    start), with ``live_shown``, from the socket's opening to ``shown``."""
    page = await context.new_page()
    await page.goto(url)
    for _ in range(3000):
        marks: dict[str, float] = await page.evaluate("window.__bench")
        if "shown" in marks:
            await page.close()
            return {**marks, "live_shown": marks["shown"] - marks["socket_open"]}
        await asyncio.sleep(0.01)
    raise RuntimeError(f"the board did not show {expected} notes in 30 s: {marks}")


async def open_once(
    browser: Browser, url: str, expected: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The marks of a first load in a fresh context (a cold cache), then of opening the link
    again in a new tab of that context (what the browser kept is used)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        await context.add_init_script(PROBE.replace("EXPECTED", str(expected)))
        return await load(context, url, expected), await load(context, url, expected)
    finally:
        await context.close()


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}  # fmt: skip


async def measure(url: str, expected: int, runs: int) -> dict[str, Any]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            first, _ = await open_once(browser, url, expected)
            loads = [await open_once(browser, url, expected) for _ in range(runs)]
        finally:
            await browser.close()
    marks = [cold for cold, _ in loads]
    out: dict[str, Any] = {"notes": expected, "first_shown_ms": round(first["shown"], 1)}
    out["module_files"] = marks[-1]["module_files"]
    for key in ("html", "modules", "dom", "socket_open", "welcome", "seen", "shown", "live_shown"):
        out[f"{key}_ms"] = quantiles([m[key] for m in marks])
    out["welcome_kb"] = round(marks[-1]["welcome_bytes"] / 1024, 1)
    for key in ("modules", "socket_open", "shown", "live_shown"):
        out[f"again_{key}_ms"] = quantiles([again[key] for _, again in loads])
    return out


def add_notes(base_url: str, board_id: str, token: str, count: int) -> None:
    """``count`` notes placed by the board near a few screen centres; a cluster every 25."""
    rng = random.Random(7)
    path = f"/api/boards/{board_id}/commands"
    for i in range(count):
        near = {"x": rng.choice([640, 1400, 2200]), "y": rng.choice([400, 1200])}
        command: dict[str, Any] = {"type": "note.add", "note_id": f"n{i}", "text": f"Idea {i}",
                                   "near": near}  # fmt: skip
        if i % 25 == 0:
            command = {"type": "cluster.create", "cluster_id": f"c{i}", "label": f"Theme {i}",
                       "near": near}  # fmt: skip
        http(base_url, "POST", path, {"command_id": f"bench-{i}", "command": command}, token)


async def write_history(
    folder: Path, board_id: str, workshop_id: str, events: int, notes: int
) -> None:
    """A session of about ``events`` events after the board's ``board.created``, sealed, with
    at most ``notes`` notes (the rest edits, moves, clustering, a vote)."""
    people = [Actor(id=f"p-{i:04d}", role="participant", name=f"P{i}") for i in range(5)]
    session = _session(random.Random(1), board_id, people, events, workshop_id, notes)[1:]
    store = await PrivateStore.open(f"sqlite+aiosqlite:///{folder / 'plenary.db'}")
    try:
        stream = board_stream(board_id)
        have = await store.stream_version(stream)
        await write(store, [session], TextSealer(store, CommandRunner(store)), {stream: have})
    finally:
        await store.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    # Every note of the bench comes from one person, faster than people type.
    os.environ["PLENARY_LIMIT_PERSON_RATE"] = os.environ["PLENARY_LIMIT_PERSON_BURST"] = "100000"
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        folder = Path(name)
        server = Server(folder, None)
        try:
            server.wait_ready()
            notes, history = create_boards(server.base_url, server.signin, 2)
            add_notes(server.base_url, notes.board_id, notes.token, args.notes)
            view = http(
                server.base_url, "GET", f"/api/boards/{history.board_id}", None, history.token
            )
        finally:
            server.stop()
        asyncio.run(
            write_history(folder, history.board_id, view["workshop_id"], args.events, args.notes)
        )
        server = Server(folder, None)
        try:
            server.wait_ready()
            base = server.base_url
            view = http(base, "GET", f"/api/boards/{history.board_id}", None, history.token)
            drawn = len(
                http(base, "GET", f"/api/boards/{notes.board_id}", None, notes.token)["notes"]
            )
            result = {
                "machine": machine(),
                "load_average": os.getloadavg(),
                "ref_us": cpu_reference(),
                "runs": args.runs,
                "notes_board": asyncio.run(measure(
                    f"{base}/b/{notes.board_id}#token={notes.token}", drawn, args.runs)),
                "history_board": {"events": view["version"], **asyncio.run(measure(
                    f"{base}/b/{history.board_id}#token={history.token}",
                    len(view["notes"]), args.runs))},
            }  # fmt: skip
        finally:
            server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.canvas", description=__doc__)
    parser.add_argument("--notes", type=int, default=500, help="notes on the big board")
    parser.add_argument(
        "--events", type=int, default=22_300, help="about 0.9 of this many events on the long board"
    )
    parser.add_argument("--runs", type=int, default=7, help="page loads measured per board")
    parser.add_argument("--dir", default=None, help="folder for the SQLite file")
    args = parser.parse_args(argv)
    result = run(args)
    for name in ("notes_board", "history_board"):
        r = result[name]
        said = f"{name}: {r['notes']} notes; shown {r['shown_ms']} ms (welcome {r['welcome_ms']}"
        said += f", {r['welcome_kb']} KiB; first load {r['first_shown_ms']} ms)"
        said += f"; socket open to shown {r['live_shown_ms']} ms; again {r['again_shown_ms']} ms"
        print(said, file=sys.stderr)
    print(f"load average {result['load_average']}, ref {result['ref_us']} µs", file=sys.stderr)
    print(msgspec.json.encode(result).decode())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
