"""The discuss phase in Chromium, from the facilitator's and a participant's page at once, by
keyboard: the spotlight walks the last round's ranking and the participant's canvas follows it
until they opt out; a comment shows on both pages; an action item added in the decision log
shows there on both pages and on the decision's trace page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Workshop, wait_for
from tests.web.watched import watched

pytestmark = pytest.mark.browser

FAR = "Night buses every 20 minutes"
"""Most dots: first in the spotlight; far down the canvas, out of view at first."""
NEAR = "Safer crossings near schools"


def in_view(note_text: str) -> str:
    """A page expression: the note with ``note_text`` lies wholly inside the board's viewport."""
    return f"""(() => {{
      const note = [...document.querySelectorAll('#canvas .note')]
        .find((el) => el.textContent.includes({note_text!r}));
      if (!note) return false;
      const n = note.getBoundingClientRect();
      const v = document.getElementById('viewport').getBoundingClientRect();
      return n.left >= v.left && n.right <= v.right && n.top >= v.top && n.bottom <= v.bottom;
    }})()"""


async def prepared(workshop: Workshop) -> None:
    """Two notes, a closed round that ranks ``FAR`` first, and the board in the discuss phase."""
    host = workshop.facilitator
    steps: list[dict[str, object]] = [
        {"type": "note.add", "note_id": "far", "text": FAR, "x": 2600.0, "y": 1900.0},
        {"type": "note.add", "note_id": "near", "text": NEAR, "x": 40.0, "y": 40.0},
        {"type": "phase.change", "phase": "vote"},
        {
            "type": "vote.open",
            "round_id": "r1",
            "target": "notes",
            "budget": 3,
            "per_item_max": 2,
            "hide_tallies": False,
            "facilitators_vote": True,
        },
        {"type": "vote.cast", "round_id": "r1", "item_id": "far"},
        {"type": "vote.cast", "round_id": "r1", "item_id": "far"},
        {"type": "vote.cast", "round_id": "r1", "item_id": "near"},
        {"type": "vote.close", "round_id": "r1"},
        {"type": "phase.change", "phase": "discuss"},
    ]
    for n, command in enumerate(steps):
        await workshop.command(host, command, f"setup-{n}")


async def press(page: Page, selector: str, key: str = "Enter") -> None:
    """Focus the control and press ``key`` on it, as a keyboard user would."""
    await page.locator(selector).focus()
    await page.keyboard.press(key)


async def test_the_spotlight_comments_and_action_items_by_keyboard(
    browser: Browser, workshop: Workshop
) -> None:
    await prepared(workshop)
    host, host_errors = await watched(browser, workshop.board_url(workshop.facilitator))
    pia = await workshop.invite("participant", "Pia")
    guest, guest_errors = await watched(browser, workshop.board_url(pia))
    assert not await guest.evaluate(in_view(FAR))
    await expect(guest.locator("#spotlight-next")).to_be_hidden()  # the facilitator's controls

    # Spotlight next: the round's first, and the participant's canvas scrolls to it.
    await press(host, "#spotlight-next")
    far = guest.locator("#canvas .note", has_text=FAR)
    await expect(far).to_have_class(re.compile(r"\bspotlit\b"))
    await expect(guest.locator("#spotlight-status")).to_contain_text(FAR)
    await wait_for(guest, in_view(FAR))

    # Opted out, the participant sees the spotlight move but their canvas stays where it is.
    await press(guest, "#spotlight-optout", "Space")
    await expect(guest.locator("#spotlight-optout")).to_be_checked()
    scrolled = await guest.evaluate("document.getElementById('viewport').scrollTop")
    await press(host, "#spotlight-next")
    await expect(guest.locator("#spotlight-status")).to_contain_text(NEAR)
    near = guest.locator("#canvas .note", has_text=NEAR)
    await expect(near).to_have_class(re.compile(r"\bspotlit\b"))
    await expect(far).not_to_have_class(re.compile(r"\bspotlit\b"))
    assert await guest.evaluate("document.getElementById('viewport').scrollTop") == scrolled
    assert not await guest.evaluate(in_view(NEAR))
    await press(guest, "#spotlight-optout", "Space")  # following again: to where it is now
    await wait_for(guest, in_view(NEAR))

    # A comment on the spotlighted item, shown on both pages.
    await guest.locator("#comment-text").focus()
    await guest.keyboard.type("Which schools first?")
    await guest.keyboard.press("Tab")
    await guest.keyboard.press("Enter")
    for page in (host, guest):
        comment = page.locator("#comments .comment", has_text="Which schools first?")
        await expect(comment).to_be_visible()
    await expect(host.locator("#comments .comment .who")).to_have_text("Pia")

    # An action item on a decision, from the decision log's form.
    decision: dict[str, object] = {
        "type": "decision.record",
        "decision_id": "d1",
        "item_id": "near",
        "outcome": "select",
        "rationale": "Most asked for",
    }
    await workshop.command(workshop.facilitator, decision, "decide-1")
    await expect(host.locator("#decisions .action-add summary")).to_be_visible()
    await press(host, "#decisions .action-add summary")
    await host.locator("#action-text-d1").focus()
    await host.keyboard.type("Ask the schools for their routes")
    await host.keyboard.press("Tab")
    await expect(host.locator("#action-owner-d1")).to_be_focused()
    await host.keyboard.type("Pia")
    await host.locator("#action-due-d1").fill("2026-12-18")  # a date field's own keys vary
    await press(host, "#action-owner-d1")  # Enter in a field sends its form
    for page in (host, guest):
        action = page.locator("#decisions .action", has_text="Ask the schools for their routes")
        await expect(action).to_contain_text("Pia")
        await expect(action).to_contain_text("2026")
    await assert_accessible(host)
    await assert_accessible(guest)

    # The trace page of the decision lists its action item.
    await press(host, "#decisions .decision-links a >> text=Trace")
    await expect(host.locator("#trace-actions .action")).to_contain_text(
        "Ask the schools for their routes"
    )
    await expect(host.locator("#trace-actions .action")).to_contain_text("Pia")
    await assert_accessible(host)
    assert host_errors == []
    assert guest_errors == []
