"""Facilitation in Chromium against a real Plenary: phases and the timer, private writing,
dot voting with decisions, and the lock, each seen from the facilitator's and a participant's
page at once."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.web.conftest import Workshop, open_board, wait_for

pytestmark = pytest.mark.browser


def note_with(page: Page, text: str) -> Locator:
    return page.locator("#canvas .note", has_text=text)


def cluster_with(page: Page, label: str) -> Locator:
    return page.locator("#canvas .cluster", has_text=label)


async def add_note(page: Page, text: str) -> None:
    await page.get_by_label("New note").fill(text)
    await page.get_by_role("button", name="Add note").click()


async def settled(page: Page) -> int:
    """The page's board version once none of its commands wait for the server."""
    await wait_for(page, "plenary.pending() === 0")
    version: int = await page.evaluate("plenary.version()")
    return version


async def caught_up(page: Page, version: int) -> None:
    await wait_for(page, f"plenary.version() >= {version}")


async def test_a_phase_change_and_a_running_timer_reach_the_participant(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    current = guest.locator("#phases [aria-current=step]")
    await expect(current).to_contain_text("Collect")
    # Everyone sees the state; only the facilitator gets the controls.
    await expect(guest.locator("#phases button")).to_have_count(0)
    await expect(guest.get_by_role("button", name="Start timer")).to_have_count(0)
    await expect(guest.get_by_role("timer")).to_have_text("No timer")

    await host.get_by_role("button", name="Move to the vote phase").click()
    await expect(current).to_contain_text("Vote")
    await expect(guest.locator("#announce")).to_have_text("Phase: Vote.")
    await expect(guest.get_by_label("New note")).to_be_disabled()  # notes close after cluster
    await expect(guest.locator("#tools-hint")).to_contain_text("collect and cluster phases")

    await host.get_by_label("Timer minutes").fill("5")
    await host.get_by_role("button", name="Start timer").click()
    timer = guest.get_by_role("timer")
    # Five minutes, seen within seconds of the start (with room for a slow machine).
    await expect(timer).to_have_text(re.compile(r"^(5:00|4:[3-5]\d)$"))
    await expect(timer).to_have_attribute("data-state", "running")
    shown = await timer.text_content()
    await expect(timer).not_to_have_text(shown or "", timeout=3000)  # it counts down

    await host.get_by_role("button", name="Add one minute to the timer").click()
    await expect(timer).to_have_text(re.compile(r"^(6:00|5:[3-5]\d)$"))  # past 5:00: extended
    view = await workshop.view()
    assert view["phase"] == "vote"
    assert view["timer"]["seconds"] == 360

    await host.get_by_role("button", name="Stop timer").click()
    await expect(timer).to_have_text("No timer")


async def test_private_notes_stay_with_their_author_until_revealed(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    anna = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Anna"))
    )
    ben = await open_board(browser, workshop.board_url(await workshop.invite("participant", "Ben")))

    await host.get_by_role("button", name="Start private writing").click()
    banner = "Your notes are private until the facilitator reveals them"
    await expect(anna.get_by_text(banner)).to_be_visible()
    await expect(ben.get_by_text(banner)).to_be_visible()
    secret = "Night buses every 20 minutes"
    await add_note(anna, secret)
    mine = note_with(anna, secret)
    await expect(mine).to_have_class(re.compile(r"\bprivate\b"))
    await expect(mine.locator(".private-mark")).to_have_text("private")
    await expect(mine.locator(".private-mark")).to_be_visible()
    version = await settled(anna)

    # Ben's page (and the facilitator's) got the event as a placeholder: nothing of it shows.
    await caught_up(ben, version)
    await caught_up(host, version)
    assert secret not in await ben.content()
    await expect(ben.locator("body")).not_to_contain_text(secret)
    await expect(note_with(host, secret)).to_have_count(0)

    await host.get_by_role("button", name="Reveal notes").click()
    await expect(note_with(ben, secret)).to_be_visible()
    await expect(note_with(host, secret)).to_be_visible()
    await expect(mine).not_to_have_class(re.compile(r"\bprivate\b"))
    await expect(mine.locator(".private-mark")).to_be_hidden()
    await expect(ben.get_by_text(banner)).to_be_hidden()
    assert await ben.evaluate("plenary.version()") == await anna.evaluate("plenary.version()")


async def test_dot_voting_with_a_budget_then_ranked_results_and_a_decision(
    browser: Browser, workshop: Workshop
) -> None:
    setup: list[dict[str, object]] = [
        {"type": "cluster.create", "cluster_id": "mob", "label": "Mobility", "x": 40, "y": 60},
        {"type": "cluster.create", "cluster_id": "hou", "label": "Housing", "x": 420, "y": 60},
        {"type": "phase.change", "phase": "vote"},
    ]
    for index, command in enumerate(setup):
        await workshop.command(workshop.facilitator, command, f"setup-{index}")
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )

    await host.get_by_label("Dots each").fill("2")
    await host.get_by_label("Most on one").fill("2")
    await host.get_by_role("button", name="Open round").click()
    left = guest.locator("#dots-left")
    await expect(left).to_have_text("2 of 2 dots left")
    await expect(host.get_by_role("button", name=re.compile("Put a dot"))).to_have_count(0)

    add = guest.get_by_role("button", name="Put a dot on “Mobility”")
    await add.click()
    await add.click()
    await expect(left).to_have_text("0 of 2 dots left")
    await guest.get_by_role("button", name="Take a dot back from “Mobility”").click()
    await expect(left).to_have_text("1 of 2 dots left")
    await add.click()
    await expect(left).to_have_text("0 of 2 dots left")
    await settled(guest)
    await add.click()  # a third dot: over the budget
    toast = guest.get_by_role("alert")
    await expect(toast).to_contain_text("All 2 of your dots are placed")
    await expect(toast).to_have_attribute("data-code", "vote_budget_exceeded")
    await expect(left).to_have_text("0 of 2 dots left")
    await expect(cluster_with(guest, "Mobility").locator(".ballot")).to_have_attribute(
        "data-mine", "2"
    )
    # The round hides its tallies: the facilitator sees no count while it is open.
    await expect(cluster_with(host, "Mobility").locator(".tally")).to_be_hidden()
    await expect(host.locator("#rounds")).to_contain_text("Tallies are hidden")

    await host.get_by_role("button", name="Close round").click()
    for page in (host, guest):
        results = page.locator("#rounds .round.closed .result")
        await expect(results).to_have_count(2)
        await expect(results.nth(0)).to_contain_text("#1")
        await expect(results.nth(0)).to_contain_text("Mobility")
        await expect(results.nth(0)).to_contain_text("2 dots")
        await expect(results.nth(1)).to_contain_text("#2")
        await expect(results.nth(1)).to_contain_text("Housing")
        await expect(cluster_with(page, "Mobility").locator(".badge.result")).to_have_text(
            "#1 · 2 dots"
        )
    await expect(guest.locator("#dots-left")).to_be_hidden()

    record = host.get_by_role("button", name="Record decision")
    await expect(record).to_have_count(0)  # decisions wait for the discuss phase
    await expect(host.get_by_text("Decisions are recorded in the discuss")).to_be_visible()
    await host.get_by_role("button", name="Move to the discuss phase").click()
    await expect(record).to_be_enabled()
    await host.get_by_label("Item").select_option(label="Mobility")
    await host.get_by_label("Outcome").select_option("select")
    rationale = host.get_by_label("Rationale")
    await rationale.fill("  ")  # spaces only: refused in place, nothing recorded
    await record.click()
    assert await rationale.evaluate("e => e.validationMessage") != ""
    await rationale.fill("Most dots, and it unblocks the others")
    await record.click()
    entry = guest.locator("#decisions .decision")
    await expect(entry).to_have_count(1)
    await expect(entry).to_contain_text("Selected")
    await expect(entry).to_contain_text("Mobility")
    await expect(entry).to_contain_text("Most dots, and it unblocks the others")
    await expect(entry).to_contain_text("Round 1: 2 dots, rank 1 of 2")
    await expect(cluster_with(guest, "Mobility").locator(".badge.outcome")).to_have_text("Selected")
    (decision,) = (await workshop.view())["decisions"]
    assert decision["evidence"]["votes"] == 2


