"""The printable workshop report in Chromium: a facilitator of the demo workshop opens it from
the workshop page by keyboard ("Print report", beside the download); it shows every decision's
rationale and each closed round's results, and in print only the report. An auditor downloads
the report as JSON and the whole log as JSONL, from the workshop page and the audit desk; a
facilitator is offered the JSON, not the log. No console errors; axe-core finds nothing
blocking. A participant is offered no report."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

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


async def downloaded(page: Page | Locator, button: str) -> str:
    """The text of the file the button named ``button`` downloads."""
    tab = page if isinstance(page, Page) else page.page
    async with tab.expect_download() as info:
        await page.get_by_role("button", name=button).click()
    path = await (await info.value).path()
    assert path is not None
    return await asyncio.to_thread(Path(path).read_text, encoding="utf-8")


async def test_an_auditor_downloads_the_report_as_json_and_the_whole_log(
    browser: Browser, served: Served
) -> None:
    await demo.seed(served.ctx)
    head = (await served.ctx.store.head()).position
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    errors = errors_of(page)
    await workshop_page(page, served, demo.person("Tomás (auditor)", "auditor"))

    report = json.loads(await downloaded(page, "Report as JSON"))
    assert report["workshop"]["id"] == demo.WORKSHOP_ID
    assert report["tracks"][0]["id"] == demo.TRACK_ID
    log = (await downloaded(page, "Download the whole log (JSONL)")).splitlines()
    assert [json.loads(line)["position"] for line in log] == list(range(1, head + 1))
    await expect(page.locator("#report-status")).to_have_text(
        re.compile(rf"Downloaded plenary-log-.*\.jsonl: {head:,} recorded events\.")
    )

    await page.get_by_role("link", name="Audit desk").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Audit desk")
    desk = page.locator("#audit-view")
    assert json.loads(await downloaded(desk, "Download the report (JSON)")) == report
    assert (await downloaded(desk, "Download the whole log (JSONL)")).splitlines() == log
    await assert_accessible(page)
    assert errors == []

    # A facilitator takes the report as JSON, not the raw log.
    host = await (await browser.new_context()).new_page()
    await workshop_page(host, served, demo.facilitator())
    await expect(host.get_by_role("button", name="Report as JSON")).to_be_visible()
    await expect(host.get_by_role("button", name="Download the whole log (JSONL)")).to_be_hidden()
