"""A validation's result with each stakeholder group's own verdict, over HTTP on each backend:
recorded, shown in the track view and its timeline, and refused with a typed error when a
group was not planned or is named twice. The track is seeded through the runner (where it
comes from is ``test_facilitation_api``'s concern)."""

from __future__ import annotations

from typing import Any

from domain import solution
from domain.actor import Actor
from domain.streams import solution_stream
from service.ids import new_id
from tests.service.live import Live

JSON = dict[str, Any]


async def _start(live: Live) -> str:
    """A track of ``live``'s workshop with validation ``v1`` of Parents and Shop owners."""
    me = await live.http.get(f"/api/workshops/{live.workshop_id}", headers=live.headers())
    host = Actor(id=me.json()["you"]["id"], role="facilitator")
    start = solution.StartTrack(
        track_id="t1", workshop_id=live.workshop_id, board_id="b", decision_id="d", title="Buses"
    )
    await live.ctx.runner.execute(solution.DECIDER, solution_stream("t1"), start, host, new_id())
    plan = {
        "type": "validation.plan",
        "validation_id": "v1",
        "method": "Street survey",
        "stakeholders": ["Parents", "Shop owners"],
        "starts_on": "2026-11-02",
        "ends_on": "2026-11-13",
    }
    planned = await _send(live, plan)
    assert planned.status_code == 200, planned.text
    return "t1"


async def _send(live: Live, command: JSON) -> Any:
    body = {"command_id": new_id(), "command": command}
    return await live.http.post("/api/tracks/t1/commands", json=body, headers=live.headers())


def _result(*verdicts: JSON) -> JSON:
    return {
        "type": "validation.result",
        "validation_id": "v1",
        "findings": "Both groups back it",
        "verdict": "validated",
        "verdicts": list(verdicts),
    }


async def test_each_group_verdict_is_recorded_and_shown(live: Live) -> None:
    track_id = await _start(live)
    parents = {"stakeholder": "Parents", "verdict": "validated"}
    shops = {"stakeholder": "Shop owners", "verdict": "needs_changes", "note": "Deliveries"}
    cyclists = {"stakeholder": "Cyclists", "verdict": "rejected"}
    for refused, code in [
        (_result(parents, cyclists), "unknown_stakeholder"),
        (_result(parents, {**parents, "verdict": "rejected"}), "duplicate_stakeholder"),
    ]:
        answer = await _send(live, refused)
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, code)

    answer = await _send(live, _result(parents, shops))
    assert answer.status_code == 200, answer.text
    view = await live.http.get(f"/api/tracks/{track_id}", headers=live.headers())
    shown = view.json()["validations"][0]["result"]
    assert shown["verdict"] == "validated"
    assert shown["verdicts"] == [{**parents, "note": ""}, shops]
    assert view.json()["timeline"][-1]["summary"] == (
        "Validation “Street survey”: validated (Parents: validated, Shop owners: needs changes)"
    )


async def test_a_result_sent_without_group_verdicts_records_none(live: Live) -> None:
    track_id = await _start(live)
    first_shape = {k: v for k, v in _result().items() if k != "verdicts"}
    answer = await _send(live, first_shape)
    assert answer.status_code == 200, answer.text
    view = await live.http.get(f"/api/tracks/{track_id}", headers=live.headers())
    assert view.json()["validations"][0]["result"]["verdicts"] == []
    assert view.json()["timeline"][-1]["summary"] == "Validation “Street survey”: validated"