async def test_a_locked_board_is_read_only_for_participants(
    browser: Browser, workshop: Workshop
) -> None:
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    guest = await open_board(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    await add_note(guest, "Before the lock")
    note = note_with(guest, "Before the lock")
    await expect(note).to_have_class(re.compile(r"\bmovable\b"))
    await settled(guest)

    await host.get_by_role("button", name="Lock board").click()
    await expect(guest.get_by_text("locked by the facilitator")).to_be_visible()
    await expect(guest.locator("#chips")).to_contain_text("Locked")
    await expect(guest.get_by_label("New note")).to_be_disabled()
    await expect(guest.get_by_role("button", name="Add note")).to_be_disabled()
    await expect(guest.get_by_role("button", name="Add cluster")).to_be_disabled()
    await expect(note).not_to_have_class(re.compile(r"\bmovable\b"))
    await expect(guest.get_by_role("button", name="Delete note")).to_have_count(0)
    await note.dblclick()
    await expect(guest.get_by_role("textbox", name="Edit note text")).to_have_count(0)

    # A command sent anyway is refused by the server and its optimistic note rolled back.
    await guest.evaluate(
        "plenary.command({type: 'note.add', note_id: 'sneaky', text: 'Sneaky', x: 600, y: 300})"
    )
    toast = guest.get_by_role("alert")
    await expect(toast).to_have_attribute("data-code", "board_locked")
    await expect(toast).to_contain_text("locked")
    await expect(note_with(guest, "Sneaky")).to_have_count(0)
    assert await guest.evaluate("plenary.pending()") == 0
    assert [n["text"] for n in (await workshop.view())["notes"].values()] == ["Before the lock"]

    await host.get_by_role("button", name="Unlock board").click()
    await expect(guest.get_by_text("locked by the facilitator")).to_be_hidden()
    await expect(guest.get_by_label("New note")).to_be_enabled()
    await expect(note).to_have_class(re.compile(r"\bmovable\b"))
