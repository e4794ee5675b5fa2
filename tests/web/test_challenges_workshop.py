"""A challenges workshop run end to end in Chromium, with no call to the API outside the pages:
an organiser creates it from its template with four breakout groups, invites four people who
join from their links in browser contexts of their own, and runs every group at once through
private writing, the reveal, clustering and a hidden dot vote; each group records its decision,
the facilitator brings the groups' choices into the plenary (laid out without overlap), the
plenary votes and decides, and a solution track starts from that decision with a sprint update
and a good practice. axe-core finds nothing critical or serious on any page visited, and no
page logs an error.

``PLENARY_SCREENSHOTS=DIR`` keeps screenshots of the console, the plenary after promotion and
the track page in DIR (``make screenshots`` writes those in ``docs/``)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.web.accessibility import blocking_violations
from tests.web.conftest import Served, wait_for
from tests.web.organiser import signed_in
from tests.web.watched import errors_of, overlapping_items

pytestmark = pytest.mark.browser

PEOPLE = ("Amira", "Bruno", "Chiara", "Dmitri")
"""One participant per breakout group: Group 1 … Group 4."""
CHALLENGES = {
    "Amira": ("Heat islands in dense districts", "No shade at tram stops"),
    "Bruno": ("Vacant shops on the high street", "Rents rise faster than wages"),
    "Chiara": ("Flooded underpasses after storms", "Drains blocked by leaves"),
    "Dmitri": ("Older people alone at home", "Too few community rooms"),
}
THEMES = {"Amira": "Heat", "Bruno": "High streets", "Chiara": "Water", "Dmitri": "Loneliness"}
SLOW = 15_000
"""Milliseconds for what a page learns by polling (people joining, presence)."""


class Pages:
    """Every page of the run, each with the errors its script and console reported, and the
    pages axe-core has checked, by name."""

    def __init__(self, browser: Browser, screenshots: Path) -> None:
        self.browser = browser
        self.screenshots = screenshots
        self.errors: dict[str, list[str]] = {}
        self.checked: dict[str, list[str]] = {}

    def watch(self, page: Page, name: str) -> Page:
        self.errors[name] = errors_of(page)
        page.set_default_timeout(10_000)
        return page

    async def new(self, name: str) -> Page:
        context = await self.browser.new_context(viewport={"width": 1400, "height": 950})
        return self.watch(await context.new_page(), name)

    async def axe(self, page: Page, name: str) -> None:
        """Check ``page`` with axe-core once per kind of page; the findings by name."""
        if name not in self.checked:
            self.checked[name] = await blocking_violations(page)

    async def shot(self, page: Page, name: str) -> None:
        await page.screenshot(path=str(self.screenshots / name), full_page=False)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PLENARY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def live(page: Page) -> None:
    await wait_for(page, "window.plenary && window.plenary.status() === 'live'", 12.0)


async def href(page: Page, link: Locator) -> str:
    """Where ``link`` leads, as a whole URL."""
    found = await link.get_attribute("href")
    assert found
    return urljoin(page.url, found)


async def create_workshop(pages: Pages, served: Served) -> Page:
    """The organiser's home page: a challenges workshop from its template, 4 breakouts."""
    page, errors, _ = await signed_in(pages.browser, served, "Oda")
    pages.errors["home"] = errors
    page.set_default_timeout(10_000)
    await expect(page.get_by_role("heading", name="Your programmes")).to_be_visible()
    await pages.axe(page, "home")
    await page.locator("#new-workshop-title").fill("Shared city challenges")
    await page.get_by_label("Template").select_option("challenges")
    await expect(page.locator("#new-workshop-preview")).to_contain_text(
        "A plenary board and 4 breakout boards"
    )
    await page.get_by_label("Breakout groups (0–4)").fill("4")
    await page.get_by_role("button", name="Create workshop").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Shared city challenges")
    await expect(page.locator("#boards .board-card")).to_have_count(5)
    await expect(page.locator("#console")).to_be_visible()
    await pages.axe(page, "workshop (facilitator)")
    return page


