"""Grouping on the board page, in two Chromium contexts against a real Plenary: a merge, a
lassoed selection recoloured and moved together (one command each, its events sharing a
correlation id), and a participant who adds, moves, clusters and votes by keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.accessibility import blocking_violations
from tests.web.conftest import Workshop, wait_for
from tests.web.watched import watched

pytestmark = pytest.mark.browser


def note(page: Page, note_id: str) -> Any:
    return page.locator(f'#canvas .note[data-id="{note_id}"]')


async def events_after(workshop: Workshop, version: int) -> list[dict[str, Any]]:
    answer = await workshop.http.get(
        f"/api/boards/{workshop.board_id}/events?after={version}", workshop.facilitator
    )
    events: list[dict[str, Any]] = answer["events"]
    return events


async def settled(page: Page, version: int) -> list[int]:
    """Once the page's commands after board ``version`` are recorded: its version, as a list."""
    await wait_for(page, f"window.plenary.pending() === 0 && window.plenary.version() > {version}")
    return [await page.evaluate("window.plenary.version()")]


async def seed(workshop: Workshop) -> None:
    made: list[dict[str, object]] = [
        {"type": "cluster.create", "cluster_id": "c1", "label": "Streets", "x": 40, "y": 40},
        {"type": "cluster.create", "cluster_id": "c2", "label": "Parks", "x": 500, "y": 40},
        {"type": "note.add", "note_id": "n1", "text": "Wider pavements", "x": 60, "y": 90},
        {"type": "note.cluster", "note_id": "n1", "cluster_id": "c1"},
        {"type": "note.add", "note_id": "n2", "text": "More trees", "x": 520, "y": 90},
        {"type": "note.cluster", "note_id": "n2", "cluster_id": "c2"},
        {"type": "note.add", "note_id": "n3", "text": "Night buses", "x": 60, "y": 400},
        {"type": "note.add", "note_id": "n4", "text": "Bike parking", "x": 260, "y": 400},
    ]
    for i, command in enumerate(made):
        await workshop.command(workshop.facilitator, command, f"s{i}")


async def test_a_merge_and_a_selection_recoloured_and_moved_show_in_both_pages(
    browser: Browser, workshop: Workshop
) -> None:
    await seed(workshop)
    host, host_errors = await watched(browser, workshop.board_url(workshop.facilitator))
    guest_url = workshop.board_url(await workshop.invite("participant", "Pia"))
    guest, guest_errors = await watched(browser, guest_url)
    version = await host.evaluate("window.plenary.version()")

    # Merge "Streets" into "Parks" from the cluster's own buttons.
    streets = host.locator('#canvas .cluster[data-id="c1"]')
    await streets.locator(".head .label").hover()
    await streets.get_by_role("button", name="Merge cluster into another").click()
    await streets.get_by_label("Merge this cluster into").select_option("c2")
    await streets.get_by_role("button", name="Merge", exact=True).click()
    await expect(guest.locator('#canvas .cluster[data-id="c1"]')).to_have_count(0)
    await expect(note(guest, "n1")).to_have_attribute("data-cluster", "c2")
    (version,) = await settled(host, version)
    merged = [e for e in await events_after(workshop, version - 1) if e["type"] == "cluster.merged"]
    assert merged[0]["data"]["label"] == "Streets"
    assert merged[0]["data"]["moved_note_ids"] == ["n1"]

    # A lasso on the empty canvas selects the two loose notes; the bar recolours both.
    canvas = await host.locator("#canvas").bounding_box()
    assert canvas is not None
    await host.mouse.move(canvas["x"] + 30, canvas["y"] + 370)
    await host.mouse.down()
    await host.mouse.move(canvas["x"] + 300, canvas["y"] + 450, steps=6)
    await host.mouse.up()
    await expect(host.locator("#selection-count")).to_have_text("2 notes selected")
    await host.locator("#selection-colour").select_option("green")
    await host.get_by_role("button", name="Recolour").click()
    for note_id in ("n3", "n4"):
        await expect(note(guest, note_id)).to_have_class(re.compile(r"\bgreen\b"))
    (after,) = await settled(host, version)
    recoloured = await events_after(workshop, version)
    assert [e["type"] for e in recoloured] == ["note.recoloured", "note.recoloured"]
    assert len({e["correlation_id"] for e in recoloured}) == 1
    version = after

    # Dragging one selected note moves both, as one command.
    start = await note(host, "n3").bounding_box()
    assert start is not None
    await host.mouse.move(start["x"] + 50, start["y"] + 50)
    await host.mouse.down()
    await host.mouse.move(start["x"] + 50, start["y"] + 200, steps=6)
    await host.mouse.up()
    await expect(note(guest, "n3")).to_have_css("top", "550px")
    await expect(note(guest, "n4")).to_have_css("top", "550px")
    await settled(host, version)
    moved = await events_after(workshop, version)
    assert [e["type"] for e in moved] == ["note.moved", "note.moved"]
    assert len({e["correlation_id"] for e in moved}) == 1
    assert await blocking_violations(host) == []
    assert (host_errors, guest_errors) == ([], [])


