"""The board in the past from checkpoints of its view: at every version it equals folding the
board's events up to that version, whether the checkpoints are there yet or not (both
backends); the instant of an event names its version; the changes between two versions are
the differences of the two views and the events between them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.actor import Actor
from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.base import fold
from projections.board_view import BOARD_VIEW, BoardView
from service.app import create_app
from service.context import Plenary
from service.readside import history
from service.settings import Settings
from service.store import EventStore
from service.tools import demo
from tests.factories import BOARD_ID, accepted, command_scripts, examples, record_batches
from tests.service.people import session_token
from tests.service.store.support import append_batches

SCRIPTS = examples(command_scripts(80), 6)


async def recorded(store: EventStore, script_index: int) -> list[RecordedEvent]:
    """The accepted events of one generated script, appended to ``store`` command by command."""
    return await append_batches(store, BOARD_ID, accepted(SCRIPTS[script_index])[1])


async def checkpoints(store: EventStore, last: int) -> set[int]:
    """The versions that hold a checkpoint of the view, up to ``last``."""
    found: set[int] = set()
    for version in range(history.EVERY, last + 1, history.EVERY):
        saved = await store.load_snapshot(board_stream(BOARD_ID), history.KIND, version)
        if saved is not None:
            found.add(saved[0])
    return found


@pytest.mark.parametrize("script_index", range(len(SCRIPTS)))
async def test_the_board_at_every_version_is_the_fold_up_to_it(
    store: EventStore, script_index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "EVERY", 5)  # checkpoints often, on boards of tens of events
    events = await recorded(store, script_index)
    assert len(events) >= 10
    expected: list[BoardView] = [BOARD_VIEW.initial(BOARD_ID)]
    for rec in events:
        expected.append(fold(BOARD_VIEW, BOARD_ID, [rec], expected[-1]))

    for version in range(len(events), 0, -1):  # from the end first: no checkpoint to start from
        assert await history.view_at(store, BOARD_ID, version) == expected[version]
    # A snapshot saved and waited for is written with every snapshot queued before it.
    await store.save_snapshot(board_stream("barrier"), 1, "barrier", b"")
    assert await checkpoints(store, len(events)) == set(range(5, len(events) + 1, 5))
    for version in range(1, len(events) + 1):  # now from the checkpoints
        assert await history.view_at(store, BOARD_ID, version) == expected[version]


async def test_an_instant_names_the_version_of_the_last_event_before_it(store: EventStore) -> None:
    events = await recorded(store, 0)
    stream = board_stream(BOARD_ID)
    assert await store.stream_version_at(stream, events[0].recorded_at - timedelta(seconds=1)) == 0
    for rec in events[:20]:
        assert await store.stream_version_at(stream, rec.recorded_at) >= rec.version
    assert await store.stream_version_at(stream, events[-1].recorded_at) == events[-1].version


def test_changes_are_the_differences_of_two_views() -> None:
    _, batches = accepted(SCRIPTS[1])
    views = [BOARD_VIEW.initial(BOARD_ID)]
    events = record_batches(batches)
    for rec in events:
        views.append(BOARD_VIEW.apply(views[-1], rec))
    middle = len(events) // 2
    found = history.changes(views[middle], views[-1], events[middle:])
    assert found.from_version == middle
    assert found.to_version == len(events)
    assert set(found.notes_added) == set(views[-1].notes) - set(views[middle].notes)
    assert set(found.notes_deleted) == set(views[middle].notes) - set(views[-1].notes)
    assert sum(found.events.values()) == len(events) - middle
    same = history.changes(views[-1], views[-1], [])
    assert (same.notes_added, same.notes_moved, same.notes_edited, same.phase) == ((), (), (), None)


def test_the_board_at_an_instant_and_the_changes_over_http(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as client:
        ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
        portal = client.portal
        assert portal is not None
        portal.call(demo.seed, ctx)
        who = Actor(id="auditor-1", role="auditor", name="Audit")
        headers = {"Authorization": f"Bearer {session_token(ctx, who, demo.WORKSHOP_ID)}"}
        board = f"/api/boards/{demo.BOARD_ID}"

        def get(path: str) -> Any:
            answer = client.get(board + path, headers=headers)
            assert answer.status_code == 200, answer.text
            return answer.json()

        events = get("/events")["events"]
        middle = events[len(events) // 2]
        instant = middle["recorded_at"]
        at_time = get(f"/at?time={instant}")
        assert at_time["version"] >= middle["version"]
        assert at_time == get(f"/at?version={at_time['version']}")

        now = get("")
        changed = get(f"/changes?from=0&to={now['version']}")
        assert set(changed["notes_added"]) == set(now["notes"])
        assert changed["clusters_added"] == list(now["clusters"])
        assert changed["events"]["items.promoted"] >= 1
        assert (
            get(f"/changes?from_time={instant}&to={now['version']}")["from_version"]
            == at_time["version"]
        )

        for bad in (
            "/at",
            "/at?version=1&time=2026-01-01T00:00:00Z",
            "/at?time=yesterday",
            "/changes?from=3&to=1",
            "/changes?to=2",
        ):
            refused = client.get(board + bad, headers=headers)
            assert refused.status_code == 400, bad
            assert refused.json()["error"]["code"] == "bad_query"