async def invite_and_join(pages: Pages, host: Page) -> dict[str, Page]:
    """An invite per person from the console; each joins from their link in their own context
    and is put in their group (two by dragging, two by keyboard)."""
    links = {}
    for name in PEOPLE:
        await host.select_option("#invite-role", "participant")
        await host.fill("#invite-name", name)
        before = await host.locator("#invite-link").input_value()
        await host.get_by_role("button", name="Create invite link").click()
        await expect(host.locator("#invite-link")).not_to_have_value(before)
        links[name] = await host.locator("#invite-link").input_value()
        await expect(host.locator("#invite-qr")).to_be_visible()
    people = {}
    for name in PEOPLE:
        page = await pages.new(f"participant {name}")
        await page.goto(links[name])
        await expect(page.get_by_label("Your name")).to_be_visible()
        await pages.axe(page, "join")
        await page.get_by_label("Your name").fill(name)
        await page.get_by_label("Organisation (optional)").fill(f"City of {name}")
        await page.get_by_role("button", name="Join the workshop").click()
        await expect(page.locator("#workshop-title")).to_be_visible()
        await pages.axe(page, "workshop (participant)")
        people[name] = page
    rows = host.locator("#people-table tbody tr")
    for number, name in enumerate(PEOPLE, start=1):
        await expect(rows.filter(has_text=name)).to_have_count(1, timeout=SLOW)
        group = f"Group {number}"
        if number % 2:
            column = host.locator(".group-column", has=host.get_by_role("heading", name=group))
            await host.locator(".person-chip", has_text=name).drag_to(column)
        else:
            select = host.get_by_label(f"Group of {name}")
            await select.focus()
            await select.select_option(label=group)
        await expect(host.locator("#assign-status")).to_have_text(f"{name} is now in {group}.")
        column = host.locator(".group-column", has=host.get_by_role("heading", name=group))
        await expect(column.locator(".person-chip")).to_have_text([name])  # redrawn
    return people


async def to_group_boards(people: dict[str, Page]) -> None:
    """Each participant opens their group's board from the workshop page."""
    for number, name in enumerate(PEOPLE, start=1):
        page = people[name]
        await page.get_by_role("link", name=f"Group {number}", exact=True).click()
        await live(page)
        await expect(page.locator("#board-prompt")).to_contain_text("What challenge")


async def for_all(host: Page, button: str, said: str) -> None:
    """Press a console button and wait for the console to say every group did ``said``."""
    await host.get_by_role("button", name=button).click()
    await expect(host.locator("#console-status")).to_contain_text(f"Every group: {said}")


async def move_all(host: Page, phase: str, shown: str) -> None:
    await host.select_option("#all-phase", phase)
    await for_all(host, "Move every group", f"moved to {shown}")


async def add_note(page: Page, text: str) -> None:
    await page.get_by_label("New note").fill(text)
    await page.get_by_role("button", name="Add note").click()
    await expect(page.locator("#canvas .note", has_text=text)).to_be_visible()


