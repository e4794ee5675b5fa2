"""A page whose script errors are collected, and what the board page draws, for browser tests."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page

from tests.web.conftest import wait_for


async def watched(
    browser: Browser,
    url: str,
    *,
    live: bool = True,
    size: tuple[int, int] = (1280, 800),
    touch: bool = False,
) -> tuple[Page, list[str]]:
    """``url`` in a context of its own (a screen of ``size``, a touch screen if ``touch``),
    with the page's script errors and console errors collected (live: once its board socket
    is live)."""
    width, height = size
    context = await browser.new_context(
        viewport={"width": width, "height": height}, has_touch=touch
    )
    page = await context.new_page()
    page.set_default_timeout(8000)
    errors = errors_of(page)
    await page.goto(url)
    if live:
        await wait_for(page, "window.plenary && window.plenary.status() === 'live'")
    return page, errors


def errors_of(page: Page) -> list[str]:
    """The script errors and console errors ``page`` shows from now on, as they come."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


DRAWN = """() => [...document.querySelectorAll('#canvas .note, #canvas .cluster')].map((el) => {
  const r = el.getBoundingClientRect();
  return {id: el.dataset.id, cluster: el.dataset.cluster ?? null,
          kind: el.classList.contains('note') ? 'note' : 'cluster',
          x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
})"""


async def overlapping_items(page: Page) -> list[tuple[str, str]]:
    """Pairs of notes and clusters whose boxes on the page overlap; a note over its own
    cluster's region is where it belongs."""
    drawn: list[dict[str, Any]] = await page.evaluate(DRAWN)
    pairs = []
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            if a["cluster"] == b["id"] or b["cluster"] == a["id"]:
                continue
            if a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]:
                pairs.append((a["id"], b["id"]))
    return pairs
