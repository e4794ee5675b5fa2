"""The web client under the service's Content-Security-Policy, in Chromium: an organiser's
home page, the board page, the workshop page, a decision trace and a solution track, driven
as people use them, without one violation (``securitypolicyviolation`` events and console
errors both watched)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from service.access import organisers
from service.http.headers import CONTENT_SECURITY_POLICY
from service.tools import demo
from tests.web.conftest import Served, wait_for

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watched:
    """A browser context whose pages report every policy violation and console error."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.console: list[str] = []
        self.pages: list[Page] = []

    async def open(self, url: str) -> Page:
        page = await self.context.new_page()
        page.set_default_timeout(8000)
        page.on("console", self._record)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        response = await page.goto(url)
        assert response is not None
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-frame-options"] == "DENY"
        self.pages.append(page)
        return page

    def _record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(message.text)

    async def violations(self) -> list[str]:
        found: list[str] = []
        for page in self.pages:
            found += await page.evaluate("window.__violations")
        return found


async def test_the_pages_keep_to_the_content_security_policy(
    browser: Browser, served: Served
) -> None:
    seeded = await demo.seed(served.ctx)
    auth = served.ctx.auth
    token = auth.token(auth.claims("link", seeded.facilitator, demo.WORKSHOP_ID))
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(WATCH)
    watched = Watched(context)

    home = await watched.open(organisers.signin_link(served.ctx, seeded.organiser))
    await expect(home.get_by_role("heading", name="Your programmes")).to_be_visible()
    await expect(home.locator(".programme-card").first).to_be_visible()

    board = await watched.open(f"{served.base_url}/b/{seeded.group_board_id}#token={token}")
    await wait_for(board, "window.plenary && window.plenary.status() === 'live'")
    await expect(board.locator("#canvas .note").first).to_be_visible()
    await board.get_by_label("New note").fill("Checked under the policy")
    await board.get_by_role("button", name="Add note").click()
    added = board.locator("#canvas .note", has_text="Checked under the policy")
    await expect(added).not_to_have_class("pending")
    box = await added.bounding_box()
    assert box is not None
    await board.mouse.move(box["x"] + 10, box["y"] + 10)  # a cursor, drawn with element.style
    await board.mouse.down()
    await board.mouse.move(box["x"] + 80, box["y"] + 60, steps=5)
    await board.mouse.up()

    page = await watched.open(f"{served.base_url}/w/{demo.WORKSHOP_ID}#token={token}")
    await expect(page.locator("#boards .board-card")).to_have_count(5)
    card = page.locator('#decision-log .decision-card[data-decision="demo-plenary-select"]')
    await card.get_by_role("link", name="Trace").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Trace: Who takes part")
    await page.go_back()
    await page.locator("#tracks").get_by_role("link", name="Who takes part").click()
    await expect(page.locator("#sprints li").first).to_be_visible()

    assert await watched.violations() == []
    assert watched.console == []
    await context.close()
