"""An organiser in Chromium creates a challenges workshop from its template with 4 breakouts,
by keyboard from the home page; the workshop page shows its agenda, its plenary and its four
breakout boards, a breakout board shows its prompt, and the workshop, its agenda edited, is
saved as a template that the home page offers from then on. axe-core finds nothing blocking
on the pages, and no script or console error is thrown."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from service.access import organisers
from service.templates import builtin
from tests.web.accessibility import assert_accessible, blocking_violations
from tests.web.conftest import Served
from tests.web.organiser import signed_in

pytestmark = pytest.mark.browser

CHALLENGES = builtin()[0]


async def create_by_keyboard(page: Page, title: str) -> None:
    """Fill the new-workshop form from its title field on, by keys alone, and send it."""
    await page.locator("#new-workshop-title").focus()
    await page.keyboard.type(title)
    await page.keyboard.press("Tab")
    picker = page.get_by_label("Template")
    await expect(picker).to_be_focused()
    await expect(picker).to_have_value("challenges")
    preview = page.locator("#new-workshop-preview")
    await expect(preview).to_contain_text("A plenary board and 4 breakout boards")
    await page.keyboard.press("ArrowDown")  # Initiatives: its own agenda and 2 breakouts
    await expect(preview).to_contain_text("2 breakout boards")
    await expect(page.get_by_label("Breakout groups (0–4)")).to_have_value("2")
    await page.keyboard.press("ArrowUp")
    await expect(picker).to_have_value("challenges")
    await expect(preview).to_contain_text(CHALLENGES.agenda[1].title)
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Breakout groups (0–4)")).to_be_focused()
    await page.keyboard.press("Control+A")
    await page.keyboard.type("4")
    await page.get_by_label("Date").fill("2031-03-04")
    await page.get_by_label("Programme", exact=True).focus()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Create workshop")).to_be_focused()
    await page.keyboard.press("Enter")


async def test_an_organiser_runs_a_challenges_workshop_from_its_template(
    browser: Browser, served: Served
) -> None:
    page, errors, oda = await signed_in(browser, served)
    await expect(page.get_by_role("heading", name="Your programmes")).to_be_visible()
    await expect(page.locator("#new-workshop-preview")).to_contain_text("Challenges")
    await assert_accessible(page)
    await create_by_keyboard(page, "Mobility challenges")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Mobility challenges")
    agenda = page.locator("#agenda .agenda-title")
    await expect(agenda).to_have_text([a.title for a in CHALLENGES.agenda])
    cards = page.locator("#boards .board-card")
    await expect(cards).to_have_count(5)
    kinds = await cards.locator(".kind").all_inner_texts()
    assert sorted(kinds) == ["Breakout"] * 4 + ["Plenary"]
    for n in range(1, 5):
        await expect(page.get_by_role("link", name=f"Group {n}", exact=True)).to_be_visible()
    await expect(page.get_by_role("link", name="Plenary", exact=True)).to_be_visible()
    await assert_accessible(page)

    # The facilitator edits the agenda by keyboard: Escape leaves the editor, focus back on
    # its button; then the last block goes, one is added.
    await page.get_by_role("button", name="Edit agenda").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Block 1", exact=True)).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(page.locator("#agenda-form")).to_be_hidden()
    await expect(page.get_by_role("button", name="Edit agenda")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Block 1", exact=True)).to_be_focused()
    last = len(CHALLENGES.agenda)
    await page.get_by_role("button", name=f"Remove block {last}").press("Enter")
    await page.get_by_role("button", name="Add block").press("Enter")
    await expect(page.get_by_label(f"Block {last}", exact=True)).to_be_focused()
    await page.keyboard.type("Wrap-up")
    await page.get_by_role("button", name="Save agenda").press("Enter")
    titles = [*(a.title for a in CHALLENGES.agenda[:-1]), "Wrap-up"]
    await expect(agenda).to_have_text(titles)

    # A breakout board shows its prompt.
    await page.get_by_role("link", name="Group 3", exact=True).click()
    prompt = page.locator("#board-prompt")
    await expect(prompt).to_have_text(CHALLENGES.breakout.prompt)
    await expect(page.locator("#phases li:not([hidden])")).to_have_count(5)
    await expect(page.locator("#vote-budget")).to_have_value("5")
    # The board page's own violations are the board's to fix; the prompt adds none.
    assert not [v for v in await blocking_violations(page) if "board-prompt" in v]
    await page.go_back()

    # Saved as a template, offered on the home page.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mobility challenges")
    await page.get_by_label("Template name").fill("Our challenges day")
    await page.get_by_label("Template name").press("Enter")
    await expect(page.locator("#template-saved")).to_contain_text("Our challenges day")
    await page.goto(organisers.signin_link(served.ctx, oda))
    picker = page.get_by_label("Template")
    option = picker.locator("option", has_text="Our challenges day")
    await expect(option).to_have_count(1)
    await picker.select_option(label=await option.inner_text())
    preview = page.locator("#new-workshop-preview")
    await expect(preview).to_contain_text("A plenary board and 4 breakout boards")
    await expect(preview).to_contain_text("Wrap-up")
    await expect(page.locator(".next-step")).to_contain_text(["starts in"])
    await assert_accessible(page)
    assert not errors, errors
