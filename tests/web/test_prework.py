"""Prework in Chromium: a facilitator sets a challenges survey on the workshop page, a
participant answers it from their invite link, the facilitator imports two more people's answers
from CSV (seeing the bad row's error in the preview), puts prework on the boards, and each author
sees only their own private notes until the reveal, then everyone sees them all. An initiative
card shows its fields on the board. axe-core finds nothing blocking; no console errors."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, FilePayload, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Http, Workshop, wait_for
from tests.web.watched import errors_of

pytestmark = pytest.mark.browser

DUE = "2999-12-31"
CSV = (
    "name,Your city,What is the biggest challenge your city faces?\n"
    "Aya,Lyon,Heat waves in schools\n"
    "Zed,Nowhere,Floods\n"
    "Ben,Bonn,Too many cars\n"
)


class Watched:
    """A page in its own context and the script and console errors it has shown."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors = errors_of(page)


async def open_page(browser: Browser, url: str) -> Watched:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(8000)
    watched = Watched(page)
    await page.goto(url)
    return watched


async def watched_board(browser: Browser, url: str) -> Watched:
    """As ``open_board``, with its errors watched from the start."""
    watched = await open_page(browser, url)
    await wait_for(watched.page, "window.plenary && window.plenary.status() === 'live'")
    return watched


async def note_texts(page: Page) -> list[str]:
    texts: list[str] = await page.evaluate(
        "Object.values(window.plenary.view().notes).map((n) => n.text).sort()"
    )
    return texts


async def join(http: Http, w: Workshop, name: str) -> Any:
    return await http.post(
        f"/api/workshops/{w.id}/join", {"name": name}, await w.invite("participant", name)
    )


