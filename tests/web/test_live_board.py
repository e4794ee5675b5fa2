"""The web client in Chromium against a real Plenary: live sync, presence, roles, resume."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Route, WebSocket, expect

from domain.actor import Actor
from service.tools import demo
from tests.waiting import until
from tests.web.conftest import Served, Workshop, open_board, wait_for

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/plenary-board.png"


def notes(page: Page) -> Any:
    return page.locator("#canvas .note")


def note_with(page: Page, text: str) -> Any:
    return page.locator("#canvas .note", has_text=text)


def sent_frames(page: Page) -> list[dict[str, Any]]:
    """Record every frame the page sends over its board sockets (from now on)."""
    frames: list[dict[str, Any]] = []

    def on_socket(ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", on_socket)
    return frames


async def add_note(page: Page, text: str) -> None:
    await page.get_by_label("New note").fill(text)
    await page.get_by_role("button", name="Add note").click()


async def test_a_note_added_in_one_page_appears_in_the_other(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    await add_note(guest, "Bike lanes end at the ring road")
    await expect(note_with(host, "Bike lanes end at the ring road")).to_be_visible(timeout=5000)
    await expect(note_with(guest, "Bike lanes end at the ring road")).not_to_have_class("pending")
    view = await workshop.view()
    assert [n["text"] for n in view["notes"].values()] == ["Bike lanes end at the ring road"]
    await expect(host.locator("#people li")).to_have_count(2)
    await expect(host.locator("#people")).to_contain_text("Pia")


async def test_a_drag_in_one_page_moves_and_clusters_the_note_in_the_other(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    await host.get_by_label("New cluster").fill("Mobility")
    await host.get_by_role("button", name="Add cluster").click()
    await add_note(host, "Delivery vans block the street")
    cluster = guest.locator("#canvas .cluster", has_text="Mobility")
    note = note_with(guest, "Delivery vans block the street")
    await expect(cluster).to_be_visible()
    await expect(note).to_be_visible()
    await expect(note_with(host, "Delivery vans block the street")).not_to_have_class("pending")

    target = await host.locator("#canvas .cluster").bounding_box()
    start = await note_with(host, "Delivery vans block the street").bounding_box()
    assert target is not None
    assert start is not None
    await host.mouse.move(start["x"] + 40, start["y"] + 40)
    await host.mouse.down()
    await host.mouse.move(target["x"] + 120, target["y"] + 110, steps=8)
    await host.mouse.up()

    cluster_id = await cluster.get_attribute("data-id")
    await expect(note).to_have_attribute("data-cluster", cluster_id or "", timeout=5000)
    moved = await note.bounding_box()
    assert moved is not None
    assert moved["x"] != start["x"]
    view = await workshop.view()
    (stored,) = view["notes"].values()
    assert stored["cluster_id"] == cluster_id

    # Dragging it far away takes it out of the cluster again.
    box = await note_with(host, "Delivery vans block the street").bounding_box()
    assert box is not None
    await host.mouse.move(box["x"] + 40, box["y"] + 40)
    await host.mouse.down()
    await host.mouse.move(box["x"] + 40, box["y"] + 480, steps=8)
    await host.mouse.up()
    await expect(note).to_have_attribute("data-cluster", "", timeout=5000)


async def test_a_cursor_shows_in_the_other_page_with_the_name(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    canvas = await guest.locator("#canvas").bounding_box()
    assert canvas is not None
    await guest.mouse.move(canvas["x"] + 300, canvas["y"] + 200, steps=4)
    cursor = host.locator("#canvas .cursor", has_text="Pia")
    await expect(cursor).to_be_visible(timeout=5000)
    await expect(guest.locator("#canvas .cursor")).to_have_count(0)  # not my own cursor
    await guest.mouse.move(canvas["x"] + 500, canvas["y"] + 260, steps=4)
    await expect(cursor).to_have_css("transform", "matrix(1, 0, 0, 1, 500, 260)", timeout=5000)


async def test_an_observer_sees_a_read_only_board(browser: Browser, workshop: Workshop) -> None:
    await workshop.command(
        workshop.facilitator,
        {"type": "note.add", "note_id": "n1", "text": "Seen by all", "x": 40, "y": 40},
        "c-1",
    )
    watcher = await open_board(
        browser, workshop.board_url(await workshop.invite("observer", "Oli"))
    )
    frames = sent_frames(watcher)  # from its next socket on: reconnect to record this one
    await watcher.evaluate("plenary.dropConnection()")
    await until(
        lambda: any(f["type"] == "hello" for f in frames), within=8, what="the watcher rejoins"
    )
    await wait_for(watcher, "plenary.status() === 'live'")
    await expect(note_with(watcher, "Seen by all")).to_be_visible()
    await expect(watcher.locator("#add-note")).to_be_hidden()
    await expect(watcher.get_by_role("button", name="Add note")).to_have_count(0)
    await expect(watcher.get_by_text("Read-only")).to_be_visible()
    await expect(watcher.get_by_role("button", name="Delete note")).to_have_count(0)
    op = await watcher.evaluate(
        "plenary.command({type: 'note.add', note_id: 'n2', text: 'sneaky', x: 1, y: 1})"
    )
    assert op is None
    await expect(watcher.get_by_role("alert")).to_contain_text("not change it")
    await expect(notes(watcher)).to_have_count(1)
    # Neither a keyboard delete nor a drag sends anything.
    await note_with(watcher, "Seen by all").focus()
    await watcher.keyboard.press("Delete")
    await note_with(watcher, "Seen by all").drag_to(watcher.locator("#canvas"), force=True)
    # Then the cursor moves to a spot of its own: once that frame is out, any command the
    # delete or the drag sent before it is out too (one socket, in order).
    canvas = await watcher.locator("#canvas").bounding_box()
    assert canvas is not None
    await watcher.mouse.move(canvas["x"] + 123, canvas["y"] + 45)
    await until(
        lambda: any(f.get("cursor") == {"x": 123, "y": 45} for f in frames),
        within=5,
        what="the watcher's cursor frame after the drag",
    )
    assert [f for f in frames if f["type"] == "command"] == []
    assert len((await workshop.view())["notes"]) == 1


async def test_a_note_or_cluster_of_spaces_only_is_refused_with_a_message(
    browser: Browser, workshop: Workshop
) -> None:
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    for field, button in (("New note", "Add note"), ("New cluster", "Add cluster")):
        box = guest.get_by_label(field)
        await box.fill("   ")
        await guest.get_by_role("button", name=button).click()
        assert await box.evaluate("e => e.validationMessage") != ""
        await expect(box).to_have_value("   ")  # left to be written, not silently dropped
        await box.fill("Bike lanes")  # typing again clears the message
        assert await box.evaluate("e => e.validationMessage") == ""
        await guest.get_by_role("button", name=button).click()
        await expect(box).to_have_value("")
    await expect(note_with(guest, "Bike lanes")).to_be_visible()
    assert await guest.evaluate("plenary.status()") == "live"
    view = await workshop.view()
    assert [n["text"] for n in view["notes"].values()] == ["Bike lanes"]
    assert [c["label"] for c in view["clusters"].values()] == ["Bike lanes"]


async def test_a_rejected_edit_rolls_back_and_says_why(
    browser: Browser, workshop: Workshop
) -> None:
    await workshop.command(
        workshop.facilitator,
        {"type": "note.add", "note_id": "host-note", "text": "The host's note", "x": 40, "y": 40},
        "c-1",
    )
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    note = note_with(guest, "The host's note")
    await expect(note).to_be_visible()
    await note.dblclick()  # not the author: no editor opens
    await expect(guest.get_by_role("textbox", name="Edit note text")).to_have_count(0)
    await guest.evaluate(
        "plenary.command({type: 'note.edit', note_id: 'host-note', text: 'Hijacked'})"
    )
    await expect(guest.get_by_role("alert")).to_contain_text("author", timeout=5000)
    await expect(note.locator(".text")).to_have_text("The host's note")
    assert await guest.evaluate("plenary.pending()") == 0

    # The author edits their own note: double-click, type, Enter; Escape cancels.
    await add_note(guest, "Mine")
    mine = note_with(guest, "Mine")
    await mine.dblclick()
    editor = guest.get_by_role("textbox", name="Edit note text")
    await editor.fill("Mine, edited")
    await editor.press("Enter")
    await expect(mine.locator(".text")).to_have_text("Mine, edited")
    await mine.dblclick()
    await editor.fill("never saved")
    await editor.press("Escape")
    await expect(mine.locator(".text")).to_have_text("Mine, edited")
    await mine.focus()
    await guest.keyboard.press("Delete")
    await expect(note_with(guest, "Mine")).to_have_count(0)
    await expect(notes(guest)).to_have_count(1)


async def test_the_page_resumes_after_a_server_restart_without_duplicates(
    browser: Browser, workshop: Workshop, served: Served
) -> None:
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    await add_note(guest, "before")
    await expect(note_with(guest, "before")).not_to_have_class("pending")

    await served.stop()
    await wait_for(guest, "plenary.status() === 'reconnecting'")
    await expect(guest.get_by_role("status")).to_contain_text("reconnecting")
    await add_note(guest, "written offline")  # optimistic; sent once the page is back
    await expect(note_with(guest, "written offline")).to_have_class("note yellow pending movable")

    await served.restart()
    for index in range(3):
        await workshop.command(
            workshop.facilitator,
            {
                "type": "note.add",
                "note_id": f"meanwhile-{index}",
                "text": f"meanwhile {index}",
                "x": 400 + index * 170,
                "y": 400,
            },
            f"meanwhile-{index}",
        )
    await wait_for(guest, "plenary.status() === 'live'", seconds=10)
    await expect(notes(guest)).to_have_count(5)
    await wait_for(guest, "plenary.pending() === 0")
    ids = await notes(guest).evaluate_all("els => els.map(e => e.dataset.id)")
    assert len(ids) == len(set(ids)) == 5
    view = await workshop.view()
    assert sorted(n["text"] for n in view["notes"].values()) == [
        "before",
        "meanwhile 0",
        "meanwhile 1",
        "meanwhile 2",
        "written offline",
    ]
    assert await guest.evaluate("plenary.version()") == view["version"]


async def test_an_unacked_command_is_resent_with_the_same_op_id(
    browser: Browser, workshop: Workshop
) -> None:
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    frames = sent_frames(guest)
    op_id = await guest.evaluate(
        """() => {
          const op = plenary.command({type: 'note.add', note_id: 'resent', text: 'resent',
                                      x: 50, y: 50});
          plenary.dropConnection();
          return op;
        }"""
    )
    await wait_for(guest, "plenary.status() === 'live' && plenary.pending() === 0")
    commands = [f for f in frames if f["type"] == "command"]
    assert commands
    assert {f["op_id"] for f in commands} == {op_id}
    assert [f["type"] for f in frames].count("hello") >= 1
    await expect(notes(guest)).to_have_count(1)
    assert len((await workshop.view())["notes"]) == 1


AT_LIVE = """
window.__atLive = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    if (window.plenary?.status() !== "live") return;
    window.__atLive.push({
      version: window.plenary.version(),
      shown: window.plenary.view().version,
      notes: Object.keys(window.plenary.view().notes).length,
      drawn: document.querySelectorAll("#canvas .note").length,
    });
  }).observe(document.getElementById("status"), { attributes: true });
});
"""
"""Records what the page holds at each moment its status turns live: a mutation observer runs
right after the script that set it, before the page's next animation frame."""


