"""The workshop page in Chromium against a real Plenary seeded with the demo programme: board
cards that follow the boards live, the decision log, a decision traced back to the breakout
board it came from, a solution track taking a participant's sprint update, and the
programme's outcome tracker."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from domain.actor import Actor
from domain.types import WorkshopRole
from service.tools import demo
from tests.service.people import session_token
from tests.web.accessibility import assert_accessible
from tests.web.conftest import Http, Served

pytestmark = pytest.mark.browser

PLENARY = demo.BOARD_ID
TRUST = "demo-group-trust"
TRUST_MEMBERS = next(g for g in demo.GROUPS if g.key == "trust").members
EVERY_MEMBER = [name for g in demo.GROUPS for name in g.members]


@pytest.fixture
async def seeded(served: Served) -> demo.Demo:
    return await demo.seed(served.ctx)


def token_for(served: Served, who: Actor) -> str:
    """A personal link's token for ``who``, a person of the demo workshop."""
    return served.ctx.auth.token(served.ctx.auth.claims("link", who, demo.WORKSHOP_ID))


def role_claims(name: str, role: WorkshopRole) -> Actor:
    """A demo person who joined the workshop in ``role`` (the observer, the auditor)."""
    return demo.person(name, role)


class Opened:
    """A workshop page in its own context, and the script errors it has thrown so far."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def rows(self, kind: str) -> Locator:
        """The trace's rows of one event type."""
        return self.page.locator(f'#trace-entries tbody tr[data-type="{kind}"]')


async def open_workshop(browser: Browser, served: Served, token: str) -> Opened:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(8000)
    opened = Opened(page)
    await page.goto(f"{served.base_url}/w/{demo.WORKSHOP_ID}#token={token}")
    return opened


async def test_the_facilitator_sees_every_board_live_and_the_decision_log(
    browser: Browser, served: Served, seeded: demo.Demo, http: Http
) -> None:
    token = token_for(served, seeded.facilitator)
    opened = await open_workshop(browser, served, token)
    page = opened.page
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Challenges workshop: what our cities struggle with"
    )
    cards = page.locator("#boards .board-card")
    await expect(cards).to_have_count(5)
    await expect(cards.locator(".badge.phase")).to_have_text(["Phase: Decide"] * 5)
    trust = page.locator(f'#boards .board-card[data-board="{TRUST}"]')
    await expect(trust).to_contain_text("5 members")
    await expect(trust).to_contain_text("Pseudonyms")
    await expect(trust.locator(".counts dd")).to_have_text(["5", "2", "1", "1"])
    plenary = page.locator(f'#boards .board-card[data-board="{PLENARY}"]')
    await expect(plenary.locator(".counts dd")).to_have_text(["12", "4", "1", "2"])
    link = plenary.get_by_role("link", name="Plenary: our cities' challenges")
    # The card links to the board with this tab's session (a fragment: never sent anywhere).
    await expect(link).to_have_attribute("href", re.compile(rf"^/b/{PLENARY}#token=[\w.-]+$"))
    assert "token=" not in page.url

    await expect(page.locator("#agenda li")).to_have_count(5)
    await expect(page.locator("#agenda-total")).to_contain_text("120 minutes")
    await expect(page.locator("#people-by-role")).to_contain_text("Participants (20)")

    log = page.locator("#decision-log .decision-card")
    await expect(log).to_have_count(6)  # one per breakout group, and the plenary's two
    plenary_log = page.locator(f'#decision-log .decision-card[data-board="{PLENARY}"]')
    await expect(plenary_log.locator("h3")).to_have_text(
        ["Who takes part", "Services people can use"]
    )
    await expect(plenary_log.locator(".badge.outcome")).to_have_text(["Selected", "Parked"])
    selected = plenary_log.first
    await expect(selected).to_contain_text("40 dots, rank 1 of 4")
    await expect(selected).to_contain_text("Migrant residents are missing from every workshop")
    await expect(selected.get_by_role("link", name="Trace")).to_be_visible()

    # The cards follow the boards: a phase changed elsewhere shows within a refresh.
    await http.post(
        f"/api/boards/{PLENARY}/commands",
        {"command_id": "test-phase-back", "command": {"type": "phase.change", "phase": "discuss"}},
        session_token(served.ctx, seeded.facilitator, demo.WORKSHOP_ID),
    )
    await expect(plenary.locator(".badge.phase")).to_have_text("Phase: Discuss", timeout=8000)
    assert not opened.errors


