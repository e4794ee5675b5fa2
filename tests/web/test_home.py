"""An organiser in Chromium: their sign-in link opens the home page with their programmes;
they create a programme and a workshop in it from the page, by mouse and by keyboard, and land
on the workshop as its facilitator. A link that no longer holds says so instead of spinning."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from service.access import organisers
from tests.web.conftest import Served
from tests.web.organiser import signed_in

pytestmark = pytest.mark.browser


async def test_an_organiser_creates_a_programme_and_a_workshop_from_the_home_page(
    browser: Browser, served: Served
) -> None:
    page, errors, oda = await signed_in(browser, served)
    await expect(page.get_by_role("heading", name="Your programmes")).to_be_visible()
    assert "token=" not in page.url  # the credential is taken off the address bar
    await expect(page.locator("#organiser-name")).to_have_text("Oda")
    await expect(page.locator("#programmes-empty")).to_be_visible()
    await expect(
        page.locator("#status")
    ).to_be_hidden()  # no "connecting…" on a page with no socket

    # A title of spaces only is refused in place, with a message, as an empty one is.
    for field, create in (
        ("#new-programme-title", "Create programme"),
        ("#new-workshop-title", "Create workshop"),
    ):
        await page.locator(field).fill("   ")
        await page.get_by_role("button", name=create).click()
        assert await page.locator(field).evaluate("e => e.validationMessage") != ""
        await page.locator(field).fill("")
    await expect(page.locator("#programmes-empty")).to_be_visible()

    await page.get_by_label("Title").first.fill("Cities 2027")
    await page.get_by_role("button", name="Create programme").click()
    await expect(page.locator(".programme-card h3")).to_have_text(["Cities 2027"])

    # The workshop form by keyboard alone.
    await page.locator("#new-workshop-title").focus()
    await page.keyboard.type("Mobility challenges")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Template")).to_be_focused()
    programme = page.get_by_label("Programme", exact=True)
    await programme.focus()
    await page.keyboard.press("ArrowDown")  # from "A programme of its own" to "Cities 2027"
    await expect(programme).to_have_value(re.compile(".+"))
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Create workshop")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mobility challenges")
    assert "/w/" in page.url

    # Back home, the workshop is listed under its programme and opens again.
    await page.goto(organisers.signin_link(served.ctx, oda))
    card = page.locator(".programme-card", has_text="Cities 2027")
    button = card.get_by_role("button", name="Open Mobility challenges")
    await expect(button).to_be_visible()
    await button.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mobility challenges")
    assert not errors, errors


async def test_a_link_that_no_longer_holds_says_so(browser: Browser, served: Served) -> None:
    page, _, ole = await signed_in(browser, served, "Ole")
    await expect(page.get_by_role("heading", name="Your programmes")).to_be_visible()
    await organisers.remove(served.ctx, ole.id)
    for credential in (organisers.signin_link(served.ctx, ole), f"{served.base_url}/#token=x.y.z"):
        stale = await page.context.new_page()
        await stale.goto(credential)
        await expect(stale.get_by_role("alert")).to_contain_text("no longer opens Plenary")
        await expect(stale.locator("#status")).to_be_hidden()
