"""An organiser in Chromium, for the browser tests of the home page: a new organiser's page,
opened with their sign-in link, collecting the script and console errors it throws."""

from __future__ import annotations

from playwright.async_api import Browser, Page

from domain.actor import Actor
from service.access import organisers
from tests.web.conftest import Served
from tests.web.watched import errors_of


async def signed_in(
    browser: Browser, served: Served, name: str = "Oda"
) -> tuple[Page, list[str], Actor]:
    """A new organiser's page, opened with their sign-in link; the script errors it throws."""
    who = await organisers.add(served.ctx, name)
    link = organisers.signin_link(served.ctx, who)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(8000)
    errors = errors_of(page)
    await page.goto(link)
    return page, errors, who