async def test_a_page_that_says_live_shows_the_board_it_was_welcomed_with(
    browser: Browser, workshop: Workshop
) -> None:
    for i, text in enumerate(["Night buses", "Bike parking"]):
        note = {"type": "note.add", "note_id": f"n{i}", "text": text, "x": 60 + 200 * i, "y": 90}
        await workshop.command(workshop.facilitator, note, f"n{i}")
    version = (await workshop.view())["version"]
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.add_init_script(AT_LIVE)
    page = await context.new_page()
    await page.goto(workshop.board_url(await workshop.invite("participant", "Pia")))
    await wait_for(page, "window.__atLive.length === 1")

    async def add_a_note_then_give_the_ticket(route: Route) -> None:
        note = {"type": "note.add", "note_id": "n2", "text": "Meanwhile", "x": 60, "y": 300}
        await workshop.command(workshop.facilitator, note, "n2")
        await route.continue_()

    # Resumed: the note added while the page waits for its next ticket comes in welcome.events.
    await page.route("**/ticket", add_a_note_then_give_the_ticket)
    await page.evaluate("plenary.dropConnection()")
    await wait_for(page, "window.__atLive.length === 2")
    assert await page.evaluate("window.__atLive") == [
        {"version": version, "shown": version, "notes": 2, "drawn": 2},
        {"version": version + 1, "shown": version + 1, "notes": 3, "drawn": 3},
    ]


