"""Solution tracks in Chromium: a facilitator starts a track from a selected decision on the
workshop page, works it through every track command from the track page's forms (partly by
keyboard), reads a timeline that names people, decisions and sprints but shows no id, and
sees the outcome chart count against the programme's own targets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.service.people import organiser_token
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Http, Served
from tests.web.watched import errors_of

pytestmark = pytest.mark.browser

NOTE = "Safe routes to school"
OTHER = "A bus for every village"
REFUSED = (
    "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
)


class Setup:
    """A workshop of a programme with its own targets, one board, and two decisions on it:
    one that selected its note, one that parked the other."""

    def __init__(self, workshop: Any, board: Any, ids: dict[str, str]) -> None:
        self.id: str = workshop["id"]
        self.token: str = workshop["facilitator_token"]
        self.board_id: str = board["id"]
        self.ids = ids


async def setup(http: Http, served: Served) -> Setup:
    organiser = await organiser_token(served.ctx, "Ana")
    await http.post(
        "/api/programmes",
        {"title": "Cities 2026", "programme_id": "cities", "targets": {"practices_documented": 3}},
        organiser,
    )
    created = await http.post(
        "/api/workshops",
        {"title": "Ideation", "kind": "ideation", "programme": "cities", "facilitator_name": "Ana"},
        organiser,
    )
    token = created["facilitator_token"]
    board = await http.post(
        f"/api/workshops/{created['id']}/boards", {"title": "Breakout A"}, token
    )
    invite = await http.post(
        f"/api/workshops/{created['id']}/invites", {"role": "participant", "name": "Ben"}, token
    )
    commands: list[dict[str, Any]] = [
        {"type": "note.add", "note_id": "note-selected-1", "text": NOTE, "x": 0, "y": 0},
        {"type": "note.add", "note_id": "note-parked-1", "text": OTHER, "x": 300, "y": 0},
        {"type": "phase.change", "phase": "decide"},
        {
            "type": "decision.record",
            "decision_id": "decision-selected-1",
            "item_id": "note-selected-1",
            "outcome": "select",
            "rationale": "Parents asked for it first",
        },
        {
            "type": "decision.record",
            "decision_id": "decision-parked-1",
            "item_id": "note-parked-1",
            "outcome": "park",
            "rationale": "Later",
        },
    ]
    for n, command in enumerate(commands):
        await http.post(
            f"/api/boards/{board['id']}/commands",
            {"command_id": f"setup-{n}", "command": command},
            token,
        )
    you = (await http.get(f"/api/workshops/{created['id']}", token))["you"]["id"]
    ids = {
        "facilitator": you,
        "participant": invite["actor_id"],
        "board": board["id"],
        "workshop": created["id"],
        "selected": "decision-selected-1",
        "parked": "decision-parked-1",
    }
    return Setup(created, board, ids)


class Opened:
    """A page and the script and console errors it has shown so far."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors = errors_of(page)


async def open_page(browser: Browser, url: str) -> Opened:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(8000)
    opened = Opened(page)
    await page.goto(url)
    return opened


async def press(locator: Locator, key: str = "Enter") -> None:
    """Reach ``locator`` by focus and press ``key`` on it, as a keyboard user would."""
    await locator.focus()
    await expect(locator).to_be_focused()
    await locator.press(key)