async def test_a_participant_adds_moves_clusters_and_votes_by_keyboard_alone(
    browser: Browser, workshop: Workshop
) -> None:
    host, host_errors = await watched(browser, workshop.board_url(workshop.facilitator))
    url = workshop.board_url(await workshop.invite("participant", "Pia"))
    page, errors = await watched(browser, url)
    keys = page.keyboard

    await page.locator("#cluster-label").focus()
    await keys.type("Getting around")
    await keys.press("Enter")
    await page.locator("#note-text").focus()
    await keys.type("Safer crossings")
    await keys.press("Enter")
    mine = page.locator("#canvas .note", has_text="Safer crossings")
    cluster = page.locator("#canvas .cluster", has_text="Getting around")
    await expect(host.locator("#canvas .note", has_text="Safer crossings")).to_be_visible()
    await wait_for(page, "window.plenary.pending() === 0")

    # Into the cluster with the arrow keys: where it comes to rest, it joins.
    await page.locator("#viewport").focus()
    for _ in range(6):
        await keys.press("Tab")
        if await mine.evaluate("el => el === document.activeElement"):
            break
    await expect(mine).to_be_focused()
    target = await cluster.bounding_box()
    start = await mine.bounding_box()
    assert target is not None
    assert start is not None
    steps_x = round((target["x"] + 40 - start["x"]) / 10)
    steps_y = round((target["y"] + 60 - start["y"]) / 10)
    for _ in range(abs(steps_x)):
        await keys.press("ArrowRight" if steps_x > 0 else "ArrowLeft")
    for _ in range(abs(steps_y)):
        await keys.press("ArrowDown" if steps_y > 0 else "ArrowUp")
    await keys.press("Enter")
    cluster_id = await cluster.get_attribute("data-id")
    await expect(host.locator("#canvas .note", has_text="Safer crossings")).to_have_attribute(
        "data-cluster", cluster_id or ""
    )

    # The facilitator opens a round; the participant puts a dot on the cluster by keyboard.
    await workshop.command(workshop.facilitator, {"type": "phase.change", "phase": "vote"}, "v1")
    await workshop.command(workshop.facilitator, {"type": "vote.open", "round_id": "r1"}, "v2")
    dot = cluster.get_by_role("button", name="Put a dot on “Getting around”")
    await expect(dot).to_be_visible()
    await cluster.focus()
    await keys.press("Tab")
    await expect(dot).to_be_focused()
    await keys.press("Enter")
    await expect(cluster.locator(".my-dots")).to_contain_text("1 of your dots")
    await wait_for(page, "window.plenary.pending() === 0")
    closed = await workshop.command(
        workshop.facilitator, {"type": "vote.close", "round_id": "r1"}, "v3"
    )
    (result,) = [e["data"] for e in closed["events"] if e["type"] == "vote.closed"]
    assert result["results"] == [{"item_id": cluster_id, "votes": 1}]
    assert await blocking_violations(page) == []
    assert (errors, host_errors) == ([], [])


async def test_a_cluster_is_renamed_moved_with_its_notes_merged_and_deleted_by_keyboard(
    browser: Browser, workshop: Workshop
) -> None:
    await seed(workshop)
    page, errors = await watched(browser, workshop.board_url(workshop.facilitator))
    guest_url = workshop.board_url(await workshop.invite("participant", "Pia"))
    guest, guest_errors = await watched(browser, guest_url)
    keys = page.keyboard
    streets = page.locator('#canvas .cluster[data-id="c1"]')

    await streets.focus()
    await keys.press("F2")
    await keys.press("Control+A")
    await keys.type("Safe streets")
    await keys.press("Enter")
    await expect(guest.locator('#canvas .cluster[data-id="c1"] .label')).to_have_text(
        "Safe streets"
    )
    await expect(streets).to_be_focused()

    version = await page.evaluate("window.plenary.version()")
    for _ in range(3):
        await keys.press("Shift+ArrowDown")
    await keys.press("Enter")
    await expect(note(guest, "n1")).to_have_css("top", "240px")
    await settled(page, version)
    moved = await events_after(workshop, version)
    assert [e["type"] for e in moved] == ["cluster.moved", "note.moved"]
    assert len({e["correlation_id"] for e in moved}) == 1

    await keys.press("m")
    await expect(page.get_by_label("Merge this cluster into")).to_be_focused()
    await keys.press("Enter")
    await expect(guest.locator('#canvas .cluster[data-id="c1"]')).to_have_count(0)
    await expect(note(guest, "n1")).to_have_attribute("data-cluster", "c2")
    parks = page.locator('#canvas .cluster[data-id="c2"]')
    await expect(parks).to_be_focused()
    await keys.press("Delete")
    await expect(guest.locator("#canvas .cluster")).to_have_count(0)

    # Every note at once, and one Delete for all of them: one command.
    version = await page.evaluate("window.plenary.version()")
    await note(page, "n3").focus()
    await keys.press("Control+A")
    await expect(page.locator("#selection-count")).to_have_text("4 notes selected")
    await keys.press("Delete")
    await expect(guest.locator("#canvas .note")).to_have_count(0)
    await settled(page, version)
    deleted = await events_after(workshop, version)
    assert [e["type"] for e in deleted] == ["note.deleted"] * 4
    assert len({e["correlation_id"] for e in deleted}) == 1
    assert (errors, guest_errors) == ([], [])