async def test_prework_from_the_form_to_the_reveal(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    w = workshop
    plenary = await http.post(
        f"/api/workshops/{w.id}/boards", {"title": "Plenary", "kind": "plenary"}, w.facilitator
    )
    group = await http.post(f"/api/workshops/{w.id}/groups", {"name": "Group A"}, w.facilitator)

    # The facilitator sets the challenges survey on the workshop page.
    host = await open_page(browser, f"{w.base_url}/w/{w.id}#token={w.facilitator}")
    page = host.page
    section = page.locator("#prework")
    await expect(section.get_by_role("heading", name="Prework")).to_be_visible()
    await section.get_by_role("button", name="Use: Challenges survey").click()
    await section.get_by_label("Due date (last day to answer)").fill(DUE)
    await section.get_by_role("button", name="Save the form").click()
    await expect(page.locator("#prework-status")).to_have_text("The form is saved.")

    # A participant answers from their invite link, by keyboard.
    invite = await w.invite("participant", "Pia")
    pia = await open_page(browser, f"{w.base_url}/w/{w.id}#token={invite}")
    await pia.page.get_by_label("Your name").fill("Pia")
    await pia.page.get_by_role("button", name="Join the workshop").click()
    form = pia.page.locator("#prework form.prework-answer")
    await expect(form.get_by_role("heading", name="Your answers")).to_be_visible()
    await form.get_by_label("Your city", exact=True).fill("Porto")
    await form.get_by_label("What is the biggest challenge your city faces?").fill("Housing")
    await form.get_by_label("What else holds your city back?").focus()
    await pia.page.keyboard.type("Tourism")
    await form.get_by_role("button", name="Send my answers").focus()
    await pia.page.keyboard.press("Enter")
    await expect(pia.page.locator("#prework-status")).to_have_text("Your answers are saved.")
    await assert_accessible(pia.page)

    # Two more people's answers from CSV: the preview names the bad row's error.
    ana, ben = await join(http, w, "Aya"), await join(http, w, "Ben")
    await http.post(
        f"/api/workshops/{w.id}/assignments",
        {"actor_id": ana["actor_id"], "group_id": group["group_id"]},
        w.facilitator,
    )
    await section.get_by_label("CSV file").set_input_files(
        files=FilePayload(name="answers.csv", mimeType="text/csv", buffer=CSV.encode())
    )
    await section.get_by_role("button", name="Preview").click()
    bad = section.locator('table.preview tr[data-line="3"] .row-status')
    await expect(bad).to_have_text("Error: Nobody called 'Zed' has joined this workshop.")
    await expect(section.locator("table.preview tr.good")).to_have_count(2)
    await assert_accessible(page)
    await section.get_by_role("button", name="Import 2 good rows").click()
    await expect(page.locator("#prework-status")).to_have_text("2 rows imported.")
    await expect(section.locator(".prework-people li")).to_have_count(3)

    await section.get_by_role("button", name="Put prework on the boards").click()
    await expect(page.locator("#prework-status")).to_have_text(
        "The answers of 3 people are on the boards as private notes."
    )
    await assert_accessible(page)

    # Each author sees their own private notes only; the facilitator none, until the reveal.
    on_plenary = f"/b/{plenary['id']}#token="
    pia_token = await pia.page.evaluate("sessionStorage.getItem('plenary-token')")
    pia_board = await watched_board(browser, f"{w.base_url}{on_plenary}{pia_token}")
    ben_board = await watched_board(browser, f"{w.base_url}{on_plenary}{ben['token']}")
    host_board = await watched_board(browser, f"{w.base_url}{on_plenary}{w.facilitator}")
    ana_board = await watched_board(
        browser, f"{w.base_url}/b/{group['board_id']}#token={ana['token']}"
    )
    assert await note_texts(pia_board.page) == ["Housing", "Porto", "Tourism"]
    assert await note_texts(ben_board.page) == ["Bonn", "Too many cars"]
    assert await note_texts(host_board.page) == []
    assert await note_texts(ana_board.page) == ["Heat waves in schools", "Lyon"]
    await expect(pia_board.page.locator(".note.private")).to_have_count(3)

    await host_board.page.evaluate("window.plenary.command({type: 'notes.reveal'})")
    everything = ["Bonn", "Housing", "Porto", "Too many cars", "Tourism"]
    for board in (pia_board, ben_board, host_board):
        await wait_for(board.page, "Object.keys(window.plenary.view().notes).length === 5")
        assert await note_texts(board.page) == everything
    await expect(ben_board.page.locator(".note.private")).to_have_count(0)
    for watched in (host, pia, pia_board, ben_board, host_board, ana_board):
        assert watched.errors == []


async def test_an_initiative_card_shows_its_fields_on_the_board(
    browser: Browser, http: Http, workshop: Workshop
) -> None:
    w = workshop
    fields = [("city", "City"), ("title", "Title"), ("problem", "Problem"), ("contact", "Contact")]
    form = {
        "kind": "card",
        "due": DUE,
        "questions": [{"id": i, "label": label} for i, label in fields],
    }
    await http.post(f"/api/workshops/{w.id}/prework", form, w.facilitator)
    plenary = await http.post(
        f"/api/workshops/{w.id}/boards", {"title": "Plenary", "kind": "plenary"}, w.facilitator
    )
    ana = await join(http, w, "Ana")
    given = {"city": "Lyon", "title": "Cool roofs", "problem": "Heat", "contact": "Ana"}
    answers = [{"question_id": q, "text": t} for q, t in given.items()]
    await http.post(f"/api/workshops/{w.id}/prework/answers", {"answers": answers}, ana["token"])
    await http.post(f"/api/workshops/{w.id}/prework/place", {}, w.facilitator)

    board = await watched_board(browser, f"{w.base_url}/b/{plenary['id']}#token={ana['token']}")
    card = board.page.locator(".note.card")
    await expect(card.locator(".text")).to_have_text("Cool roofs")
    await expect(card.locator("dt")).to_have_text(["City", "Title", "Problem", "Contact"])
    await expect(card.locator("dd")).to_have_text(["Lyon", "Cool roofs", "Heat", "Ana"])
    await expect(card).to_have_attribute(
        "aria-label",
        "Private card: Cool roofs. City: Lyon. Title: Cool roofs. Problem: Heat. Contact: Ana",
    )
    # The rest of the board page is the board's own (its known violations are fixed there).
    await assert_accessible(board.page, within=".note.card")
    assert board.errors == []