async def test_a_facilitator_runs_a_track_from_a_decision_to_its_presentation(
    browser: Browser, served: Served, http: Http
) -> None:
    s = await setup(http, served)
    opened = await open_page(browser, f"{served.base_url}/w/{s.id}#token={s.token}")
    page = opened.page

    # The decision log offers a track for the selected decision only.
    selected = page.locator(f'#decision-log [data-decision="{s.ids["selected"]}"]')
    parked = page.locator(f'#decision-log [data-decision="{s.ids["parked"]}"]')
    await expect(
        selected.get_by_role("button", name=re.compile("Start a solution track"))
    ).to_be_visible()
    await expect(parked.locator(".track-control")).to_have_count(0)
    start = selected.get_by_role("button", name=re.compile("Start a solution track"))
    await start.click()
    title = selected.get_by_label("Track title")
    await expect(title).to_be_focused()
    await page.keyboard.press("Escape")  # closes the form, as Cancel does
    await expect(title).to_be_hidden()
    await expect(start).to_be_focused()
    await start.press("Enter")
    await expect(title).to_be_focused()
    await expect(title).to_have_value(NOTE)  # prefilled from the decision
    await title.fill("Safe routes: walking buses")
    await selected.get_by_label("Summary (optional)").fill("Parents walk children in turns")
    await selected.get_by_role("button", name="Start track").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Safe routes: walking buses")
    assert "track=" in page.url
    assert "token=" not in page.url
    track_id = page.url.split("track=")[1]
    await expect(page.locator("#track-facts")).to_contain_text(f"“{NOTE}”")

    # Plan a sprint, by keyboard; a period that ends before it starts is refused inline.
    forms = page.locator("#track-forms")
    await press(forms.locator("#sprint-box > summary"))
    sprint = page.locator("#sprint-form")
    # Every field of the form lies inside its card: the two dates never push it wider.
    outside = await page.evaluate(
        """() => {
          const card = document.getElementById("track-forms").getBoundingClientRect();
          return [...document.querySelectorAll("#sprint-form textarea, #sprint-form input")]
            .filter((field) => field.getBoundingClientRect().right > card.right + 0.5)
            .map((field) => field.id);
        }"""
    )
    assert outside == []
    await sprint.get_by_label("Goal").fill("Map the three most used routes")
    await sprint.get_by_label("Starts on").fill("2026-10-16")
    await sprint.get_by_label("Ends on").fill("2026-10-05")
    await press(sprint.get_by_role("button", name="Plan sprint"))
    await expect(page.locator("#sprint-error")).to_have_text(
        "A period ends on or after the day it starts."
    )
    await sprint.get_by_label("Starts on").fill("2026-10-05")
    await sprint.get_by_label("Ends on").fill("2026-10-16")
    await press(sprint.get_by_role("button", name="Plan sprint"))
    await expect(page.locator("#sprint-done-msg")).to_have_text("Sprint planned.")
    await expect(page.locator("#sprint-error")).to_be_hidden()
    await expect(page.locator("#sprints .sprint h3")).to_have_text(
        "Sprint 1: Map the three most used routes"
    )

    # A sprint update (done, next, blockers, status), by keyboard.
    update = page.locator("#update-form")
    await expect(update.get_by_label("Sprint")).to_have_value(re.compile(".+"))
    await update.get_by_label("Status").select_option("at_risk")
    await update.get_by_label("Done since the last update").fill("Walked two routes")
    await update.get_by_label("Next").fill("Count crossings")
    await update.get_by_label("Blockers").fill("Rain")
    await press(update.get_by_role("button", name="Post update"))
    await expect(page.locator("#update-done-msg")).to_have_text("Update posted to Sprint 1.")
    await expect(page.locator("#sprints .update")).to_contain_text("Count crossings")

    # An assessment with two criteria (the second row added by keyboard).
    await forms.locator("#assessment-box > summary").click()
    assessment = page.locator("#assessment-form")
    await assessment.get_by_label("Assessed").select_option(index=1)
    await assessment.get_by_label("Criterion", exact=True).first.fill("Reach")
    await assessment.get_by_label("Score").first.select_option("4")
    await press(assessment.get_by_role("button", name="Add a criterion"), " ")
    await expect(assessment.get_by_label("Criterion", exact=True).nth(1)).to_be_focused()
    await page.keyboard.type("Cost")
    await assessment.get_by_label("Score").nth(1).select_option("2")
    await assessment.get_by_label("Summary").fill("Promising, but costly")
    await assessment.get_by_role("button", name="Record assessment").click()
    await expect(page.locator("#assessment-done-msg")).to_have_text("Assessment recorded.")
    await expect(page.locator("#assessments .criteria tbody tr")).to_have_count(2)

    # A validation with two stakeholder groups, then their verdict.
    await forms.locator("#validation-box > summary").click()
    validation = page.locator("#validation-form")
    await validation.get_by_label("Method").fill("Street survey")
    await validation.get_by_label("Stakeholder groups").fill("Parents\nShop owners\n")
    await validation.get_by_label("Starts on").fill("2026-11-02")
    await validation.get_by_label("Ends on").fill("2026-11-13")
    await validation.get_by_role("button", name="Plan validation").click()
    await expect(page.locator("#validation-done-msg")).to_have_text("Validation planned.")
    await expect(page.locator("#validations .stakeholders li")).to_have_text(
        ["Parents", "Shop owners"]
    )
    await press(forms.locator("#result-box > summary"))
    verdict = page.locator("#result-form")
    await verdict.get_by_label("Verdict of the stakeholders").select_option("validated")
    await verdict.get_by_label("Verdict of Parents").select_option("validated")
    shops = verdict.get_by_label("Verdict of Shop owners")
    await shops.focus()  # by keyboard: the select's arrows, then Tab to its note
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await expect(shops).to_have_value("needs_changes")
    await page.keyboard.press("Tab")
    await expect(verdict.get_by_label("Note from Shop owners")).to_be_focused()
    await page.keyboard.type("Deliveries need the kerb")
    await assert_accessible(page)  # with a row of fields per stakeholder group
    await verdict.get_by_label("Findings").fill("Both groups back it")
    await press(verdict.get_by_role("button", name="Record verdict"))
    await expect(page.locator("#validations .badge.verdict")).to_have_text("Validated")
    await expect(page.locator("#validations .group-result")).to_have_text(
        ["Parents: Validated", "Shop owners: Needs changes — Deliveries need the kerb"]
    )

    # A structured good practice.
    await forms.locator("#practice-box > summary").click()
    practice = page.locator("#practice-form")
    await practice.get_by_label("Title").fill("Walk the route together")
    await practice.get_by_label("Context").fill("Parents distrusted traffic counts")
    await practice.get_by_label("What was done").fill("Parents and engineers walked each route")
    await practice.get_by_label("Result").fill("Three crossings moved")
    await practice.get_by_label("What others can reuse").fill("Walk first, count later")
    await practice.get_by_role("button", name="Document practice").click()
    await expect(page.locator("#practice-done-msg")).to_have_text(
        "Good practice documented: Walk the route together."
    )
    await expect(page.locator("#practices .practice-parts dt")).to_have_text(
        ["Context", "What was done", "Result", "What others can reuse"]
    )
    await expect(page.locator("#practices .practice-parts dd").last).to_have_text(
        "Walk first, count later"
    )

    # The final presentation (facilitators only), after which its form goes.
    await forms.locator("#presentation-box > summary").click()
    shown = page.locator("#presentation-form")
    await shown.get_by_label("Presented on").fill("2026-12-04")
    await shown.get_by_label("Summary").fill("Walking buses for three schools")
    await shown.get_by_label(re.compile("Link to the slides")).fill("https://example.org/slides")
    await shown.get_by_role("button", name="Record presentation").click()
    await expect(page.locator("#presentation")).to_contain_text("Walking buses for three schools")
    await expect(page.locator("#presentation-box")).to_be_hidden()
    await expect(page.locator("#track-facts .badge.status")).to_have_text("Presented")

    # The timeline names people, the decision, its board and the sprint; it shows no id.
    timeline = page.locator("#timeline li")
    await expect(timeline).to_have_count(8)
    await expect(timeline.first).to_contain_text(f"“{NOTE}” on Breakout A")
    await expect(timeline.nth(1)).to_contain_text("Sprint “Map the three most used routes”")
    await expect(timeline.nth(2)).to_contain_text(
        "Update on sprint “Map the three most used routes”: at risk"
    )
    await expect(timeline.nth(4)).to_contain_text(
        "Validation “Street survey” planned with 2 stakeholder groups"
    )
    await expect(timeline.nth(5)).to_contain_text(
        "Validation “Street survey”: validated (Parents: validated, Shop owners: needs changes)"
    )
    await expect(page.locator("#timeline .timeline-who")).to_have_text(["by Ana (you)"] * 8)
    text = await page.locator("#timeline").inner_text()
    track = await http.get(f"/api/tracks/{track_id}", s.token)
    minted = [track_id, track["sprints"][0]["id"], track["validations"][0]["id"]]
    for raw in [*s.ids.values(), *minted]:
        assert raw not in text, f"the timeline shows the id {raw!r}"
    await assert_accessible(page)

    # Back on the workshop page: the decision links to its track, and the chart counts.
    await page.locator("#track-view .back").click()
    link = selected.get_by_role("link", name="Solution track: Safe routes: walking buses")
    await expect(link).to_be_visible()
    await expect(selected.get_by_role("button", name=re.compile("Start a solution"))).to_have_count(
        0
    )
    outcomes = page.locator("#outcomes .outcome")
    await expect(outcomes.locator(".outcome-value")).to_have_text(
        ["0 / 5", "0 / 2", "1 / 1", "1 / 3"]
    )
    await expect(outcomes.locator(".badge.met")).to_have_text(
        ["Not met yet", "Not met yet", "Met", "Not met yet"]
    )
    practices = page.get_by_role("progressbar", name="Good practices documented")
    await expect(practices).to_have_attribute("aria-valuetext", "1 of 3, not met yet")
    developed = page.get_by_role("progressbar", name="Ideas chosen and developed")
    await expect(developed).to_have_attribute("aria-valuetext", "1 of 1, met")
    await assert_accessible(page)
    # Chromium logs every refused request; the one refusal was the sprint's dates, on purpose.
    assert opened.errors == [REFUSED]