async def test_a_plenary_decision_is_traced_to_the_breakout_board_it_came_from(
    browser: Browser, served: Served, seeded: demo.Demo
) -> None:
    auditor = token_for(served, role_claims("Tomás (auditor)", "auditor"))
    opened = await open_workshop(browser, served, auditor)
    page = opened.page
    card = page.locator('#decision-log .decision-card[data-decision="demo-plenary-select"]')
    await card.get_by_role("link", name="Trace").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Trace: Who takes part")
    assert f"board={PLENARY}" in page.url
    assert "trace=demo-plenary-select" in page.url
    assert "token=" not in page.url
    for kind in ("items.promoted", "vote.opened", "vote.closed", "decision.recorded"):
        await expect(opened.rows(kind)).to_have_count(1)
    await expect(opened.rows("vote.cast")).to_have_count(60)
    await expect(opened.rows("items.promoted")).to_contain_text("Group: Participation and trust")
    decision = opened.rows("decision.recorded")
    await expect(decision).to_contain_text("Ana (host)")  # the facilitator, by name
    short = decision.locator("td.hash code")
    full = await short.get_attribute("title")
    assert full is not None
    assert re.fullmatch("[0-9a-f]{64}", full)
    assert full.startswith(await short.inner_text())
    assert await short.inner_text() != full
    # Whole hashes without a mouse: "Full hashes" is ticked from the keyboard.
    await page.get_by_label("Full hashes").focus()
    await page.keyboard.press("Space")
    await expect(short.locator(".short")).to_be_hidden()
    assert await short.inner_text() == full  # what is shown: the whole hash, once
    cast = opened.rows("vote.cast").first.locator("td.hash code")
    assert re.fullmatch("[0-9a-f]{64}", await cast.inner_text())
    await assert_accessible(page)  # the trace with every hash whole

    await page.get_by_role("link", name="Follow to the first board").click()
    await expect(page.locator("#trace-facts")).to_contain_text("Group: Participation and trust")
    assert f"board={TRUST}" in page.url
    notes = opened.rows("note.added")
    await expect(notes).to_have_count(3)
    await expect(notes.first).to_contain_text("Consultations attract the same 40 people")
    await expect(opened.rows("vote.closed")).to_have_count(1)
    await expect(page.locator("#trace-origin")).to_be_hidden()  # the first board: no origin
    shown = await page.locator("#trace-view").inner_text()
    assert "Pseudonym" in shown
    for name in EVERY_MEMBER:
        assert name not in shown, f"{name} is named on a pseudonymous board's trace"
    for first_name in (name.split(" ")[0] for name in TRUST_MEMBERS):
        assert not re.search(rf"\b{first_name}\b", shown), first_name

    await page.go_back()
    await expect(page.locator("#trace-facts")).to_contain_text("Plenary: our cities' challenges")
    # On a phone the wide table scrolls in its own box; the page keeps the screen's width.
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not opened.errors


