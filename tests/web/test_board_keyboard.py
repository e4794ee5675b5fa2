"""The board page by keyboard, in Chromium against a real Plenary: a note nudged with the
arrow keys is recorded as one move when it comes to rest, joining or leaving a cluster only
there; Tab follows the board's layout."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.conftest import Workshop, wait_for
from tests.web.watched import watched

pytestmark = pytest.mark.browser

SETTLED = "window.plenary.pending() === 0 && window.plenary.version() > {version}"


async def recorded_after(page: Page, workshop: Workshop, version: int) -> list[str]:
    """The types of the events recorded after ``version``, once the page's commands landed."""
    await wait_for(page, SETTLED.format(version=version))
    answer = await workshop.http.get(
        f"/api/boards/{workshop.board_id}/events?after={version}", workshop.facilitator
    )
    return [e["type"] for e in answer["events"]]


async def press(page: Page, key: str, times: int) -> None:
    for _ in range(times):
        await page.keyboard.press(key)


async def test_a_keyboard_move_across_a_cluster_records_one_move_and_one_cluster_change(
    browser: Browser, workshop: Workshop
) -> None:
    await workshop.command(
        workshop.facilitator,
        {"type": "cluster.create", "cluster_id": "c1", "label": "Mobility", "x": 400, "y": 250},
        "k1",
    )
    note = {"type": "note.add", "note_id": "n1", "text": "Vans", "x": 20, "y": 300}
    await workshop.command(workshop.facilitator, note, "k2")
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    moving = page.locator('#canvas .note[data-id="n1"]')
    await moving.focus()

    # Right across the cluster and out the far side: one move, no cluster change.
    version = await page.evaluate("window.plenary.version()")
    await press(page, "Shift+ArrowRight", 18)
    await expect(moving).to_have_css("left", "920px")
    assert await recorded_after(page, workshop, version) == ["note.moved"]

    # Back into it, then a pause: one move and the note joins the cluster where it lands.
    version = await page.evaluate("window.plenary.version()")
    await press(page, "Shift+ArrowLeft", 8)
    assert await recorded_after(page, workshop, version) == ["note.moved", "note.clustered"]
    await expect(moving).to_have_attribute("data-cluster", "c1")

    # Down out of it, then Enter: one move, and it leaves.
    version = await page.evaluate("window.plenary.version()")
    await press(page, "Shift+ArrowDown", 6)
    await page.keyboard.press("Enter")
    assert await recorded_after(page, workshop, version) == ["note.moved", "note.clustered"]
    await expect(moving).to_have_attribute("data-cluster", "")
    await expect(moving).to_be_focused()

    # Escape puts a nudged note back and records nothing.
    version = await page.evaluate("window.plenary.version()")
    await press(page, "ArrowUp", 3)
    await page.keyboard.press("Escape")
    await expect(moving).to_have_css("top", "600px")
    view = await workshop.view()
    assert (view["version"], view["notes"]["n1"]["y"]) == (version, 600)
    assert errors == []


async def test_tab_follows_the_layout_not_the_order_items_were_made_in(
    browser: Browser, workshop: Workshop
) -> None:
    made: list[dict[str, object]] = [
        {"type": "note.add", "note_id": "n1", "text": "Low", "x": 40, "y": 400},
        {"type": "cluster.create", "cluster_id": "c1", "label": "Top", "x": 400, "y": 40},
        {"type": "note.add", "note_id": "n2", "text": "In the cluster", "x": 420, "y": 100},
        {"type": "note.cluster", "note_id": "n2", "cluster_id": "c1"},
        {"type": "note.add", "note_id": "n3", "text": "High", "x": 40, "y": 40},
    ]
    for i, command in enumerate(made):
        await workshop.command(workshop.facilitator, command, f"t{i}")
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    await expect(page.locator("#canvas .note")).to_have_count(3)
    await page.locator("#viewport").focus()
    order: list[str] = []
    while len(order) < 4:
        await page.keyboard.press("Tab")
        focused = await page.evaluate(
            "document.activeElement.closest('#canvas .note, #canvas .cluster')?.dataset.id ?? ''"
        )
        assert focused, "Tab left the canvas before every item was reached"
        if not order or order[-1] != focused:
            order.append(focused)
    assert order == ["n3", "c1", "n2", "n1"]
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert errors == []


async def test_a_control_that_hides_itself_hands_the_focus_on_not_to_the_page(
    browser: Browser, workshop: Workshop
) -> None:
    setup: list[dict[str, object]] = [
        {"type": "cluster.create", "cluster_id": "c1", "label": "Mobility", "x": 40, "y": 60},
        {"type": "phase.change", "phase": "vote"},
    ]
    for i, command in enumerate(setup):
        await workshop.command(workshop.facilitator, command, f"s{i}")
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))

    # Opening a round hides its form: the focus goes to Close round, then back to the form.
    await page.locator("#vote-open button[type=submit]").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#vote-close")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#vote-status")).to_have_text("No round is open.")
    await expect(page.locator("#vote-target")).to_be_focused()

    # Stopping the timer hides Stop timer: the focus goes to the form that starts the next one.
    await page.locator("#timer-start button[type=submit]").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#timer-stop")).to_be_visible()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.locator("#timer-stop")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#timer-stop")).to_be_hidden()
    await expect(page.locator("#timer-minutes")).to_be_focused()
    assert errors == []
