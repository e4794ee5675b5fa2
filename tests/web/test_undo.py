"""Undo and redo in Chromium, two people on one board: my undo takes back my move and not
theirs, redo makes it again, an undo that would take back someone else's change is refused
with its message, and the keyboard alone undoes."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Workshop, wait_for
from tests.web.watched import watched

pytestmark = pytest.mark.browser


async def at(page: Page, note_id: str, x: int, y: int) -> None:
    """Wait until ``page`` shows ``note_id`` confirmed at ``(x, y)``, nothing pending."""
    await wait_for(
        page,
        f"(() => {{ const n = plenary.view().notes[{note_id!r}];"
        f" return plenary.pending() === 0 && n && n.x === {x} && n.y === {y}; }})()",
    )


async def nudge(page: Page, note_id: str) -> None:
    """Move the note 10 px right with the keyboard: focus it, press the right arrow."""
    await page.locator(f'#canvas .note[data-id="{note_id}"]').focus()
    await page.keyboard.press("ArrowRight")


async def test_undo_takes_back_my_move_only_redo_makes_it_again_and_conflicts_say_why(
    browser: Browser, workshop: Workshop
) -> None:
    anna_token = await workshop.invite("participant", "Anna")
    ben_token = await workshop.invite("participant", "Ben")
    for note_id, token, x in (("a1", anna_token, 40), ("b1", ben_token, 400)):
        add = {"type": "note.add", "note_id": note_id, "text": f"Note {note_id}", "x": x, "y": 40}
        await workshop.command(token, add, f"add-{note_id}")
    anna, anna_errors = await watched(browser, workshop.board_url(anna_token))
    ben, ben_errors = await watched(browser, workshop.board_url(ben_token))
    await at(anna, "b1", 400, 40)

    # Anna moves her note, Ben his, later; Anna's undo returns hers and leaves his.
    await nudge(anna, "a1")
    await at(ben, "a1", 50, 40)
    await nudge(ben, "b1")
    await at(anna, "b1", 410, 40)
    await anna.get_by_role("button", name="Undo my last change").click()
    await at(ben, "a1", 40, 40)
    await at(anna, "b1", 410, 40)
    await anna.get_by_role("button", name="Redo my change").click()
    await at(ben, "a1", 50, 40)

    # Anna moves Ben's note; Ben moves it after her: her undo would take his back.
    await nudge(anna, "b1")
    await at(ben, "b1", 420, 40)
    await nudge(ben, "b1")
    await at(anna, "b1", 430, 40)
    await anna.get_by_role("button", name="Undo my last change").click()
    await expect(anna.get_by_role("alert")).to_contain_text(
        "Someone has changed this note since; your change cannot be taken back."
    )
    await at(anna, "b1", 430, 40)

    # Keyboard only: Ben's Ctrl+Z (the focus on his note, not in a text field) takes his back.
    await ben.locator('#canvas .note[data-id="b1"]').focus()
    await ben.keyboard.press("Control+z")
    await at(anna, "b1", 420, 40)
    await ben.keyboard.press("Control+Shift+z")
    await at(anna, "b1", 430, 40)

    await assert_accessible(anna)
    assert anna_errors == []
    assert ben_errors == []


async def test_with_nothing_to_undo_the_button_is_disabled_once_the_server_says_so(
    browser: Browser, workshop: Workshop
) -> None:
    page, errors = await watched(
        browser, workshop.board_url(await workshop.invite("participant", "Pia"))
    )
    undo = page.get_by_role("button", name="Undo my last change")
    await page.keyboard.press("Control+z")
    await expect(page.get_by_role("alert")).to_contain_text("You have no change to take back.")
    await expect(undo).to_be_disabled()
    await page.locator("#alert").get_by_role("button").click()
    await page.get_by_label("New note").fill("A note to take back")
    await page.get_by_role("button", name="Add note").click()
    await expect(undo).to_be_enabled()
    one = "plenary.pending() === 0 && Object.keys(plenary.view().notes).length === 1"
    await wait_for(page, one)
    await page.get_by_label("New note").press("Control+z")  # a text field: not the board's undo
    await undo.click()  # so this one takes the note back, and nothing is refused
    await wait_for(page, one.replace("=== 1", "=== 0"))
    await expect(page.get_by_role("alert")).to_be_hidden()
    await assert_accessible(page)
    assert errors == []
