"""The board page as a facilitator's console, in Chromium against a real Plenary: promotion
from the groups into the plenary (laid out without overlap, each copy showing its group), the
timer with seconds, a label and an alert, the confirmed switch to pseudonyms, links to the
workshop, a decision's trace and track, a not-found page, hints by role, hidden rounds that
keep earlier ranks out of sight, and axe-core clean for every role."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Http, Workshop, wait_for
from tests.web.watched import overlapping_items, watched

pytestmark = pytest.mark.browser

_ids = itertools.count()


async def send(http: Http, token: str, board_id: str, command: dict[str, Any]) -> Any:
    """One board command over HTTP, as whoever holds ``token``."""
    body = {"command_id": f"cmd-{next(_ids)}", "command": command}
    return await http.post(f"/api/boards/{board_id}/commands", body, token)


async def group_board(
    http: Http, workshop: Workshop, board_id: str, prefix: str, themes: dict[str, list[str]]
) -> None:
    """Clusters of notes on ``board_id``; the first cluster selected in the decide phase."""
    fac = workshop.facilitator
    for c, (label, texts) in enumerate(themes.items()):
        cid = f"{prefix}-c{c}"
        await send(
            http,
            fac,
            board_id,
            {
                "type": "cluster.create",
                "cluster_id": cid,
                "label": label,
                "x": 20 + c * 400,
                "y": 20,
            },
        )
        for n, text in enumerate(texts):
            nid = f"{cid}-n{n}"
            await send(
                http,
                fac,
                board_id,
                {
                    "type": "note.add",
                    "note_id": nid,
                    "text": text,
                    "x": 40 + c * 400 + n * 10,
                    "y": 70 + n * 10,
                },
            )
            await send(
                http, fac, board_id, {"type": "note.cluster", "note_id": nid, "cluster_id": cid}
            )
    await send(http, fac, board_id, {"type": "phase.change", "phase": "decide"})
    await send(
        http,
        fac,
        board_id,
        {
            "type": "decision.record",
            "decision_id": f"{prefix}-d",
            "item_id": f"{prefix}-c0",
            "outcome": "select",
            "rationale": "Our group's pick",
        },
    )


async def open_round(
    http: Http, token: str, board_id: str, round_id: str, items: tuple[str, ...], *, hide: bool
) -> None:
    """A round of three dots each (at most three on one) on ``items``: clusters of
    ``group_board`` (``a-c0``) or notes."""
    target = "clusters" if all(i.startswith("a-c") for i in items) else "notes"
    command = {"type": "vote.open", "round_id": round_id, "target": target, "budget": 3,
               "per_item_max": 3, "hide_tallies": hide, "facilitators_vote": False,
               "item_ids": list(items)}  # fmt: skip
    await send(http, token, board_id, command)


async def plenary_with_groups(http: Http, workshop: Workshop) -> str:
    """A plenary board (holding the facilitator's own note) beside breakouts A and B."""
    fac = workshop.facilitator
    b = await http.post(f"/api/workshops/{workshop.id}/boards", {"title": "Breakout B"}, fac)
    plenary = await http.post(
        f"/api/workshops/{workshop.id}/boards", {"title": "Plenary", "kind": "plenary"}, fac
    )
    await group_board(
        http,
        workshop,
        workshop.board_id,
        "a",
        {
            "Safe streets": ["Slower cars", "School streets", "Wider pavements", "More crossings"],
            "Parks": ["Shade", "Benches"],
        },
    )
    await group_board(
        http,
        workshop,
        b["id"],
        "b",
        {
            "Open data": [
                "Bus times",
                "Budget online",
                "Air quality " + "sensors on every school " * 12,
            ],
        },
    )
    await send(
        http,
        fac,
        plenary["id"],
        {"type": "note.add", "note_id": "welcome", "text": "Welcome back", "x": 30, "y": 30},
    )
    plenary_id: str = plenary["id"]
    return plenary_id


async def test_a_facilitator_promotes_the_groups_choices_side_by_side(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    plenary_id = await plenary_with_groups(http, workshop)
    url = f"{workshop.base_url}/b/{plenary_id}#token={workshop.facilitator}"
    page, errors = await watched(browser, url)
    await page.get_by_role("button", name="Show the groups' items").click()
    group_a = page.get_by_role("group", name="Breakout A")
    group_b = page.get_by_role("group", name="Breakout B")
    # What each group selected is ticked already; Breakout A's second cluster is not.
    await expect(group_a.get_by_role("checkbox", name="Cluster: Safe streets")).to_be_checked()
    await expect(group_a.get_by_role("checkbox", name="Cluster: Parks")).not_to_be_checked()
    await expect(group_b.get_by_role("checkbox", name="Cluster: Open data")).to_be_checked()
    # By keyboard: Breakout A's parks too.
    await group_a.get_by_role("checkbox", name="Cluster: Parks").focus()
    await page.keyboard.press("Space")
    await expect(group_a.get_by_role("checkbox", name="Cluster: Parks")).to_be_checked()
    await page.get_by_role("button", name="Bring in the ticked items").focus()
    await page.keyboard.press("Enter")

    await expect(page.locator("#canvas .cluster")).to_have_count(3)
    await expect(page.locator("#canvas .note")).to_have_count(1 + 4 + 2 + 3)
    await expect(page.locator("#promote-status")).to_contain_text("3 items from 2 groups")
    assert await overlapping_items(page) == []
    heights = await page.locator("#canvas .note").evaluate_all(
        "(notes) => notes.map((n) => n.getBoundingClientRect().height)"
    )
    assert min(heights) >= 110  # domain/layout.py's NOTE_H
    assert max(heights) <= 180  # NOTE_MAX_H
    await page.screenshot(path="/tmp/plenary-promoted.png")
    for label, group in (("Safe streets", "A"), ("Parks", "A"), ("Open data", "B")):
        cluster = page.locator("#canvas .cluster", has_text=label)
        await expect(cluster.locator(".group-tag")).to_have_text(f"Breakout {group}")
    # A note says its group in its label; its cluster's tag shows it for all its notes.
    copy = page.locator("#canvas .note", has_text="Bus times")
    await expect(copy).to_have_attribute("aria-label", "Note: Bus times (from Breakout B)")
    await expect(copy.locator(".group-tag")).to_be_hidden()

    # Refreshed, the picker says what is here already and ticks nothing twice.
    await page.get_by_role("button", name="Refresh the groups' items").click()
    safe = group_a.get_by_role("checkbox", name="Cluster: Safe streets")
    await expect(safe).not_to_be_checked()
    await expect(group_a.locator("label", has_text="Safe streets")).to_contain_text("already here")
    await assert_accessible(page)
    assert not errors, errors


async def test_the_timer_takes_seconds_and_a_label_and_alerts_when_it_ends(
    browser: Browser, workshop: Workshop
) -> None:
    host, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    guest, guest_errors = await watched(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    await host.get_by_label("Timer minutes").fill("0")
    await host.get_by_label("Timer seconds").fill("10")
    await host.get_by_label("Timer label").fill("Write alone")
    await guest.get_by_label("New note").click()  # a gesture: this page may sound too
    await host.get_by_role("button", name="Start timer").click()
    for page in (host, guest):
        await expect(page.locator("#timer-label-shown")).to_have_text("Write alone")
        await expect(page.get_by_role("timer")).to_have_attribute(
            "aria-label", "Time left: Write alone"
        )
    view = await workshop.view()
    assert (view["timer"]["seconds"], view["timer"]["label"]) == (10, "Write alone")
    for page in (host, guest):
        alert = page.locator("#banner-timer")
        await expect(alert).to_have_attribute("role", "alert")
        await expect(alert).to_be_visible(timeout=15_000)
        await expect(alert).to_contain_text("Time’s up: Write alone")
        await expect(page.get_by_role("timer")).to_have_text("Time’s up")
    # Where the browser allows sound after a click, it chimed; nowhere did it throw.
    assert await host.evaluate("plenary.chimes()") >= 1
    await assert_accessible(guest)
    await guest.get_by_role("button", name="Dismiss").click()
    await expect(guest.locator("#banner-timer")).to_be_hidden()
    assert not errors + guest_errors, errors + guest_errors


async def test_switching_to_pseudonyms_asks_first(browser: Browser, workshop: Workshop) -> None:
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    names = page.get_by_label("Names")
    await names.select_option("pseudonymous")
    dialog = page.get_by_role("dialog", name="Show people by pseudonym?")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("cannot be undone once people act under pseudonyms")
    await assert_accessible(page)
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_be_hidden()
    await expect(names).to_have_value("named")
    assert (await workshop.view())["anonymity"] == "named"

    await names.select_option("pseudonymous")
    await page.keyboard.press("Escape")  # Escape cancels too
    await expect(dialog).to_be_hidden()
    await expect(names).to_have_value("named")

    await names.select_option("pseudonymous")
    await dialog.get_by_role("button", name="Switch to pseudonyms").click()
    await expect(page.locator("#chips .chip.pseudonymous")).to_be_visible()
    assert (await workshop.view())["anonymity"] == "pseudonymous"
    assert not errors, errors


async def test_a_missing_board_or_workshop_is_a_not_found_page(
    browser: Browser, workshop: Workshop
) -> None:
    base, token = workshop.base_url, workshop.facilitator
    for path, heading in (
        ("/b/no-such-board", "Board not found"),
        ("/w/no-such-workshop", "Workshop not found"),
    ):
        page, errors = await watched(browser, f"{base}{path}#token={token}", live=False)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        await expect(page.locator("#status")).to_be_hidden()  # no "offline" board behind it
        await expect(page.locator("#board")).to_be_hidden()
        # No way on from it to a board that is not there: no workshop or replay link.
        await expect(page.locator("#workshop-link")).to_be_hidden()
        await expect(page.locator("#replay-link")).to_be_hidden()
        await assert_accessible(page)
        # The browser logs the refused request itself; the page's script raised nothing.
        assert [e for e in errors if "Failed to load resource" not in e] == []


async def test_the_board_links_to_its_workshop_and_its_decisions_traces(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    await group_board(http, workshop, workshop.board_id, "a", {"Safe streets": ["Slower cars"]})
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    trace = page.get_by_role("link", name="Trace of the decision on “Safe streets”")
    await expect(trace).to_be_visible()
    await trace.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Trace: Safe streets")
    await page.go_back()
    await wait_for(page, "window.plenary && plenary.status() === 'live'")
    await page.get_by_role("link", name="← Workshop").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Browser workshop")
    assert not errors, errors


async def test_observers_are_not_told_to_edit(browser: Browser, workshop: Workshop) -> None:
    for role in ("observer", "auditor"):
        page, errors = await watched(
            browser, workshop.board_url(await workshop.invite(role, role.title()))
        )
        await expect(page.locator("#board-hint")).to_contain_text("You follow this board")
        await expect(page.locator("#board-hint")).not_to_contain_text("Double-click")
        assert not errors, errors
    host, _ = await watched(browser, workshop.board_url(workshop.facilitator))
    await expect(host.locator("#board-hint")).to_contain_text("Double-click a note")


async def test_a_hidden_round_after_a_visible_one_shows_no_old_ranks(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    fac, board_id = workshop.facilitator, workshop.board_id
    for i, text in enumerate(("Trams", "Bikes")):
        await send(
            http,
            fac,
            board_id,
            {"type": "note.add", "note_id": f"n{i}", "text": text, "x": 40 + 200 * i, "y": 40},
        )
    await send(http, fac, board_id, {"type": "phase.change", "phase": "vote"})
    pia = await workshop.invite("participant", "Pia")
    for round_id, hide in (("r1", False), ("r2", True)):
        await open_round(http, fac, board_id, round_id, ("n0", "n1"), hide=hide)
        if round_id == "r1":
            session = await http.post("/api/auth/session", {}, pia)
            await send(
                http,
                session["token"],
                board_id,
                {"type": "vote.cast", "round_id": "r1", "item_id": "n0"},
            )
            await send(http, fac, board_id, {"type": "vote.close", "round_id": "r1"})
            page, errors = await watched(browser, workshop.board_url(pia))
            await expect(page.locator("#canvas .badge.result", has_text="#1")).to_be_visible()
    await expect(page.locator("#canvas .badge.result:visible")).to_have_count(0)
    round_1 = page.locator("#rounds .round.closed")
    await expect(round_1).to_contain_text("set aside while the open round hides its tallies")
    await expect(round_1.locator(".rank")).to_have_count(0)
    await assert_accessible(page)
    assert not errors, errors


async def test_the_board_is_accessible_to_every_role(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    """Notes, clusters, a decision and an open round, for each role; no blocking violation."""
    fac, board_id = workshop.facilitator, workshop.board_id
    await group_board(
        http,
        workshop,
        board_id,
        "a",
        {"Safe streets": ["Slower cars", "School streets"], "Parks": ["Shade"]},
    )
    await send(
        http,
        fac,
        board_id,
        {"type": "note.add", "note_id": "loose", "text": "Loose idea", "x": 900, "y": 400},
    )
    await send(http, fac, board_id, {"type": "phase.change", "phase": "vote"})
    await open_round(http, fac, board_id, "r1", ("a-c0", "a-c1"), hide=True)
    tokens = {"facilitator": fac}
    for role in ("participant", "observer", "auditor"):
        tokens[role] = await workshop.invite(role, role.title())
    for role, token in tokens.items():
        page: Page
        page, errors = await watched(browser, workshop.board_url(token))
        await expect(page.locator("#canvas .note")).to_have_count(4)
        await expect(page.locator("#decisions .decision")).to_have_count(1)
        if role == "participant":
            await page.locator(".vote-add").first.click()
            await expect(page.locator("#dots-left")).to_have_text("2 of 3 dots left")
        await assert_accessible(page)
        assert not errors, (role, errors)
