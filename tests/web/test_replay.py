"""The board's replay (/b/{id}?replay=1) in Chromium: the demo's Mobility board before its
vote round and at its end, the same as the live board; a participant's replay of private
writing shows their own notes from the start and others' only from the reveal, on a board
with names shown and on a pseudonymous one; axe clean, no console errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from service.tools import demo
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Served, Workshop, wait_for
from tests.web.watched import errors_of, watched

pytestmark = pytest.mark.browser

MOBILITY = demo.group_board(next(g for g in demo.GROUPS if g.key == "mobility"))
LOADED = "window.plenary && window.plenary.replay && window.plenary.replay().loaded"

DRAWN = """() => ({
  notes: [...document.querySelectorAll('#canvas .note')].map((n) =>
    [n.dataset.id, n.querySelector('.text').textContent, n.dataset.cluster]).sort(),
  clusters: [...document.querySelectorAll('#canvas .cluster')].map((c) =>
    [c.dataset.id, c.querySelector('.label').textContent]).sort(),
  results: [...document.querySelectorAll('#canvas .badge.result:not([hidden])')].map((b) =>
    [b.closest('[data-id]').dataset.id, b.textContent]).sort(),
  decisions: [...document.querySelectorAll('#decisions .decision .item-title')].map((d) =>
    d.textContent),
})"""


async def drawn(page: Page) -> Any:
    return await page.evaluate(DRAWN)


async def open_replay(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page, errors = await watched(browser, url, live=False)
    await wait_for(page, LOADED)
    return page, errors


async def test_the_facilitator_replays_the_mobility_board_to_its_end(
    browser: Browser, served: Served
) -> None:
    await demo.seed(served.ctx)
    claims = served.ctx.auth.claims("link", demo.facilitator(), demo.WORKSHOP_ID)
    token = served.ctx.auth.token(claims)
    live, live_errors = await watched(browser, f"{served.base_url}/b/{MOBILITY}#token={token}")
    await expect(live.locator("#canvas .badge.result:not([hidden])")).to_have_count(2)
    replay, errors = await open_replay(
        browser, f"{served.base_url}/b/{MOBILITY}?replay=1#token={token}"
    )
    assert await drawn(replay) == await drawn(live)  # it opens at the head

    await replay.get_by_role("button", name="Vote round 1 opened").click()
    await replay.get_by_role("button", name="Step back").click()
    state = await replay.evaluate("window.plenary.replay()")
    assert state["view"]["rounds"] == {}
    slider = replay.get_by_role("slider", name="Version")
    assert (await slider.get_attribute("aria-valuetext") or "").startswith(
        f"Version {state['version']} of {state['head']}, "
    )
    await expect(replay.locator("#canvas .ballot:visible")).to_have_count(0)
    await expect(replay.locator("#canvas .tally:visible")).to_have_count(0)
    await expect(replay.locator("#canvas .badge.result:visible")).to_have_count(0)
    await expect(replay.locator("#canvas .cluster")).to_have_count(2)
    here = f"{served.base_url}/b/{MOBILITY}?replay=1&v={state['version']}"
    await expect(replay).to_have_url(here)  # the cursor kept in the address
    await assert_accessible(replay)

    # Keyboard: one step forward with the arrow, then play at 60× to the end.
    await slider.focus()
    await replay.keyboard.press("ArrowRight")
    await expect(replay.locator("#rounds .round.open")).to_have_count(1)
    await expect(replay.locator("#canvas .tally:visible")).to_have_count(0)
    await replay.get_by_label("Speed").select_option("60")
    await replay.get_by_role("button", name="Play").click()
    await wait_for(replay, "window.plenary.replay().version === window.plenary.replay().head")
    await expect(replay.get_by_role("button", name="Play")).to_be_visible()
    assert await drawn(replay) == await drawn(live)
    await expect(replay.locator("#replay-log li").first).to_contain_text("Decision")
    assert not errors
    assert not live_errors


@pytest.mark.parametrize("policy", ["named", "pseudonymous"])
async def test_a_participant_replays_private_writing_as_they_saw_it(
    browser: Browser, workshop: Workshop, policy: str
) -> None:
    host = workshop.facilitator
    pia = await workshop.invite("participant", "Pia")
    raj = await workshop.invite("participant", "Raj")
    if policy == "pseudonymous":  # the page learns Pia's pseudonym from GET /events' `you`
        await workshop.command(host, {"type": "anonymity.set", "policy": policy}, "anonymity")
    await workshop.command(host, {"type": "private.start"}, "private")
    written = (
        (pia, "p1", "Pia's idea"),
        (raj, "r1", "Raj's idea"),
        (pia, "p2", "Pia's second idea"),
    )
    for token, key, text in written:
        note = {"type": "note.add", "note_id": key, "text": text, "x": 40, "y": 40}
        await workshop.command(token, note, f"note-{key}")
    await workshop.command(host, {"type": "notes.reveal"}, "reveal")

    url = workshop.board_url(pia).replace("#", "?replay=1#")
    page, errors = await open_replay(browser, url)
    notes = page.locator("#canvas .note .text")
    everyone = sorted(["Pia's idea", "Pia's second idea", "Raj's idea"])
    assert sorted(await notes.all_text_contents()) == everyone
    await page.get_by_role("button", name="Notes revealed").click()
    await page.get_by_role("button", name="Step back").click()
    await expect(notes).to_have_count(2)
    assert sorted(await notes.all_text_contents()) == ["Pia's idea", "Pia's second idea"]
    await expect(page.locator("#canvas .note.private")).to_have_count(2)
    await expect(page.locator("#replay-log")).to_contain_text("could not see")
    await expect(page.locator("#replay-log li").first).to_contain_text("Pia (you) added the note")
    await assert_accessible(page)
    await page.get_by_role("button", name="Step forward").click()
    await expect(notes).to_have_count(3)
    assert sorted(await notes.all_text_contents()) == everyone
    await expect(page.locator("#canvas .note.private")).to_have_count(0)
    assert not errors


@pytest.mark.parametrize(
    ("locale", "seconds", "minutes"),
    [
        ("en-US", r"\d{1,2}:\d{2}:\d{2}\s[AP]M", r"\d{1,2}:\d{2}\s[AP]M"),
        ("en-GB", r"\d{2}:\d{2}:\d{2}", r"\d{2}:\d{2}"),
    ],
)
async def test_replay_times_follow_the_readers_convention_as_every_page_does(
    browser: Browser, served: Served, locale: str, seconds: str, minutes: str
) -> None:
    await demo.seed(served.ctx)
    token = served.ctx.auth.token(
        served.ctx.auth.claims("link", demo.facilitator(), demo.WORKSHOP_ID)
    )
    context = await browser.new_context(locale=locale, timezone_id="UTC")
    page = await context.new_page()
    errors = errors_of(page)
    await page.goto(f"{served.base_url}/b/{MOBILITY}?replay=1#token={token}")
    await wait_for(page, LOADED)

    times = await page.locator("#replay-log .when").all_inner_texts()
    assert times
    assert all(re.fullmatch(seconds, text.strip()) for text in times), times
    decided = page.locator("#decisions .decision .meta time")  # the decision log's, as on the board
    assert await decided.count() > 0
    assert re.fullmatch(minutes, (await decided.first.inner_text()).strip())
    await assert_accessible(page)
    assert errors == []
    await context.close()