async def test_a_track_starts_from_the_trace_by_keyboard_and_a_participant_gets_no_button(
    browser: Browser, served: Served, http: Http
) -> None:
    s = await setup(http, served)
    trace = f"/w/{s.id}?board={s.board_id}&trace={s.ids['selected']}"
    opened = await open_page(browser, f"{served.base_url}{trace}#token={s.token}")
    page = opened.page
    start = page.locator("#trace-track").get_by_role("button", name=re.compile("Start a solution"))
    await press(start)
    await expect(page.get_by_label("Track title")).to_be_focused()
    await expect(page.get_by_label("Track title")).to_have_value(NOTE)
    await page.keyboard.press("Enter")  # submits the form from its title
    await expect(page.get_by_role("heading", level=1)).to_have_text(NOTE)
    await page.go_back()
    await expect(page.locator("#trace-track").get_by_role("link")).to_have_text(
        f"Solution track: {NOTE}"
    )
    await assert_accessible(page)
    assert not opened.errors

    # A participant may not start a track (docs/roles.md): no button, but the link.
    invite = await http.post(
        f"/api/workshops/{s.id}/invites", {"role": "participant", "name": "Cleo"}, s.token
    )
    other = await open_page(browser, f"{served.base_url}/w/{s.id}#token={invite['token']}")
    await other.page.get_by_label("Your name").fill("Cleo")  # an invite link asks who you are
    await other.page.get_by_role("button", name="Join the workshop").click()
    card = other.page.locator(f'#decision-log [data-decision="{s.ids["selected"]}"]')
    await expect(card.get_by_role("link", name=f"Solution track: {NOTE}")).to_be_visible()
    await expect(
        other.page.get_by_role("button", name=re.compile("Start a solution"))
    ).to_have_count(0)
    assert not other.errors
