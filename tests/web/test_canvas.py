"""The board as a canvas in Chromium: new items placed apart on every screen, zoom, pan and
fit by mouse and keyboard, and a facilitator's tidy."""

from __future__ import annotations

import random
from typing import Any

import pytest
from playwright.async_api import Browser, FloatRect, Page, expect

from domain import layout, placement
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Workshop, wait_for
from tests.web.watched import overlapping_items, watched

pytestmark = pytest.mark.browser

NOTES = 50
SETTLED = "window.plenary.pending() === 0 && Object.keys(window.plenary.view().notes).length"


async def facilitator_and_participant(
    browser: Browser, workshop: Workshop
) -> tuple[tuple[Page, list[str]], tuple[Page, list[str]]]:
    """The board open for its facilitator and for a participant, each with its errors."""
    host = await watched(browser, workshop.board_url(workshop.facilitator))
    guest = await watched(browser, workshop.board_url(await workshop.invite("participant", "Pia")))
    return host, guest


async def add_note(page: Page, text: str) -> None:
    await page.get_by_label("New note").fill(text)
    await page.get_by_label("New note").press("Enter")


async def add_cluster(page: Page, label: str) -> None:
    await page.get_by_label("New cluster").fill(label)
    await page.get_by_label("New cluster").press("Enter")


async def zoom(page: Page) -> float:
    text = await page.locator("#zoom-level").inner_text()
    return float(text.rstrip("%")) / 100


