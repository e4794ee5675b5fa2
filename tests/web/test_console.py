"""The facilitator's console in Chromium, with several people in their own browser contexts:
invites (copy, QR code, revoke), people joining from their links, groups filled by dragging
and by keyboard, who is on which board, every group moved and timed at once, the live agenda,
and everyone called to the plenary, a participant following the banner's link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.service.people import organiser_token
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Http, Served, Workshop, wait_for

pytestmark = pytest.mark.browser

SLOW = 15_000
"""Milliseconds for what the page learns by polling (presence, people)."""


async def watched(browser: Browser, errors: list[str], **options: Any) -> Page:
    """A page in its own context whose script errors and console errors land in ``errors``."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = await context.new_page()
    page.set_default_timeout(8000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


async def invite(page: Page, role: str, name: str) -> str:
    """Create an invite on the facilitator's page; its link."""
    await page.select_option("#invite-role", role)
    await page.fill("#invite-name", name)
    before = await page.locator("#invite-link").input_value()
    await page.get_by_role("button", name="Create invite link").click()
    await expect(page.locator("#invite-link")).not_to_have_value(before)
    link: str = await page.locator("#invite-link").input_value()
    assert re.fullmatch(r"http://.+/w/.+#token=.+", link)
    return link


async def join(browser: Browser, errors: list[str], link: str, name: str) -> Page:
    """Open an invite link in a new context and join as ``name``."""
    page = await watched(browser, errors)
    await page.goto(link)
    await page.get_by_label("Your name").fill(name)
    await page.get_by_role("button", name="Join the workshop").click()
    await expect(page.locator("#workshop-title")).to_be_visible()
    return page


async def open_own_board(page: Page, served: Served, board_id: str) -> None:
    """The joined person's tab goes to a board, with the session it holds."""
    await page.goto(f"{served.base_url}/b/{board_id}")
    await wait_for(page, "window.plenary && window.plenary.status() === 'live'")


async def test_a_facilitator_invites_groups_and_runs_every_group_at_once(
    browser: Browser, served: Served, http: Http
) -> None:
    organiser = await organiser_token(served.ctx, "Ana")
    created = await http.post(
        "/api/workshops",
        {
            "title": "Console",
            "facilitator_name": "Fay",
            "agenda": [{"title": "Collect challenges", "minutes": 2}],
        },
        organiser,
    )
    wid, host = created["id"], created["facilitator_token"]
    plenary = await http.post(
        f"/api/workshops/{wid}/boards", {"title": "Plenary", "kind": "plenary"}, host
    )
    mobility = await http.post(f"/api/workshops/{wid}/groups", {"name": "Mobility"}, host)
    housing = await http.post(f"/api/workshops/{wid}/groups", {"name": "Housing"}, host)
    errors: list[str] = []
    page = await watched(browser, errors, permissions=["clipboard-read", "clipboard-write"])
    await page.goto(f"{served.base_url}/w/{wid}#token={host}")
    await expect(page.locator("#console")).to_be_visible()
    await expect(page.locator('#people-by-role [data-role="facilitator"] li')).to_have_text(
        ["Fay (you)"]
    )
    # A status line with nothing to say yet takes no room: no empty green bar under its form.
    for status in ("#console-status", "#template-saved"):
        await expect(page.locator(status)).to_have_text("")
        assert await page.locator(status).evaluate("e => e.getBoundingClientRect().height") == 0

    # Invites: a link to copy, its QR code, its expiry; one revoked.
    anna_link = await invite(page, "participant", "Anna")
    qr = page.locator("#invite-qr")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("img => img.complete && img.naturalWidth > 50")
    await expect(page.locator("#invite-expiry")).to_contain_text("Expires")
    await page.get_by_role("button", name="Copy").click()
    await expect(page.locator("#invite-copied")).to_have_text("Copied")
    assert await page.evaluate("navigator.clipboard.readText()") == anna_link
    ben_link = await invite(page, "participant", "Ben")
    await invite(page, "observer", "Nobody")
    await page.get_by_role("button", name="Revoke this invite").click()
    await expect(page.locator("#invite-copied")).to_contain_text("Revoked")
    await expect(page.locator("#invite-list tbody tr")).to_have_count(2)

    # People join from their links; the facilitator sees them and the invites used.
    anna = await join(browser, errors, anna_link, "Anna")
    ben = await join(browser, errors, ben_link, "Ben")
    rows = page.locator("#people-table tbody tr")
    await expect(rows.filter(has_text="Anna")).to_have_count(1, timeout=SLOW)
    await expect(rows.filter(has_text="Ben")).to_have_count(1, timeout=SLOW)
    await expect(page.locator("#invite-list tbody")).to_contain_text("1 joined", timeout=SLOW)

    # Groups: Anna by dragging, Ben by keyboard.
    column = page.locator(f'.group-column[data-group="{mobility["group_id"]}"]')
    await page.locator(".person-chip", has_text="Anna").drag_to(column)
    await expect(column.locator(".person-chip")).to_have_text(["Anna"])
    await expect(page.locator("#assign-status")).to_have_text("Anna is now in Mobility.")
    ben_group = page.get_by_label("Group of Ben")
    await ben_group.focus()
    await page.keyboard.press("ArrowDown")
    # The table redraws with the first choice; the select keeps the keyboard's focus.
    await expect(page.locator("#assign-status")).to_have_text("Ben is now in Mobility.")
    await expect(column.locator(".person-chip")).to_have_text(["Anna", "Ben"])
    await expect(ben_group).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.locator("#assign-status")).to_have_text("Ben is now in Housing.")
    housing_column = page.locator(f'.group-column[data-group="{housing["group_id"]}"]')
    await expect(housing_column.locator(".person-chip")).to_have_text(["Ben"])

    # Who is on which board right now.
    await open_own_board(anna, served, mobility["board_id"])
    await open_own_board(ben, served, housing["board_id"])
    here = rows.filter(has_text="Anna").locator("td").last
    await expect(here).to_have_text("Mobility", timeout=SLOW)
    await expect(rows.filter(has_text="Ben").locator("td").last).to_have_text(
        "Housing", timeout=SLOW
    )

    # Every group at once: a phase, then one timer with seconds and a label.
    await page.select_option("#all-phase", "cluster")
    await page.get_by_role("button", name="Move every group").click()
    await expect(page.locator("#console-status")).to_contain_text("moved to Cluster")
    for person in (anna, ben):
        await wait_for(person, "window.plenary.view().phase === 'cluster'")
    await page.fill("#all-minutes", "1")
    await page.fill("#all-seconds", "30")
    await page.fill("#all-label", "Collect")
    await page.get_by_role("button", name="Start timer for all").click()
    for person in (anna, ben):
        await wait_for(
            person,
            "(t => t && t.seconds === 90 && t.label === 'Collect')(window.plenary.view().timer)",
        )

    # The live agenda: the block started is highlighted; its timer goes to every group.
    await page.get_by_role("button", name="Start “Collect challenges”").click()
    await expect(page.locator(".agenda-item.current")).to_contain_text("Collect challenges")
    await page.get_by_role("button", name="Start a 2-minute timer for every group").click()
    await wait_for(anna, "(t => t && t.seconds === 120)(window.plenary.view().timer)")

    await assert_accessible(page)

    # Everyone to the plenary: Anna follows the banner's link by keyboard.
    await page.get_by_role("button", name="Everyone to the plenary").click()
    await expect(page.locator("#console-status")).to_contain_text("called to the plenary")
    link = anna.locator("#gather-link")
    await expect(link).to_be_visible()
    await expect(anna.locator("#announce")).to_contain_text("plenary")
    await expect(ben.locator("#gather-link")).to_be_visible()
    await link.focus()
    await anna.keyboard.press("Enter")
    await wait_for(anna, "window.plenary && window.plenary.status() === 'live'")
    assert await anna.evaluate("window.plenary.view().id") == plenary["id"]
    await expect(anna.locator("#gather-link")).to_be_hidden()
    assert errors == []


