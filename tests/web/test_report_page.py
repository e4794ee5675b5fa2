"""The printable workshop report in Chromium: a facilitator of the demo workshop opens it from
the workshop page by keyboard ("Print report", beside the download); it shows every decision's
rationale and each closed round's results, and in print only the report. No console errors;
axe-core finds nothing blocking. A participant is offered no report."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from domain.actor import Actor
from projections.board_view import BoardView
from service.tools import demo
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Served
from tests.web.watched import errors_of

pytestmark = pytest.mark.browser


async def workshop_page(page: Page, served: Served, who: Actor) -> None:
    token = served.ctx.auth.token(served.ctx.auth.claims("link", who, demo.WORKSHOP_ID))
    await page.goto(f"{served.base_url}/w/{demo.WORKSHOP_ID}#token={token}")
    await expect(page.locator("#workshop-title")).to_be_visible()


def title_of(view: BoardView, item_id: str) -> str:
    cluster = view.clusters.get(item_id)
    return cluster.label if cluster is not None else view.notes[item_id].text


async def test_a_facilitator_prints_the_workshop_report(browser: Browser, served: Served) -> None:
    await demo.seed(served.ctx)
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    page.set_default_timeout(10_000)
    errors = errors_of(page)
    await workshop_page(page, served, demo.facilitator())

    link = page.get_by_role("link", name="Print report")
    await link.focus()
    await page.keyboard.press("Enter")
    report = page.locator("#report-body article.report")
    state = await served.ctx.reads.workshop_state(demo.WORKSHOP_ID)
    await expect(page.get_by_role("heading", level=1)).to_have_text(state.title)
    await expect(page.get_by_role("heading", level=1)).to_be_focused()
    await expect(page.get_by_role("button", name="Print or save as PDF")).to_be_enabled()
    assert await page.title() == f"Report: {state.title} · Plenary"

    text = await report.inner_text()
    rows = await report.locator("tr").evaluate_all(
        "(rows) => rows.map((r) => [...r.children].map((c) => c.textContent))"
    )
    decisions = results = 0
    for board_id in await served.ctx.reads.workshop_boards(demo.WORKSHOP_ID):
        view = await served.ctx.reads.board_view(board_id)
        for decision in view.decisions:
            assert " ".join(decision.rationale.split()) in " ".join(text.split()), decision.title
            decisions += 1
        for round_ in view.rounds.values():
            for tally in round_.results:
                title = " ".join(title_of(view, tally.item_id).split())
                assert any(row[1:] == [title, str(tally.votes)] for row in rows), title
                results += 1
    assert decisions >= 5
    assert results >= 5

    await assert_accessible(page)
    await page.emulate_media(media="print")
    await expect(page.locator("header.bar")).to_be_hidden()
    await expect(page.locator(".report-tools")).to_be_hidden()
    await expect(report).to_be_visible()
    assert errors == []

    # A participant is offered no report.
    member = await (await browser.new_context()).new_page()
    await workshop_page(member, served, demo.person(demo.GROUPS[0].members[0]))
    await expect(member.get_by_role("link", name="Print report")).to_be_hidden()
