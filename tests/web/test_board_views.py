"""The board's list and grid views in Chromium against a real Plenary: a participant on a
360 px phone reads the board as a list, adds, edits and deletes notes and votes; the
impact/effort grid takes items by drag and by keys and shows everyone's places live."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import assert_accessible
from tests.web.conftest import Workshop, open_board
from tests.web.watched import errors_of, watched

pytestmark = pytest.mark.browser

SETUP: list[dict[str, object]] = [
    {"type": "cluster.create", "cluster_id": "mob", "label": "Mobility", "x": 40, "y": 60},
    {"type": "cluster.create", "cluster_id": "hou", "label": "Housing", "x": 420, "y": 60},
    {"type": "note.add", "note_id": "n-bus", "text": "Buses every 20 minutes", "x": 60, "y": 110},
    {"type": "note.cluster", "note_id": "n-bus", "cluster_id": "mob"},
    {"type": "note.add", "note_id": "n-rent", "text": "Rents doubled", "x": 440, "y": 110},
    {"type": "note.cluster", "note_id": "n-rent", "cluster_id": "hou"},
    {"type": "note.add", "note_id": "n-park", "text": "More shade in the park", "x": 60, "y": 500},
]


PHONE = (360, 740)


async def given(workshop: Workshop, commands: list[dict[str, object]], tag: str) -> None:
    for index, command in enumerate(commands):
        await workshop.command(workshop.facilitator, command, f"{tag}-{index}")


async def page_width(page: Page) -> int:
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    return width


async def test_a_participant_on_a_phone_reads_writes_edits_and_votes_from_the_list(
    browser: Browser, workshop: Workshop
) -> None:
    await given(workshop, SETUP, "setup")
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    host_errors = errors_of(host)
    pia_url = workshop.board_url(await workshop.invite("participant", "Pia"))
    pia, errors = await watched(browser, pia_url, size=PHONE, touch=True)

    # The phone starts with the list: clusters in board order with their notes, then the rest.
    listed = pia.locator("#list-view")
    await expect(listed).to_be_visible()
    await expect(pia.locator("#viewport")).to_be_hidden()
    await expect(pia.get_by_role("button", name="List")).to_have_attribute("aria-pressed", "true")
    await expect(listed.locator("h3")).to_have_text(["Mobility", "Housing", "Not in a cluster"])
    mobility = listed.get_by_role("region", name="Mobility")
    await expect(mobility).to_contain_text("Buses every 20 minutes")
    await expect(listed.get_by_role("region", name="Not in a cluster")).to_contain_text(
        "More shade"
    )
    await expect(pia.get_by_role("button", name=re.compile("Edit note"))).to_have_count(0)
    assert await page_width(pia) <= 360

    # Add a note: it is listed as mine, and the facilitator's canvas shows it live.
    await pia.get_by_label("New note").fill("Cycle lanes stop at the bridge")
    await pia.get_by_role("button", name="Add note").tap()
    mine = listed.locator(".list-note", has_text="Cycle lanes stop at the bridge")
    await expect(mine).to_contain_text("You")
    canvas_note = host.locator("#canvas .note", has_text="Cycle lanes")
    await expect(canvas_note).to_be_visible()

    # Edit it by keyboard: Edit, type, Enter.
    await pia.get_by_role("button", name="Edit note “Cycle lanes stop at the bridge”").focus()
    await pia.keyboard.press("Enter")
    box = pia.get_by_label("Note text (Enter saves, Escape cancels)")
    await expect(box).to_be_focused()
    await box.fill("Cycle lanes stop at the old bridge")
    await box.press("Enter")
    await expect(canvas_note).to_have_text(re.compile("Cycle lanes stop at the old bridge"))
    await expect(
        pia.get_by_role("button", name="Edit note “Cycle lanes stop at the old bridge”")
    ).to_be_focused()

    # Vote: the facilitator opens a round; dots go on and come back by touch and by keys.
    await given(
        workshop,
        [
            {"type": "phase.change", "phase": "vote"},
            {
                "type": "vote.open",
                "round_id": "r1",
                "target": "clusters",
                "budget": 2,
                "per_item_max": 2,
                "hide_tallies": False,
            },
        ],
        "vote",
    )
    left = pia.locator("#list-dots")
    await expect(left).to_have_text("Voting on clusters: 2 of 2 dots left")
    await pia.get_by_role("button", name="Put a dot on “Mobility”").tap()
    await expect(left).to_have_text("Voting on clusters: 1 of 2 dots left")
    await pia.get_by_role("button", name="Put a dot on “Housing”").focus()
    await pia.keyboard.press("Enter")
    await expect(left).to_have_text("Voting on clusters: 0 of 2 dots left")
    await expect(mobility.locator(".list-head .my-dots")).to_have_text("1 dot yours")
    await expect(
        host.locator("#canvas .cluster", has_text="Mobility").locator(".tally")
    ).to_have_text("1 dot")
    await pia.get_by_role("button", name="Take a dot back from “Housing”").tap()
    await expect(left).to_have_text("Voting on clusters: 1 of 2 dots left")
    await expect(
        host.locator("#canvas .cluster", has_text="Housing").locator(".tally")
    ).to_have_text("0 dots")

    view = await workshop.view()
    assert [
        n["text"] for n in view["notes"].values() if n["author"] != view["notes"]["n-bus"]["author"]
    ] == ["Cycle lanes stop at the old bridge"]
    assert view["rounds"]["r1"]["tallies"] == {"mob": 1, "hou": 0}
    assert await page_width(pia) <= 360
    await assert_accessible(pia)

    # The grid fits the phone too, and takes an item from the keys.
    await pia.get_by_role("button", name="Grid").tap()
    await expect(pia.locator("#grid-plane")).to_be_visible()
    await expect(listed).to_be_hidden()
    await pia.locator("#grid-pool [data-id=mob]").focus()
    await pia.keyboard.press("Enter")
    await expect(pia.locator("#grid-placed")).to_contain_text("Mobility · impact 5, effort 5")
    assert await page_width(pia) <= 360
    await assert_accessible(pia)
    await pia.get_by_role("button", name="Canvas").tap()  # the canvas scrolls in its own box
    await expect(pia.locator("#viewport")).to_be_visible()
    assert await page_width(pia) <= 360
    assert errors == []
    assert host_errors == []


async def test_the_list_view_on_a_desktop_deletes_by_keyboard_and_follows_live_changes(
    browser: Browser, workshop: Workshop
) -> None:
    await given(workshop, SETUP, "setup")
    host = await open_board(browser, workshop.board_url(workshop.facilitator))
    errors = errors_of(host)
    await host.get_by_role("button", name="List").click()
    await expect(host.locator("#viewport")).to_be_hidden()
    listed = host.locator("#list-view")
    await expect(listed.locator("h3")).to_have_text(["Mobility", "Housing", "Not in a cluster"])

    # A change made elsewhere shows in the list: the park note joins Housing.
    await given(
        workshop, [{"type": "note.cluster", "note_id": "n-park", "cluster_id": "hou"}], "move"
    )
    await expect(listed.get_by_role("region", name="Housing")).to_contain_text("More shade")
    await expect(listed.locator("h3")).to_have_text(["Mobility", "Housing"])

    await host.get_by_role("button", name="Delete note “Rents doubled”").focus()
    await host.keyboard.press("Enter")
    await expect(listed.locator(".list-note", has_text="Rents doubled")).to_have_count(0)
    # Focus goes to the neighbour, not lost with the deleted note.
    await expect(
        host.get_by_role("button", name="Edit note “More shade in the park”")
    ).to_be_focused()
    await host.get_by_role("button", name="Canvas").click()
    await expect(host.locator("#viewport")).to_be_visible()
    await expect(listed).to_be_hidden()
    assert "n-rent" not in (await workshop.view())["notes"]
    await host.get_by_role("button", name="List").click()
    await assert_accessible(host)
    assert errors == []


async def test_an_observer_scrolls_a_long_list_and_grid_by_keyboard(
    browser: Browser, workshop: Workshop
) -> None:
    long = [
        {"type": "note.add", "note_id": f"n-{i}", "text": f"Idea {i}", "x": 40, "y": 60 + 140 * i}
        for i in range(24)
    ]
    await given(workshop, long, "long")
    url = workshop.board_url(await workshop.invite("observer", "Olga"))
    olga, errors = await watched(browser, url)
    await olga.get_by_role("button", name="List").click()
    listed = olga.locator("#list-view")
    await expect(listed.locator(".list-note")).to_have_count(24)
    # Nothing in it takes focus for an observer, so the list itself does: Tab reaches it and
    # the arrow keys scroll it (axe: scrollable-region-focusable).
    assert await listed.evaluate("e => e.scrollHeight > e.clientHeight")
    await olga.get_by_role("button", name="Grid").focus()
    await olga.keyboard.press("Tab")
    await expect(listed).to_be_focused()
    await assert_accessible(olga)
    # The grid likewise: an observer's items are no buttons, so the view takes focus itself.
    await olga.get_by_role("button", name="Grid").click()
    grid = olga.locator("#grid-view")
    await expect(grid.locator("#grid-pool li")).to_have_count(24)
    assert await grid.evaluate("e => e.scrollHeight > e.clientHeight")
    await olga.keyboard.press("Tab")
    await expect(grid).to_be_focused()
    await assert_accessible(olga)
    assert errors == []


async def test_a_long_unbroken_title_wraps_rather_than_widen_the_page(
    browser: Browser, workshop: Workshop
) -> None:
    title = "Mobilitätsverbesserungsmaßnahmenkatalog" * 5  # one 195-letter word
    board = await workshop.http.post(
        f"/api/workshops/{workshop.id}/boards", {"title": title}, workshop.facilitator
    )
    pia = await workshop.invite("participant", "Pia")
    board_page = f"{workshop.base_url}/b/{board['id']}#token={pia}"
    workshop_page = f"{workshop.base_url}/w/{workshop.id}#token={workshop.facilitator}"
    for size in (PHONE, (1280, 800)):
        page, errors = await watched(browser, board_page, size=size)
        await expect(page.locator("#title")).to_have_text(title)
        assert await page_width(page) <= size[0]
        page, errors = await watched(browser, workshop_page, size=size, live=False)
        await expect(page.locator("#boards")).to_contain_text(title)
        assert await page_width(page) <= size[0]
        assert errors == []


async def test_a_facilitators_board_on_a_phone_keeps_the_screens_width(
    browser: Browser, workshop: Workshop
) -> None:
    host, errors = await watched(browser, workshop.board_url(workshop.facilitator), size=PHONE)
    await expect(host.get_by_role("button", name="Start timer")).to_be_visible()
    assert await page_width(host) <= PHONE[0]
    assert errors == []


async def grid_events(workshop: Workshop, item_id: str) -> list[str]:
    """The grid events recorded for ``item_id``, oldest first, as "type impact effort"."""
    answer = await workshop.http.get(
        f"/api/boards/{workshop.board_id}/events?after=0", workshop.facilitator
    )
    found = []
    for rec in answer["events"]:
        data = rec["data"]
        if rec["type"].startswith("grid.") and data["item_id"] == item_id:
            found.append(f"{rec['type']} {data.get('impact', '')} {data.get('effort', '')}".strip())
    return found


async def test_the_grid_takes_items_by_drag_and_by_keys_and_shows_them_everywhere(
    browser: Browser, workshop: Workshop
) -> None:
    await given(workshop, [*SETUP, {"type": "phase.change", "phase": "vote"}], "setup")
    host, host_errors = await watched(browser, workshop.board_url(workshop.facilitator))
    pia_url = workshop.board_url(await workshop.invite("participant", "Pia"))
    pia, errors = await watched(browser, pia_url)
    for page in (host, pia):
        await page.get_by_role("button", name="Grid").click()
        await expect(page.locator("#viewport")).to_be_hidden()
    plane = pia.locator("#grid-plane")
    await expect(pia.locator("#grid-pool .grid-chip")).to_have_count(5)

    # Pia drags Mobility onto the grid at high impact (8) and high effort (8).
    box = await plane.bounding_box()
    chip = await pia.locator("#grid-pool [data-id=mob]").bounding_box()
    assert box is not None
    assert chip is not None
    await pia.mouse.move(chip["x"] + 10, chip["y"] + 10)
    await pia.mouse.down()
    target = (box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    await pia.mouse.move(*target, steps=8)
    await pia.mouse.up()
    seen = host.locator("#grid-plane [data-id=mob]")
    await expect(seen).to_have_attribute("data-impact", "8")
    await expect(seen).to_have_attribute("data-effort", "8")
    there = await host.locator("#grid-plane").bounding_box()
    drawn = await seen.bounding_box()
    assert there is not None
    assert drawn is not None
    centre = (drawn["x"] + drawn["width"] / 2, drawn["y"] + drawn["height"] / 2)
    assert abs(centre[0] - (there["x"] + there["width"] * 0.8)) < 2
    assert abs(centre[1] - (there["y"] + there["height"] * 0.2)) < 2
    await expect(host.locator("#grid-placed")).to_contain_text("Mobility · impact 8, effort 8")

    # And drags it about on the grid: one more place, where it lands.
    await pia.mouse.move(*target)
    await pia.mouse.down()
    await pia.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6, steps=8)
    await pia.mouse.up()
    await expect(host.locator("#grid-placed")).to_contain_text("Mobility · impact 4, effort 3")
    assert await grid_events(workshop, "mob") == ["grid.placed 8.0 8.0", "grid.placed 4.0 3.0"]

    # By keys: arrows move Housing from the middle; Enter records the move as one place.
    await pia.locator("#grid-pool [data-id=hou]").focus()
    for key in ("ArrowUp", "ArrowUp", "ArrowUp", "ArrowRight"):
        await pia.keyboard.press(key)
    moved = pia.locator("#grid-plane [data-id=hou]")
    await expect(moved).to_be_focused()
    await pia.keyboard.press("ArrowDown")
    await pia.keyboard.press("Enter")
    await expect(host.locator("#grid-plane [data-id=hou]")).to_have_attribute("data-impact", "6")
    await expect(host.locator("#grid-plane [data-id=hou]")).to_have_attribute("data-effort", "5.5")
    assert await grid_events(workshop, "hou") == ["grid.placed 6.0 5.5"]

    # A pause records too: Shift moves two steps.
    await pia.locator("#grid-pool [data-id=n-park]").focus()
    await pia.keyboard.press("Shift+ArrowLeft")
    await expect(host.locator("#grid-plane [data-id=n-park]")).to_have_attribute("data-effort", "3")
    assert await grid_events(workshop, "n-park") == ["grid.placed 5.0 3.0"]

    # Delete takes an item off, for everyone.
    await pia.locator("#grid-plane [data-id=mob]").focus()
    await pia.keyboard.press("Delete")
    await expect(host.locator("#grid-plane [data-id=mob]")).to_have_count(0)
    await expect(host.locator("#grid-pool [data-id=mob]")).to_be_visible()
    assert (await grid_events(workshop, "mob"))[-1] == "grid.removed"
    await pia.get_by_role("button", name="Take “More shade in the park” off the grid").click()
    await expect(host.locator("#grid-pool [data-id=n-park]")).to_be_visible()

    # The decision form shows the place it records as evidence; the log keeps it.
    await given(workshop, [{"type": "phase.change", "phase": "discuss"}], "discuss")
    await host.get_by_label("Item").select_option(label="Housing")
    await expect(host.locator("#decision-grid")).to_have_text(
        "Evidence from the grid: impact 6, effort 5.5 (recorded with the decision)."
    )
    await host.get_by_label("Item").select_option(label="Mobility")
    await expect(host.locator("#decision-grid")).to_contain_text("Not on the grid")
    await host.get_by_label("Item").select_option(label="Housing")
    await host.get_by_label("Rationale").fill("High impact for the effort")
    await host.get_by_role("button", name="Record decision").click()
    await expect(pia.locator("#decisions .decision")).to_contain_text("impact 6 · effort 5.5")
    (decision,) = (await workshop.view())["decisions"]
    assert decision["evidence"]["grid"] == {"impact": 6.0, "effort": 5.5}

    await assert_accessible(pia)
    await assert_accessible(host)
    assert errors == []
    assert host_errors == []
