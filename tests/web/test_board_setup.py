"""A facilitator edits a board's set-up on the board page, in Chromium against a real Plenary:
the prompt, the phases and the vote defaults in one save (partly by keyboard), seen live on a
participant's page; a refused save (no phase left) shows its reason under the form and changes
nothing; participants never see the control; axe-core clean, and no console error."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Workshop
from tests.web.watched import watched

pytestmark = pytest.mark.browser

PROMPT = "Which of these should the city try first?"
SHOWN_PHASES = "#phases li:not([hidden]) .name"


async def save_by_keyboard(page: Page) -> None:
    """Change the prompt, untick Discuss and set the vote defaults to 3 / 1 / shown tallies."""
    summary = page.locator("#setup-panel summary")
    await summary.focus()
    await page.keyboard.press("Enter")
    prompt = page.get_by_label("Prompt", exact=True)
    await expect(prompt).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(prompt).to_be_focused()
    await page.keyboard.press("Control+A")
    await page.keyboard.type(PROMPT)
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("checkbox", name="Collect", exact=True)).to_be_focused()
    for _ in range(3):
        await page.keyboard.press("Tab")
    discuss = page.get_by_role("checkbox", name="Discuss", exact=True)
    await expect(discuss).to_be_focused()
    await page.keyboard.press("Space")
    await expect(discuss).not_to_be_checked()
    form = page.locator("#setup-form")
    await form.get_by_label("Dots for each person").fill("3")
    await form.get_by_label("Most dots on one").fill("1")
    await form.get_by_label("Hide tallies until a round closes").press("Space")
    await page.get_by_role("button", name="Save set-up").press("Enter")


async def test_a_facilitator_edits_the_board_setup(browser: Browser, workshop: Workshop) -> None:
    host, host_errors = await watched(browser, workshop.board_url(workshop.facilitator))
    ben = await workshop.invite("participant", "Ben")
    guest, guest_errors = await watched(browser, workshop.board_url(ben))
    await expect(host.locator(SHOWN_PHASES)).to_have_count(5)

    await save_by_keyboard(host)
    await expect(host.locator("#setup-status")).to_have_text("Saved.")
    four = ["Collect", "Cluster", "Vote", "Decide"]
    for page in (host, guest):
        await expect(page.locator("#board-prompt")).to_have_text(PROMPT)
        await expect(page.locator(SHOWN_PHASES)).to_have_text(four)
    await expect(host.locator("#vote-budget")).to_have_value("3")
    await expect(host.locator("#vote-per-item")).to_have_value("1")
    await expect(host.locator("#vote-hide")).not_to_be_checked()
    await expect(host.locator("#setup-error")).to_be_hidden()
    await assert_accessible(host)

    # No phase left: refused, said under the form (not in a toast), and nothing changes.
    for name in four:
        await host.get_by_role("checkbox", name=name, exact=True).uncheck()
    await host.get_by_role("button", name="Save set-up").click()
    error = host.locator("#setup-error")
    await expect(error).to_be_visible()
    await expect(error).to_have_attribute("data-code", "invalid_phases")
    await expect(error).to_contain_text("one or more of collect")
    await expect(host.locator("#alert")).to_be_hidden()
    view = await workshop.view()
    assert (view["prompt"], view["phases"]) == (PROMPT, ["collect", "cluster", "vote", "decide"])
    assert view["vote_defaults"] == {"budget": 3, "per_item_max": 1, "hide_tallies": False}
    await expect(guest.locator(SHOWN_PHASES)).to_have_text(four)
    await assert_accessible(host)

    await expect(guest.locator("#setup-panel")).to_be_hidden()
    await expect(guest.get_by_text("Board set-up")).to_be_hidden()
    await expect(guest.get_by_role("button", name="Save set-up")).to_have_count(0)
    assert host_errors == []
    assert guest_errors == []
