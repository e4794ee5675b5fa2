"""The workshop report and a board's notes as downloads, over HTTP on both backends: the demo's
challenges workshop report holds its agenda, every board, every decision with its rationale,
every round's results, what came into the plenary and the track with its sprints and
practices; only facilitators and auditors download, and a participant's refusal is typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.context import Plenary
from service.settings import Settings
from service.tools import demo
from tests.service.markdown_html import read, render
from tests.service.people import session_token

OUTCOMES = {"select": "Selected", "park": "Parked", "reject": "Rejected"}


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as client:
        yield client


def seeded(client: TestClient) -> Plenary:
    ctx: Plenary = client.app.state.plenary  # type: ignore[attr-defined]
    portal = client.portal
    assert portal is not None
    portal.call(demo.seed, ctx)
    return ctx


def headers(ctx: Plenary, name: str, role: str) -> dict[str, str]:
    who = demo.person(name, role)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {session_token(ctx, who, demo.WORKSHOP_ID)}"}


def test_the_demo_report_holds_every_decision_and_every_round(client: TestClient) -> None:
    ctx = seeded(client)
    answer = client.get(
        f"/api/workshops/{demo.WORKSHOP_ID}/report",
        headers=headers(ctx, "Tomás (auditor)", "auditor"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/markdown")
    report = answer.text
    portal = client.portal
    assert portal is not None
    state = portal.call(ctx.reads.workshop_state, demo.WORKSHOP_ID)
    assert report.startswith(f"# {state.title}\n")
    assert "## Agenda" in report
    boards = portal.call(ctx.reads.workshop_boards, demo.WORKSHOP_ID)
    decisions = rounds = 0
    for board_id in boards:
        view = portal.call(ctx.reads.board_view, board_id)
        assert f"## {view.title}" in report
        for decision in view.decisions:
            outcome = {"select": "Selected", "park": "Parked", "reject": "Rejected"}[
                decision.outcome
            ]
            assert f"#### {outcome}: {decision.title}" in report
            assert decision.rationale.split()[0] in report
            decisions += 1
        for round_ in view.rounds.values():
            assert f"`{round_.id}`" in report
            for tally in round_.results:
                item = view.clusters.get(tally.item_id) or view.notes[tally.item_id]
                title = getattr(item, "label", None) or getattr(item, "text", "")
                assert f"| {title} | {tally.votes} |" in report
            rounds += 1
    assert decisions >= 5
    assert rounds >= 5
    assert "## What came into the plenary" in report
    track = portal.call(ctx.reads.track_view, demo.TRACK_ID)
    assert f"## Solution track: {track.title}" in report
    assert all(f"### Sprint {n}:" in report for n in range(1, len(track.sprints) + 1))
    assert all(f"### Good practice: {p.title}" in report for p in track.practices)


def test_a_board_s_notes_download_as_csv(client: TestClient) -> None:
    ctx = seeded(client)
    answer = client.get(
        f"/api/boards/{demo.BOARD_ID}/notes.csv", headers=headers(ctx, "Ana (host)", "facilitator")
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    view = client.portal.call(ctx.reads.board_view, demo.BOARD_ID)  # type: ignore[union-attr]
    assert len(rows) == 1 + len(view.notes)


def test_only_facilitators_and_auditors_download(client: TestClient) -> None:
    ctx = seeded(client)
    member = demo.GROUPS[0].members[0]
    for path in (
        f"/api/workshops/{demo.WORKSHOP_ID}/report",
        f"/api/workshops/{demo.WORKSHOP_ID}/report.html",
        f"/api/workshops/{demo.WORKSHOP_ID}/report.json",
        f"/api/boards/{demo.BOARD_ID}/notes.csv",
    ):
        refused = client.get(path, headers=headers(ctx, member, "participant"))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
        assert client.get(path).status_code == 401


HOSTILE = (
    "<img src=x onerror=alert(1)> <script>alert(2)</script> [link](javascript:x) **bold** &amp;"
)
"""A note that would be markup, a script and a link if the report did not escape it."""
ARTICLE = {"article", "h1", "h2", "h3", "h4", "h5", "p", "ul", "ol", "li", "br", "code", "em"}
TABLES = {"table", "thead", "tbody", "tr", "th", "td"}


def test_the_printable_report_says_what_the_markdown_says(client: TestClient) -> None:
    ctx = seeded(client)
    host = headers(ctx, "Ana (host)", "facilitator")
    added = client.post(
        f"/api/boards/{demo.BOARD_ID}/commands",
        json={
            "command_id": "hostile-note",
            "command": {
                "type": "note.add",
                "note_id": "hostile",
                "text": HOSTILE,
                "x": 0.0,
                "y": 0.0,
            },
        },
        headers=host,
    )
    assert added.status_code == 200, added.text
    markdown = client.get(f"/api/workshops/{demo.WORKSHOP_ID}/report", headers=host).text
    answer = client.get(f"/api/workshops/{demo.WORKSHOP_ID}/report.html", headers=host)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert '<link rel="stylesheet" href="/static/report.css">' in page  # with its print style
    start, end = page.index("<article"), page.index("</article>") + len("</article>")
    shown, expected = read(page[start:end]), render(markdown)
    assert shown.headings == expected.headings
    assert shown.rows == expected.rows
    assert shown.text.strip() == expected.text.strip()
    assert set(shown.tags) <= ARTICLE | TABLES
    assert {name for name, _ in shown.attributes} <= {"class"}  # no style, no link, no handler
    assert any(line.startswith(f"{HOSTILE} — ") for line in shown.text.splitlines())


def test_the_report_as_json_holds_the_workshop_its_boards_and_tracks(client: TestClient) -> None:
    ctx = seeded(client)
    auditor = headers(ctx, "Tomás (auditor)", "auditor")
    answer = client.get(f"/api/workshops/{demo.WORKSHOP_ID}/report.json", headers=auditor)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    report = answer.json()
    assert set(report) == {"workshop", "boards", "tracks"}
    portal = client.portal
    assert portal is not None
    state = portal.call(ctx.reads.workshop_state, demo.WORKSHOP_ID)
    assert report["workshop"] == {
        "id": demo.WORKSHOP_ID,
        "title": state.title,
        "kind": state.kind,
        "date": state.date,
        "agenda": [{"title": i.title, "minutes": i.minutes} for i in state.agenda],
        "groups": len(state.groups),
    }
    boards = report["boards"]
    assert boards[0]["kind"] == "plenary"
    ids = portal.call(ctx.reads.workshop_boards, demo.WORKSHOP_ID)
    assert {b["id"] for b in boards} == set(ids)
    for board in boards:  # each as `plenary export board --format json` (its JSON export)
        exported = client.get(f"/api/boards/{board['id']}", headers=auditor).json()
        assert board["version"] == exported["version"]
        assert [d["rationale"] for d in board["decisions"]] == [
            d["rationale"] for d in exported["decisions"]
        ]
        assert "people" in board
    assert sum(len(b["decisions"]) for b in boards) >= 5
    assert [t["id"] for t in report["tracks"]] == [demo.TRACK_ID]
    assert report["tracks"][0]["sprints"]
