"""The "What happened" view (/w/{id}?catchup=1) in Chromium on the demo's challenges workshop:
a participant and an auditor see every decision with its rationale and every round's results,
a lane per board on the timeline, and follow links (by mouse and by keyboard only) into the
replay, landing at the version they name; from a decision's trace, the board at that moment
and the round's ballots as its policy shows them; no console errors, axe clean."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from domain import workshop
from domain.actor import Actor
from domain.streams import workshop_stream
from service.tools import demo, demo_data
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Served, wait_for
from tests.web.watched import watched

pytestmark = pytest.mark.browser

MARTA = demo.person(demo.GROUPS[0].members[0])
TOMAS = demo.person("Tomás (auditor)", "auditor")
LOADED = "window.plenary && window.plenary.replay && window.plenary.replay().loaded"


async def open_catchup(browser: Browser, served: Served, who: Actor) -> tuple[Page, list[str]]:
    token = served.ctx.auth.token(served.ctx.auth.claims("link", who, demo.WORKSHOP_ID))
    url = f"{served.base_url}/w/{demo.WORKSHOP_ID}?catchup=1#token={token}"
    page, errors = await watched(browser, url, live=False)
    await expect(page.locator("#catchup-body")).to_be_visible()
    return page, errors


async def landed_at(page: Page) -> int:
    """The version the replay that ``page`` went to opened at."""
    await wait_for(page, LOADED)
    version: int = await page.evaluate("window.plenary.replay().version")
    return version


async def test_a_participant_catches_up_and_replays_a_decision(
    browser: Browser, served: Served
) -> None:
    await demo.seed(served.ctx)
    start = workshop.StartAgendaItem(index=len(demo_data.AGENDA) - 1)
    stream = workshop_stream(demo.WORKSHOP_ID)
    await served.ctx.runner.execute(workshop.DECIDER, stream, start, demo.facilitator(), "start")
    page, errors = await open_catchup(browser, served, MARTA)
    await expect(page.locator("#catchup-title")).to_contain_text("What happened")
    decisions = page.locator("#catchup-boards .decision-card")
    await expect(decisions).to_have_count(len(demo.GROUPS) + 2)
    plenary = await served.ctx.reads.board_view(demo.BOARD_ID)
    chosen = next(d for d in plenary.decisions if d.outcome == "select")
    card = page.locator(f'#catchup-boards [data-decision="{chosen.id}"]')
    await expect(card.locator(".rationale")).to_have_text(chosen.rationale)
    round_ = next(iter(plenary.rounds.values()))
    results = page.locator(f'#catchup-boards [data-board="{demo.BOARD_ID}"] .round-results li')
    await expect(results).to_have_count(len(round_.results))
    await expect(results.first).to_contain_text(f"{round_.results[0].votes} dots")
    await expect(page.locator("#catchup-promotions li")).to_have_count(len(demo.GROUPS))
    await expect(page.locator("#lanes .lane")).to_have_count(len(demo.GROUPS) + 1)
    await expect(page.locator("#lanes .lane").first.locator(".mark")).not_to_have_count(0)
    await page.get_by_text("Each board when it started").click()  # the block started last
    started = page.locator(".agenda-boards a")
    await expect(started).to_have_count(len(demo.GROUPS) + 1)
    head = (await served.ctx.reads.board_view(demo.BOARD_ID)).version  # the plenary: first
    await expect(started.first).to_have_attribute("href", re.compile(rf"[?&]v={head}#"))
    await assert_accessible(page, "#catchup-view")
    # Whoever missed the workshop may well read this on a phone: it keeps the screen's width.
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.set_viewport_size({"width": 1280, "height": 800})

    await card.get_by_role("link", name="Replay at this decision").click()
    assert await landed_at(page) == chosen.version
    await expect(page.locator("#decisions .decision")).to_have_count(1)  # the select, not the park
    assert not errors


async def test_an_auditor_goes_from_the_workshop_to_a_mark_by_keyboard(
    browser: Browser, served: Served
) -> None:
    await demo.seed(served.ctx)
    token = served.ctx.auth.token(served.ctx.auth.claims("link", TOMAS, demo.WORKSHOP_ID))
    page, errors = await watched(
        browser, f"{served.base_url}/w/{demo.WORKSHOP_ID}#token={token}", live=False
    )
    entry = page.get_by_role("link", name="What happened")
    await entry.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#catchup-body")).to_be_visible()
    await expect(page.locator("#catchup-title")).to_be_focused()
    await expect(page.locator("#catchup-boards .decision-card .rationale")).to_have_count(
        len(demo.GROUPS) + 2
    )

    # The first lane's "replay from the start", then Tab: its first mark, then the next.
    lane = page.locator("#lanes .lane").first
    await lane.get_by_role("link", name="Replay from the start").focus()
    await page.keyboard.press("Tab")
    first = lane.locator(".mark").first
    await expect(first).to_be_focused()
    await page.keyboard.press("Tab")
    second = lane.locator(".mark").nth(1)
    await expect(second).to_be_focused()
    name = await second.text_content() or ""
    assert "version" in name  # its text alternative says what, when and at which version
    version = int(await second.get_attribute("data-version") or "0")
    assert version > 0
    await page.keyboard.press("Enter")
    assert await landed_at(page) == version
    assert not errors


async def test_an_auditor_traces_a_decision_to_its_ballots_and_its_moment(
    browser: Browser, served: Served
) -> None:
    await demo.seed(served.ctx)
    page, errors = await open_catchup(browser, served, TOMAS)
    plenary = await served.ctx.reads.board_view(demo.BOARD_ID)
    chosen = next(d for d in plenary.decisions if d.outcome == "select")
    card = page.locator(f'#catchup-boards [data-decision="{chosen.id}"]')
    await card.get_by_role("link", name="Trace").click()
    await expect(page.locator("#trace-body")).to_be_visible()
    round_ = plenary.rounds[chosen.evidence.round_id or ""]
    await expect(page.locator("#trace-round-facts")).to_contain_text(
        f"Closed; {round_.voters} voters"
    )
    await expect(page.locator("#trace-totals tbody tr")).to_have_count(len(round_.results))
    ballots = page.locator("#trace-ballots tbody tr")
    await expect(ballots).to_have_count(len(round_.votes))  # the round closed: every ballot
    await expect(ballots.first).to_contain_text("(")  # named as they joined: "Marta (Lisbon)"
    await assert_accessible(page, "#trace-view")

    # On the pseudonymous group's board, its voters stay pseudonyms.
    hidden = demo.group_board(next(g for g in demo.GROUPS if g.pseudonymous))
    await page.goto(
        page.url.split("?")[0] + f"?board={hidden}&trace={hidden}-decision"
    )  # the session is kept by the tab
    await expect(page.locator("#trace-ballots tbody tr").first).to_contain_text("Pseudonym")

    await page.get_by_role("link", name="Board at this moment").click()
    view = await served.ctx.reads.board_view(hidden)
    assert await landed_at(page) == view.decisions[0].version
    assert not errors