async def drag_into(page: Page, note: Locator, cluster: Locator) -> None:
    target, start = await cluster.bounding_box(), await note.bounding_box()
    assert target is not None
    assert start is not None
    await page.mouse.move(start["x"] + 30, start["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(target["x"] + 60, target["y"] + 90, steps=10)
    await page.mouse.up()
    await expect(note).to_have_attribute(
        "data-cluster", await cluster.get_attribute("data-id") or ""
    )


async def open_hidden_round(host: Page) -> None:
    await host.get_by_label("Vote on").select_option("clusters")
    await expect(host.locator("#vote-hide")).to_be_checked()  # the template's default
    await host.get_by_role("button", name="Open round").click()
    await expect(host.locator("#rounds")).to_contain_text("Tallies are hidden")


async def record_decision(host: Page, item: str, rationale: str) -> None:
    await host.get_by_label("Item").select_option(label=item)
    await host.get_by_label("Outcome").select_option("select")
    await host.get_by_label("Rationale").fill(rationale)
    await host.get_by_role("button", name="Record decision").click()
    await expect(host.locator("#decisions .decision", has_text=item)).to_contain_text("Selected")


async def test_a_challenges_workshop_runs_from_the_browser_alone(
    browser: Browser, served: Served, screenshots: Path
) -> None:
    pages = Pages(browser, screenshots)
    host = await create_workshop(pages, served)
    workshop_url = host.url
    boards = {}
    for number in range(1, 5):
        boards[number] = await href(
            host, host.get_by_role("link", name=f"Group {number}", exact=True)
        )
    plenary_url = await href(host, host.get_by_role("link", name="Plenary", exact=True))
    people = await invite_and_join(pages, host)
    await to_group_boards(people)

    # Private writing in every group at once; nobody sees another's notes until the reveal.
    await for_all(host, "Start private writing for all", "private writing started")
    for name, page in people.items():
        await expect(page.get_by_text("Your notes are private until")).to_be_visible()
        for text in CHALLENGES[name]:
            await add_note(page, text)
    await pages.axe(people["Amira"], "board (participant)")
    await host.goto(boards[1])
    await live(host)
    await expect(host.locator("#canvas .note", has_text=CHALLENGES["Amira"][0])).to_have_count(0)
    await host.goto(workshop_url)
    await for_all(host, "Reveal for all", "notes revealed")
    await host.goto(boards[1])
    await live(host)
    await expect(host.locator("#canvas .note", has_text=CHALLENGES["Amira"][0])).to_be_visible()
    await pages.axe(host, "board (facilitator)")

    # Clustering: every group in the cluster phase; each person names a theme, drags notes in.
    await host.goto(workshop_url)
    await move_all(host, "cluster", "Cluster")
    in_cluster = host.locator('#boards .board-card[data-phase="cluster"]')
    await expect(in_cluster).to_have_count(4, timeout=SLOW)  # the cards follow
    await pages.shot(host, "console.png")
    for name, page in people.items():
        await wait_for(page, "window.plenary.view().phase === 'cluster'")
        await page.get_by_label("New cluster").fill(THEMES[name])
        await page.get_by_role("button", name="Add cluster").click()
        cluster = page.locator("#canvas .cluster", has_text=THEMES[name])
        await expect(cluster).to_be_visible()
        for text in CHALLENGES[name]:
            await drag_into(page, page.locator("#canvas .note", has_text=text), cluster)

    # A hidden dot vote in every group, then each group's decision.
    await move_all(host, "vote", "Vote")
    for number, name in enumerate(PEOPLE, start=1):
        await host.goto(boards[number])
        await live(host)
        await open_hidden_round(host)
        dot = people[name].get_by_role("button", name=f"Put a dot on “{THEMES[name]}”")
        await dot.click()
        await dot.click()
        await expect(people[name].locator("#dots-left")).to_have_text("3 of 5 dots left")
        await host.get_by_role("button", name="Close round").click()
        await expect(host.locator("#rounds .round.closed .result").first).to_contain_text(
            THEMES[name]
        )
    await host.goto(workshop_url)
    await move_all(host, "decide", "Decide")
    for number, name in enumerate(PEOPLE, start=1):
        await host.goto(boards[number])
        await live(host)
        await record_decision(host, THEMES[name], f"Group {number} put its dots here")

    # The groups' choices into the plenary: each group's chosen cluster ticked, none overlapping.
    await host.goto(plenary_url)
    await live(host)
    await host.get_by_role("button", name="Show the groups' items").click()
    for number, name in enumerate(PEOPLE, start=1):
        group = host.get_by_role("group", name=f"Group {number}")
        await expect(group.get_by_role("checkbox", name=f"Cluster: {THEMES[name]}")).to_be_checked()
    # Each "selected" mark reads whole, on one line: the narrow panel never cuts it mid-word.
    lines = await host.locator(".promote .chosen").evaluate_all(
        """(marks) => marks.map((mark) => {
          const text = document.createRange();
          text.selectNodeContents(mark);
          return text.getClientRects().length;  // one box per line the text takes
        })"""
    )
    assert lines == [1] * len(PEOPLE)
    await host.get_by_role("button", name="Bring in the ticked items").click()
    await expect(host.locator("#canvas .cluster")).to_have_count(4)
    await expect(host.locator("#canvas .note")).to_have_count(8)
    assert await overlapping_items(host) == []
    for number, name in enumerate(PEOPLE, start=1):
        cluster = host.locator("#canvas .cluster", has_text=THEMES[name])
        await expect(cluster.locator(".group-tag")).to_have_text(f"Group {number}")
    await pages.shot(host, "plenary-promoted.png")
    await pages.axe(host, "plenary (facilitator)")

    # Everyone to the plenary; a hidden vote there, and the plenary's decision.
    await host.goto(workshop_url)
    await for_all(host, "Everyone to the plenary", "called to the plenary")
    for page in people.values():
        await page.locator("#gather-link").click()
        await live(page)
    await host.goto(plenary_url)
    await live(host)
    await host.get_by_role("button", name="Move to the vote phase").click()
    await open_hidden_round(host)
    for name, page in people.items():
        await expect(page.locator("#canvas .cluster")).to_have_count(4)
        await page.get_by_role("button", name=f"Put a dot on “{THEMES['Chiara']}”").click()
        if name != "Chiara":
            await page.get_by_role("button", name=f"Put a dot on “{THEMES[name]}”").click()
    await pages.axe(people["Bruno"], "plenary (participant)")
    await host.get_by_role("button", name="Close round").click()
    first = host.locator("#rounds .round.closed .result").first
    await expect(first).to_contain_text(THEMES["Chiara"])
    await expect(first).to_contain_text("#1")
    await host.get_by_role("button", name="Move to the discuss phase").click()
    await record_decision(host, THEMES["Chiara"], "Every city voted for it")

    # A solution track from the plenary's decision: a sprint, its update, a good practice.
    await host.get_by_role("link", name=f"Trace of the decision on “{THEMES['Chiara']}”").click()
    await pages.axe(host, "trace")
    await host.locator("#trace-track").get_by_role("button", name="Start a solution track").click()
    await expect(host.get_by_label("Track title")).to_have_value(THEMES["Chiara"])
    await host.get_by_label("Track title").fill("Storm-ready underpasses")
    await host.get_by_role("button", name="Start track").click()
    await expect(host.get_by_role("heading", level=1)).to_have_text("Storm-ready underpasses")
    await host.locator("#sprint-box > summary").click()
    sprint = host.locator("#sprint-form")
    await sprint.get_by_label("Goal").fill("Map every underpass that floods")
    await sprint.get_by_label("Starts on").fill("2027-01-11")
    await sprint.get_by_label("Ends on").fill("2027-01-22")
    await sprint.get_by_role("button", name="Plan sprint").click()
    await expect(host.locator("#sprint-done-msg")).to_have_text("Sprint planned.")
    update = host.locator("#update-form")
    await update.get_by_label("Status").select_option("on_track")
    await update.get_by_label("Done since the last update").fill("Mapped 14 underpasses")
    await update.get_by_label("Next").fill("Sensor in the worst three")
    await update.get_by_label("Blockers").fill("None")
    await update.get_by_role("button", name="Post update").click()
    await expect(host.locator("#update-done-msg")).to_have_text("Update posted to Sprint 1.")
    await host.locator("#practice-box > summary").click()
    practice = host.locator("#practice-form")
    await practice.get_by_label("Title").fill("Citizens report floods by photo")
    await practice.get_by_label("Context").fill("Nobody knew which underpasses flood first")
    await practice.get_by_label("What was done").fill("A photo form on the city's site")
    await practice.get_by_label("Result").fill("40 reports in the first storm")
    await practice.get_by_label("What others can reuse").fill("The form and its street map")
    await practice.get_by_role("button", name="Document practice").click()
    await expect(host.locator("#practice-done-msg")).to_contain_text("Good practice documented")
    await expect(host.locator("#timeline li")).to_have_count(4)
    await pages.axe(host, "track")
    await host.evaluate("window.scrollTo(0, 0)")
    await pages.shot(host, "track.png")

    blocking = {name: found for name, found in pages.checked.items() if found}
    assert not blocking, blocking
    assert set(pages.checked) >= {
        "home",
        "join",
        "workshop (facilitator)",
        "board (participant)",
        "board (facilitator)",
        "plenary (facilitator)",
        "trace",
        "track",
    }
    logged = {name: found for name, found in pages.errors.items() if found}
    assert not logged, logged