async def test_a_participant_reads_the_track_and_posts_a_sprint_update(
    browser: Browser, served: Served, seeded: demo.Demo
) -> None:
    opened = await open_workshop(browser, served, token_for(served, seeded.participant))
    page = opened.page
    await page.locator("#tracks").get_by_role("link", name="Who takes part").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who takes part: reaching the residents our workshops miss"
    )
    assert f"track={demo.TRACK_ID}" in page.url
    sprints = page.locator("#sprints .sprint")
    await expect(sprints).to_have_count(2)
    await expect(sprints.locator(".badge.sprint-state")).to_have_text(["Closed", "Open"])
    await expect(page.locator("#validations .badge.verdict")).to_have_text("Validated")
    await expect(page.locator("#validations")).to_contain_text("Migrant associations")
    await expect(page.locator("#practices li")).to_have_count(2)
    timeline = page.locator("#timeline li")
    await expect(timeline).to_have_count(13)

    form = page.locator("#update-form")
    # Only the open sprint takes an update; a blocked one must say what blocks it.
    await expect(form.get_by_label("Sprint")).to_have_value("sprint-2")
    await expect(form.get_by_label("Sprint").locator("option")).to_have_count(1)
    await form.get_by_label("Status").select_option("blocked")
    await form.get_by_label("Blockers").fill("   ")
    await form.get_by_role("button", name="Post update").click()
    await expect(page.locator("#update-error")).to_have_text(
        "A blocked sprint says what blocks it."
    )
    await expect(timeline).to_have_count(13)

    await form.get_by_label("Status").select_option("at_risk")
    await form.get_by_label("Done since the last update").fill("Two more pop-up sessions")
    await form.get_by_label("Next").fill("Train volunteers in two languages")
    await form.get_by_label("Blockers").fill("The library closes in August")
    await form.get_by_role("button", name="Post update").click()
    await expect(page.locator("#update-done-msg")).to_have_text("Update posted to Sprint 2.")
    await expect(page.locator("#update-error")).to_be_hidden()
    await expect(timeline).to_have_count(14)
    await expect(timeline.last).to_contain_text(
        "Update on sprint “Pilot pop-up sessions in three neighbourhoods”: at risk"
    )
    await expect(timeline.last.locator(".timeline-who")).to_have_text("by Marta (Lisbon) (you)")
    await expect(sprints.nth(1).locator(".update").last).to_contain_text("The library closes")
    assert not opened.errors


async def test_the_outcome_tracker_counts_the_demo_programme(
    browser: Browser, served: Served, seeded: demo.Demo
) -> None:
    observer = token_for(served, role_claims("Hanna (observer, Tampere)", "observer"))
    opened = await open_workshop(browser, served, observer)
    page = opened.page
    outcomes = page.locator("#outcomes .outcome")
    await expect(outcomes).to_have_count(4)
    expected = [
        ("Initiatives identified", "6 / 5", "6 of 5, met", "Met"),
        ("Ideas presented", "0 / 2", "0 of 2, not met yet", "Not met yet"),
        ("Ideas chosen and developed", "1 / 1", "1 of 1, met", "Met"),
        ("Good practices documented", "2 / 5", "2 of 5, not met yet", "Not met yet"),
    ]
    await expect(outcomes.locator(".outcome-value")).to_have_text([e[1] for e in expected])
    await expect(outcomes.locator(".badge.met")).to_have_text([e[3] for e in expected])
    for label, _value, said, _met in expected:
        bar = page.get_by_role("progressbar", name=label)
        await expect(bar).to_have_attribute("aria-valuetext", said)
    initiatives = page.get_by_role("progressbar", name="Initiatives identified")
    await expect(initiatives).to_have_accessible_description(re.compile("initiatives workshops"))
    workshops = page.locator("#programme-workshops li")
    await expect(workshops).to_have_count(2)
    await expect(workshops.first).to_contain_text("Initiatives workshop: what already works")
    await expect(workshops.last).to_contain_text("(this workshop)")

    # An observer follows along: the track page offers them no form.
    await page.locator("#tracks").get_by_role("link", name="Who takes part").click()
    await expect(page.locator("#sprints .sprint")).to_have_count(2)
    await expect(page.get_by_role("button", name="Post update")).to_have_count(0)
    assert not opened.errors