async def test_revoking_an_invite_by_keyboard_keeps_the_focus_on_the_invites(
    browser: Browser, workshop: Workshop
) -> None:
    for name in ("Pia", "Ola"):
        await workshop.invite("participant", name)
    errors: list[str] = []
    page = await watched(browser, errors)
    await page.goto(f"{workshop.base_url}/w/{workshop.id}#token={workshop.facilitator}")
    pia = page.get_by_role("button", name="Revoke the participant invite for Pia")
    await pia.focus()

    # The page polls the invites every few seconds: a poll leaves the focused button be.
    polled = page.locator("#presence-updated")
    await expect(polled).not_to_be_empty()
    await expect(polled).not_to_have_text(await polled.inner_text(), timeout=SLOW)
    await expect(pia).to_be_focused()

    # A revoked row hands the focus to the row in its place, the last one to the invite form.
    await page.keyboard.press("Enter")
    await expect(pia).to_have_count(0)
    ola = page.get_by_role("button", name="Revoke the participant invite for Ola")
    await expect(ola).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#invite-list")).to_contain_text("No open invite.")
    await expect(page.locator("#invite-name")).to_be_focused()

    # The invite just made, revoked from its own panel: the focus goes back to the form too.
    await page.keyboard.type("Eve")
    await page.keyboard.press("Enter")
    await expect(page.locator("#invite-link")).to_be_focused()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.locator("#invite-revoke")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("#invite-copied")).to_contain_text("Revoked")
    await expect(page.locator("#invite-name")).to_be_focused()
    assert errors == []


async def test_starting_an_agenda_block_by_keyboard_keeps_the_focus_on_its_button(
    browser: Browser, served: Served, http: Http
) -> None:
    organiser = await organiser_token(served.ctx, "Ana")
    agenda = [{"title": "Welcome", "minutes": 5}, {"title": "Collect", "minutes": 10}]
    created = await http.post(
        "/api/workshops",
        {"title": "Agenda", "facilitator_name": "Fay", "agenda": agenda},
        organiser,
    )
    errors: list[str] = []
    page = await watched(browser, errors)
    await page.goto(f"{served.base_url}/w/{created['id']}#token={created['facilitator_token']}")
    start = page.get_by_role("button", name="Start “Collect”")
    await start.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator(".agenda-item.current")).to_contain_text("Collect")
    await expect(start).to_be_focused()
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Shift+Tab")
    welcome = page.get_by_role("button", name="Start “Welcome”")
    await expect(welcome).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator(".agenda-item.current")).to_contain_text("Welcome")
    await expect(welcome).to_be_focused()
    assert errors == []