async def box(page: Page, selector: str) -> FloatRect:
    found = await page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def inside(inner: FloatRect, outer: FloatRect) -> bool:
    return (
        outer["x"] - 1 <= inner["x"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and outer["y"] - 1 <= inner["y"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def stored_overlaps(view: Any) -> list[tuple[str, str]]:
    """What overlaps on the server's board, every note at its greatest height."""
    return layout.overlapping(
        ((c["id"], c["x"], c["y"]) for c in view["clusters"].values()),
        (((n["id"], n["x"], n["y"]), n["cluster_id"]) for n in view["notes"].values()),
    )


async def test_fifty_notes_in_a_row_and_some_clusters_never_overlap_on_either_screen(
    browser: Browser, workshop: Workshop
) -> None:
    (host, host_errors), (guest, guest_errors) = await facilitator_and_participant(
        browser, workshop
    )
    for i in range(NOTES):
        if i % 12 == 0:
            await add_cluster(host, f"Theme {i // 12}")
        await add_note(guest, f"Idea number {i}")
    total = f"{SETTLED} === {NOTES}"
    for page in (host, guest):
        await wait_for(page, total, seconds=20)
        await expect(page.locator("#canvas .cluster")).to_have_count(5)
        assert await overlapping_items(page) == []
    view = await workshop.view()
    assert len(view["notes"]) == NOTES
    assert stored_overlaps(view) == []
    # What the guest shows is what the server decided, not the guess it made.
    shown = await guest.evaluate(
        "Object.values(window.plenary.view().notes).map((n) => [n.id, n.x, n.y])"
    )
    assert sorted(map(tuple, shown)) == sorted(
        (n["id"], n["x"], n["y"]) for n in view["notes"].values()
    )
    await assert_accessible(host)
    assert host_errors == []
    assert guest_errors == []


async def test_zoom_and_fit_by_mouse_and_keyboard(browser: Browser, workshop: Workshop) -> None:
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    for i in range(12):
        x, y = 300 * (i % 6), 2400 + 260 * (i // 6)  # far below the first screen
        await workshop.command(
            workshop.facilitator,
            {"type": "note.add", "note_id": f"far{i}", "text": f"Far {i}", "x": x, "y": y},
            f"far{i}",
        )
    await wait_for(page, f"{SETTLED} === 12")
    viewport = await box(page, "#viewport")
    note = await box(page, "#canvas .note")
    assert await zoom(page) == 1.0

    # ctrl+wheel over the canvas zooms out about the pointer.
    await page.mouse.move(viewport["x"] + 300, viewport["y"] + 200)
    await page.keyboard.down("Control")
    await page.mouse.wheel(0, 300)
    await page.keyboard.up("Control")
    await expect(page.locator("#zoom-level")).not_to_have_text("100%")
    smaller = await box(page, "#canvas .note")
    assert smaller["width"] < note["width"]

    # 0 on the focused canvas fits everything in view; + and - zoom by steps.
    await page.locator("#viewport").focus()
    await page.keyboard.press("0")
    await expect(page.locator("#zoom-level")).not_to_have_text("100%")
    viewport = await box(page, "#viewport")
    for each in await page.locator("#canvas .note").all():
        shown = await each.bounding_box()
        assert shown is not None
        assert inside(shown, viewport)
    fitted = await zoom(page)
    await page.keyboard.press("+")
    assert await zoom(page) > fitted
    await page.keyboard.press("-")
    assert abs(await zoom(page) - fitted) < 0.011

    # The buttons do the same.
    await page.get_by_role("button", name="Zoom in").click()
    assert await zoom(page) > fitted
    await page.get_by_role("button", name="Fit").click()
    assert abs(await zoom(page) - fitted) < 0.011

    # Control+arrow pans, on the canvas.
    await page.locator("#viewport").focus()
    before = await page.locator("#viewport").evaluate("(el) => el.scrollTop")
    await page.keyboard.press("Control+ArrowUp")
    after = await page.locator("#viewport").evaluate("(el) => el.scrollTop")
    assert after < before
    assert errors == []


async def test_under_zoom_a_drag_and_a_new_note_go_where_the_person_sees(
    browser: Browser, workshop: Workshop
) -> None:
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    await add_note(page, "Drag me")
    await wait_for(page, f"{SETTLED} === 1")
    await page.locator("#viewport").focus()
    await page.keyboard.press("-")
    await page.keyboard.press("-")  # 64 %
    scale = await zoom(page)
    assert scale == pytest.approx(0.64, abs=0.01)
    before = await page.evaluate("Object.values(window.plenary.view().notes)[0]")
    start = await box(page, "#canvas .note")
    await page.mouse.move(start["x"] + 30, start["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(start["x"] + 30 + 128, start["y"] + 30, steps=6)
    await page.mouse.up()
    await wait_for(
        page, f"{SETTLED} && Object.values(window.plenary.view().notes)[0].x !== {before['x']}"
    )
    after = await page.evaluate("Object.values(window.plenary.view().notes)[0]")
    assert after["x"] - before["x"] == pytest.approx(128 / scale, abs=2)

    # Scrolled far right, a new note lands in the middle of what is on screen.
    await page.locator("#viewport").evaluate("(el) => { el.scrollLeft = 600; }")
    await add_note(page, "Where I look")
    await wait_for(page, f"{SETTLED} === 2")
    viewport = await box(page, "#viewport")
    assert inside(await box(page, "#canvas .note >> text=Where I look"), viewport)
    assert errors == []


async def test_a_facilitator_tidies_a_cluster_and_the_board(
    browser: Browser, workshop: Workshop
) -> None:
    (host, errors), (guest, _) = await facilitator_and_participant(browser, workshop)
    commands: list[dict[str, object]] = [
        {"type": "cluster.create", "cluster_id": "c1", "label": "Streets", "x": 40, "y": 40}
    ]
    for i in range(6):  # piled on one another, three of them in the cluster
        commands.append(
            {"type": "note.add", "note_id": f"n{i}", "text": f"Pile {i}", "x": 60, "y": 90}
        )
        if i < 3:
            commands.append({"type": "note.cluster", "note_id": f"n{i}", "cluster_id": "c1"})
    for i, command in enumerate(commands):
        await workshop.command(workshop.facilitator, command, f"setup-{i}")
    await wait_for(host, f"{SETTLED} === 6")
    assert await overlapping_items(host) != []
    await expect(guest.get_by_role("button", name="Tidy board")).to_be_hidden()

    await host.get_by_label("Which cluster").select_option(label="Streets")
    await host.get_by_role("button", name="Tidy cluster").click()
    await wait_for(
        host,
        "window.plenary.view().notes.n1.y === window.plenary.view().notes.n0.y"
        " && window.plenary.view().notes.n1.x > window.plenary.view().notes.n0.x",
    )

    await host.get_by_role("button", name="Tidy board").focus()
    await host.keyboard.press("Enter")
    for page in (host, guest):
        await wait_for(page, "window.plenary.view().notes.n5.x !== 60")
        await wait_for(page, SETTLED)
        assert await overlapping_items(page) == []
    assert stored_overlaps(await workshop.view()) == []
    events = await workshop.http.get(
        f"/api/boards/{workshop.board_id}/events?after=0&limit=100", workshop.facilitator
    )
    last = events["events"][-1]
    tidied = [e for e in events["events"] if e["correlation_id"] == last["correlation_id"]]
    assert len(tidied) > 3
    await assert_accessible(host)
    assert errors == []


async def test_the_page_guesses_the_place_the_board_decides(
    browser: Browser, workshop: Workshop
) -> None:
    """``placement.js`` ``placeNear`` gives what ``domain.placement.place_near`` gives, so a
    new note shows at once where it will stay."""
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    rng = random.Random(5)
    cases = []
    for _ in range(40):
        taken = [
            layout.note_rect(rng.randrange(0, 1200, 7), rng.randrange(0, 900, 11))
            for _ in range(rng.randrange(0, 25))
        ]
        want = (rng.uniform(-100, 1300), rng.uniform(-100, 1000))
        cases.append((taken, want))
    guessed = await page.evaluate(
        """async (cases) => {
          const { placeNear } = await import('/static/placement.js');
          return cases.map(([taken, [x, y]]) => placeNear(
            taken.map(([x0, y0, x1, y1]) => ({ x0, y0, x1, y1 })), 150, 180, x, y));
        }""",
        [[[list(r) for r in taken], list(want)] for taken, want in cases],
    )
    decided = [
        dict(
            zip(
                "xy",
                placement.place_near(taken, layout.NOTE_W, layout.NOTE_MAX_H, *want),
                strict=True,
            )
        )
        for taken, want in cases
    ]
    assert guessed == decided
    assert errors == []


async def test_two_fingers_pinch_the_board_larger(browser: Browser, workshop: Workshop) -> None:
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator), touch=True)
    viewport = await box(page, "#viewport")
    x, y = viewport["x"] + 300, viewport["y"] + 300
    touches = await page.context.new_cdp_session(page)

    async def fingers(kind: str, apart: float) -> None:
        points = [{"x": x - apart, "y": y, "id": 1}, {"x": x + apart, "y": y, "id": 2}]
        await touches.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [] if kind == "touchEnd" else points},
        )

    await fingers("touchStart", 50)
    for apart in range(55, 80, 5):
        await fingers("touchMove", apart)
    await fingers("touchEnd", 0)
    assert await zoom(page) == pytest.approx(1.5, abs=0.02)  # 100 px apart, then 150
    assert errors == []


async def test_a_long_note_far_off_screen_stays_inside_its_cluster_once_scrolled_to(
    browser: Browser, workshop: Workshop
) -> None:
    # Notes far from the screen are not laid out (style.css: content-visibility) and count at
    # their least height until drawn; their cluster is fitted again when they are.
    commands: list[dict[str, object]] = [
        {"type": "note.add", "note_id": "near", "text": "Here", "x": 40, "y": 40},
        {"type": "cluster.create", "cluster_id": "far", "label": "Far", "x": 5000, "y": 4000},
        {"type": "note.add", "note_id": "long", "text": "A long idea " * 20, "x": 5020, "y": 4060},
        {"type": "note.cluster", "note_id": "long", "cluster_id": "far"},
    ]
    for i, command in enumerate(commands):
        await workshop.command(workshop.facilitator, command, f"far-{i}")
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    await wait_for(page, f"{SETTLED} === 2")
    note = page.locator('#canvas .note[data-id="long"]')
    await note.scroll_into_view_if_needed()
    held = (
        "(() => { const n = document.querySelector('#canvas .note[data-id=\"long\"]');"
        " const c = document.querySelector('#canvas .cluster[data-id=\"far\"]');"
        " return n.offsetHeight > 110"
        " && n.getBoundingClientRect().bottom <= c.getBoundingClientRect().bottom; })()"
    )
    await wait_for(page, held)
    assert inside(
        await box(page, '#canvas .note[data-id="long"]'),
        await box(page, '#canvas .cluster[data-id="far"]'),
    )
    assert errors == []