async def test_the_workshop_page_lists_its_boards(browser: Browser, workshop: Workshop) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{workshop.base_url}/w/{workshop.id}#token={workshop.facilitator}")
    link = page.get_by_role("link", name="Breakout A")
    await expect(link).to_be_visible()
    assert "token=" not in page.url  # the fragment is taken off the address bar
    await link.click()
    await wait_for(page, "window.plenary && plenary.status() === 'live'")
    await expect(page.get_by_role("heading", name="Breakout A")).to_be_visible()


async def test_screenshot_of_the_demo_board(browser: Browser, served: Served) -> None:
    seeded = await demo.seed(served.ctx)
    auth = served.ctx.auth
    host_token = auth.token(auth.claims("link", seeded.facilitator, seeded.workshop_id))
    lisbon = Actor(id="guest-lisbon", role="participant", name="Lisbon")
    guest_token = auth.token(auth.claims("session", lisbon, seeded.workshop_id))
    host = await open_board(browser, f"{served.base_url}/b/{seeded.board_id}#token={host_token}")
    guest = await open_board(browser, f"{served.base_url}/b/{seeded.board_id}#token={guest_token}")
    promoted = sum(len(g.clusters[0][1]) for g in demo.GROUPS)
    await expect(notes(host)).to_have_count(promoted)
    await expect(host.locator("#canvas .cluster")).to_have_count(len(demo.GROUPS))
    canvas = await guest.locator("#canvas").bounding_box()
    assert canvas is not None
    await guest.mouse.move(canvas["x"] + 470, canvas["y"] + 330, steps=3)
    await expect(host.locator("#canvas .cursor", has_text="Lisbon")).to_be_visible()
    await host.set_viewport_size({"width": 1440, "height": 1000})
    await host.screenshot(path=SCREENSHOT)
