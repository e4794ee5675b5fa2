"""Board exports on real databases (both backends): hostile texts neutralised in CSV and
escaped in Markdown, people by name, each viewer's cut (pseudonyms but for auditors), vote
rounds and decisions in the report, JSON as the presented view."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any, cast

import msgspec
import pytest

from domain import board, decisions, facilitation, voting, workshop
from domain.actor import Actor
from domain.streams import board_stream, workshop_stream
from domain.types import WorkshopRole
from projections.visibility import Viewer, present_view, pseudonym
from service.app import close_plenary, open_plenary
from service.context import Plenary
from service.readside import export, export_csv
from service.readside.export_view import UNKNOWN
from service.settings import Settings
from tests.service.markdown_html import render

W = "w-export"
NAMED, PSEUDONYMOUS = "b-named", "b-pseudonymous"

FAY = Actor(id="0c5e2a9e-1f00-4a00-8000-00000000000f", role="facilitator", name="Fay Ostrander")
ANNIKA = Actor(id="0c5e2a9e-1f00-4a00-8000-00000000000a", role="participant", name="=Annika Zed")
BENEDIKT = Actor(
    id="0c5e2a9e-1f00-4a00-8000-00000000000b", role="participant", name="<b>Benedikt</b> Quorn"
)
GHOST = Actor(id="0c5e2a9e-1f00-4a00-8000-000000000099", role="participant", name="Ghost")
"""Writes and votes on the boards but never joined the workshop."""
AUTHORS = (ANNIKA, BENEDIKT, GHOST, FAY)
REAL_NAMES = ("Fay Ostrander", "Annika Zed", "Benedikt")

TEXTS = {
    "n-equals": "=1+1",
    "n-plus": "+SUM(A1:A2)",
    "n-minus": "-2+3",
    "n-at": "@cmd|' /C calc'!A0",
    "n-tab": "\t=tab first",
    "n-cr": "\r=carriage return first",
    "n-spaced": '   =HYPERLINK("http://evil.example")',
    "n-newline": "\n=after a line break",
    "n-multi": "=1+1\nand a second line",
    "n-later": "a fine first line\n=SUM(A1) on the second",
    "n-img": "<img src=x onerror=alert(1)>",
    "n-link": "[click](javascript:alert(1))",
    "n-heading": "# Not a heading",
    "n-lines": "line one\n- not a list\n> not a quote\n<script>alert(2)</script>\n1. nor this",
    "n-plain": "Cycle lanes end at the bridge",
}
NEUTRALISED = {
    "n-equals",
    "n-plus",
    "n-minus",
    "n-at",
    "n-tab",
    "n-cr",
    "n-spaced",
    "n-newline",
    "n-multi",
}
SECRET = "Benedikt's plan nobody else has seen"
C1 = '=HYPERLINK("http://evil.example","x")'
C2 = "# Winter *cycling*"
C3 = "Quiet streets"
CLUSTERS = {"c1": (C1, ("n-equals", "n-img", "n-multi")), "c2": (C2, ("n-link",)), "c3": (C3, ())}
RATIONALE = "Most dots, tied.\n# not a heading\n<b>and no HTML</b>"
TITLE = "<i>Mobility</i> # board"


@pytest.fixture
async def ctx(app_settings: Settings) -> AsyncIterator[Plenary]:
    """A composition root with workshop ``W`` and its two boards, seeded."""
    opened = await open_plenary(app_settings)
    try:
        await _seed_workshop(opened)
        await _seed_board(opened, NAMED)
        await _seed_board(opened, PSEUDONYMOUS, pseudonymous=True)
        yield opened
    finally:
        await close_plenary(opened)


async def _seed_workshop(ctx: Plenary) -> None:
    create = workshop.CreateWorkshop(workshop_id=W, title="Export")
    await ctx.runner.execute(workshop.DECIDER, workshop_stream(W), create, FAY, "w-create")
    for person in (FAY, ANNIKA, BENEDIKT):
        role = cast(WorkshopRole, person.role)
        join = workshop.JoinWorkshop(actor_id=person.id, name=person.name, role=role)
        await ctx.runner.execute(
            workshop.DECIDER, workshop_stream(W), join, person, f"w-join-{person.id}"
        )


async def _seed_board(ctx: Plenary, board_id: str, *, pseudonymous: bool = False) -> None:
    """Notes with hostile texts (one hidden by private writing), three clusters, a closed
    round with a tie, a decision, and an open round that hides its tallies on the named
    board and shows them on the pseudonymous one."""
    sent = 0

    async def run(actor: Actor, command: board.Command) -> None:
        nonlocal sent
        sent += 1
        await ctx.runner.execute(
            board.DECIDER, board_stream(board_id), command, actor, f"{board_id}-{sent}"
        )

    await run(FAY, board.CreateBoard(board_id=board_id, workshop_id=W, title=TITLE))
    if pseudonymous:
        await run(FAY, facilitation.SetAnonymity(policy="pseudonymous"))
    for index, (note_id, text) in enumerate(TEXTS.items()):
        author = AUTHORS[index % len(AUTHORS)]
        await run(author, board.AddNote(note_id=note_id, text=text, x=index - 120.5, y=40.0))
    await run(FAY, facilitation.StartPrivateWriting())
    await run(BENEDIKT, board.AddNote(note_id="n-secret", text=SECRET, x=0, y=0))
    await run(FAY, facilitation.ChangePhase(phase="cluster"))
    for x, (cluster_id, (label, note_ids)) in enumerate(CLUSTERS.items()):
        await run(FAY, board.CreateCluster(cluster_id=cluster_id, label=label, x=x * 500, y=0))
        for note_id in note_ids:
            await run(FAY, board.ClusterNote(note_id=note_id, cluster_id=cluster_id))
    await run(FAY, facilitation.ChangePhase(phase="vote"))
    ballot = ("c1", "c2", "c3")
    await run(FAY, voting.OpenRound(round_id="r1", budget=3, per_item_max=2, item_ids=ballot))
    for voter, item_id in ((ANNIKA, "c1"), (ANNIKA, "c1"), (BENEDIKT, "c2"), (BENEDIKT, "c2")):
        await run(voter, voting.CastVote(round_id="r1", item_id=item_id))
    await run(GHOST, voting.CastVote(round_id="r1", item_id="c3"))
    await run(FAY, voting.CloseRound(round_id="r1"))
    await run(FAY, facilitation.ChangePhase(phase="discuss"))
    await run(FAY, voting.PlaceOnGrid(item_id="c1", impact=8.5, effort=4))
    decide = decisions.RecordDecision(
        decision_id="d1", item_id="c1", outcome="select", rationale=RATIONALE
    )
    await run(FAY, decide)
    await run(FAY, facilitation.ChangePhase(phase="vote"))
    reopen = voting.OpenRound(round_id="r2", item_ids=("c1", "c2"), hide_tallies=not pseudonymous)
    await run(FAY, reopen)
    await run(ANNIKA, voting.CastVote(round_id="r2", item_id="c2"))


async def csv_rows(ctx: Plenary, board_id: str, viewer: Viewer) -> dict[str, dict[str, str]]:
    document = await export.board_document(ctx, board_id, "csv", viewer)
    header, *body = csv.reader(io.StringIO(document, newline=""))
    assert tuple(header) == export_csv.COLUMNS
    return {row[0]: dict(zip(header, row, strict=True)) for row in body}


def spreadsheet_formula(cell: str) -> bool:
    """Whether a spreadsheet could read ``cell`` as a formula (OWASP's starting characters,
    after whitespace a spreadsheet may trim)."""
    return cell.startswith(("\t", "\r")) or cell.lstrip().startswith(("=", "+", "-", "@"))


# --------------------------------------------------------------------------- CSV


async def test_csv_neutralises_every_formula_people_wrote_and_keeps_numbers(
    ctx: Plenary,
) -> None:
    rows = await csv_rows(ctx, NAMED, export.viewer_for(ctx, "facilitator"))
    assert set(rows) == set(TEXTS)  # and not Benedikt's hidden note
    for note_id, text in TEXTS.items():
        assert rows[note_id]["text"] == ("'" + text if note_id in NEUTRALISED else text)
    for row in rows.values():
        for column in ("note_id", "cluster", "text", "colour", "author"):
            assert not spreadsheet_formula(row[column]), row
    assert rows["n-equals"]["cluster"] == "'" + C1
    assert rows["n-equals"]["author"] == "'" + ANNIKA.name
    assert rows["n-plus"]["author"] == BENEDIKT.name
    assert rows["n-minus"]["author"] == UNKNOWN  # Ghost never joined
    assert rows["n-at"]["author"] == FAY.name
    assert rows["n-plain"]["cluster"] == ""  # a loose note
    # The numbers Plenary writes stay numbers, negative ones included.
    assert rows["n-equals"]["x"] == "-120.5"
    assert float(rows["n-plain"]["x"]) == len(TEXTS) - 1 - 120.5
    assert int(rows["n-equals"]["version"]) > 0


async def test_csv_of_a_pseudonymous_board_names_pseudonyms_except_for_an_auditor(
    ctx: Plenary,
) -> None:
    shown = await csv_rows(ctx, PSEUDONYMOUS, export.viewer_for(ctx, "facilitator"))
    audited = await csv_rows(ctx, PSEUDONYMOUS, export.viewer_for(ctx, "auditor"))
    for index, note_id in enumerate(TEXTS):
        author = AUTHORS[index % len(AUTHORS)]
        alias_name = pseudonym(ctx.reads.pseudonym_key, PSEUDONYMOUS, author.id)[1]
        assert shown[note_id]["author"] == alias_name
        expected = UNKNOWN if author is GHOST else export_csv.cell(author.name)
        assert audited[note_id]["author"] == expected
    assert set(audited) == set(TEXTS)  # an auditor does not see a hidden note either


# --------------------------------------------------------------------------- Markdown

_REPORT_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "em", "code", "br"}
_TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def test_markdown_renders_what_people_wrote_as_text(ctx: Plenary) -> None:
    document = await export.board_document(ctx, NAMED, "md", export.viewer_for(ctx, "facilitator"))
    shown = render(document)
    assert set(shown.tags) <= _REPORT_TAGS | _TABLE_TAGS, shown.html
    assert set(shown.attributes) <= {("style", "text-align:right")}  # the tables' numbers
    headings = [h for h in shown.headings if h[0] != "h3" or not h[1].startswith("Round")]
    assert headings == [
        ("h1", TITLE),
        ("h2", "Notes"),
        ("h3", C1),
        ("h3", C2),
        ("h3", C3),
        ("h3", "Outside any cluster"),
        ("h2", "Vote rounds"),
        ("h2", "Decisions"),
        ("h3", f"Selected: {C1}"),
    ]
    seen = lines_of(shown.text)
    for text in TEXTS.values():
        for line in lines_of(text):
            assert any(line in shown_line for shown_line in seen), line
    assert f"{TEXTS['n-later'].splitlines()[-1]} — {BENEDIKT.name}" in seen
    assert any(line.endswith(f"— {UNKNOWN}") for line in seen)  # Ghost's notes
    assert SECRET not in shown.text
    for person in AUTHORS:
        assert person.id not in document


async def test_markdown_reports_rounds_and_decisions(ctx: Plenary) -> None:
    document = await export.board_document(ctx, NAMED, "md", export.viewer_for(ctx, "facilitator"))
    shown = render(document)
    rounds = [h[1] for h in shown.headings if h[1].startswith("Round")]
    assert rounds[0].startswith("Round 1 (r1), closed ")
    assert rounds[1] == "Round 2 (r2), open"
    # Only the closed round has a table: the open one hides its tallies.
    assert shown.rows == [["Rank", "Item", "Dots"], ["1", C1, "2"], ["1", C2, "2"], ["3", C3, "1"]]
    seen = lines_of(shown.text)
    assert "A ballot of 3 clusters; 3 dots per voter, at most 2 on one item. Voters: 3." in seen
    assert (
        "A ballot of 2 clusters; 5 dots per voter, at most 3 on one item. Voters so far: 1." in seen
    )
    hidden = seen.index("Its dots stay hidden until it closes. On the ballot:")
    assert seen[hidden + 1 : hidden + 3] == [C1, C2]
    decided = seen[seen.index(f"Selected: {C1}") + 1 :]
    assert decided[0] == "Item: the cluster c1"
    assert decided[1].startswith(f"Decided by {FAY.name}, ")
    assert decided[2:5] == ["Rationale: Most dots, tied.", "# not a heading", "<b>and no HTML</b>"]
    assert decided[5:7] == ["Votes: 2 dots, rank 1 of 3 in round r1", "Grid: impact 8.5, effort 4"]
    assert decided[7] == "Notes:"
    assert f"{TEXTS['n-equals']} — {ANNIKA.name}" in decided[8:]


async def test_markdown_of_a_pseudonymous_board_for_each_role(ctx: Plenary) -> None:
    shown = await export.board_document(
        ctx, PSEUDONYMOUS, "md", export.viewer_for(ctx, "facilitator")
    )
    audited = await export.board_document(
        ctx, PSEUDONYMOUS, "md", export.viewer_for(ctx, "auditor")
    )
    assert "People on this board are shown by pseudonym." in shown
    assert "People on this board are shown by pseudonym." not in audited
    assert "People work under pseudonyms on this board; this export names them." in audited
    for person in AUTHORS:
        alias_id, alias_name = pseudonym(ctx.reads.pseudonym_key, PSEUDONYMOUS, person.id)
        assert alias_name in shown
        assert alias_name not in audited
        assert person.id not in shown
        assert alias_id not in shown  # people by name, never by id
    assert all(name not in shown for name in REAL_NAMES)
    assert f"Decided by {FAY.name}" in render(audited).text
    assert SECRET not in shown
    assert SECRET not in audited
    # The open round shows its tallies on this board: the dots so far.
    assert render(shown).rows[-3:] == [["Rank", "Item", "Dots"], ["1", C2, "1"], ["2", C1, "0"]]


async def test_a_person_sees_their_own_hidden_note(ctx: Plenary) -> None:
    """The export path takes any viewer, as an HTTP download for a person would."""
    mine = await export.board_document(ctx, NAMED, "md", ctx.reads.viewer(BENEDIKT))
    others = await export.board_document(ctx, NAMED, "md", ctx.reads.viewer(ANNIKA))
    assert SECRET in render(mine).text
    assert SECRET not in render(others).text


# --------------------------------------------------------------------------- JSON


async def json_of(ctx: Plenary, board_id: str, viewer: Viewer) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(await export.board_document(ctx, board_id, "json", viewer))
    return loaded


async def test_json_is_the_presented_view_with_names(ctx: Plenary) -> None:
    viewer = export.viewer_for(ctx, "facilitator")
    exported = await json_of(ctx, NAMED, viewer)
    people = exported.pop("people")
    presented = present_view(await ctx.reads.board_view(NAMED), viewer)
    assert exported == json.loads(msgspec.json.encode(presented))
    assert "n-secret" not in exported["notes"]
    assert exported["rounds"]["r2"]["votes"] == {}
    assert exported["rounds"]["r2"]["tallies"] == {}
    assert exported["rounds"]["r1"]["tallies"] == {"c1": 2, "c2": 2, "c3": 1}
    assert people == {
        FAY.id: FAY.name,
        ANNIKA.id: ANNIKA.name,
        BENEDIKT.id: BENEDIKT.name,
        GHOST.id: UNKNOWN,
    }


async def test_json_of_a_pseudonymous_board_for_each_role(ctx: Plenary) -> None:
    shown = await json_of(ctx, PSEUDONYMOUS, export.viewer_for(ctx, "facilitator"))
    audited = await json_of(ctx, PSEUDONYMOUS, export.viewer_for(ctx, "auditor"))
    aliases = dict(pseudonym(ctx.reads.pseudonym_key, PSEUDONYMOUS, p.id) for p in AUTHORS)
    aliases_of = {p.id: pseudonym(ctx.reads.pseudonym_key, PSEUDONYMOUS, p.id)[0] for p in AUTHORS}
    assert shown["people"] == aliases
    assert audited["people"] == {
        FAY.id: FAY.name,
        ANNIKA.id: ANNIKA.name,
        BENEDIKT.id: BENEDIKT.name,
        GHOST.id: UNKNOWN,
    }
    assert shown["anonymity"] == audited["anonymity"] == "pseudonymous"
    text = json.dumps(shown)
    assert all(p.id not in text for p in AUTHORS)
    assert all(name not in text for name in REAL_NAMES)
    [decision] = shown["decisions"]
    [audited_decision] = audited["decisions"]
    assert decision["hash"] == ""  # it covers the real ids
    assert len(audited_decision["hash"]) == 64
    assert audited_decision["decided_by"] == FAY.id
    assert shown["rounds"]["r2"]["votes"] == {aliases_of[ANNIKA.id]: {"c2": 1}}
    assert audited["rounds"]["r2"]["votes"] == {ANNIKA.id: {"c2": 1}}
    for view in (shown, audited):
        assert "n-secret" not in view["notes"]
        assert view["rounds"]["r2"]["tallies"] == {"c1": 0, "c2": 1}
