"""Downloads for facilitators and auditors: the workshop report (Markdown, HTML to print or
JSON) and a board's notes (CSV), each cut for the person asking, as every read is
(``service.readside``)."""

from __future__ import annotations

from domain.errors import Forbidden
from domain.roles import AUDIT_READERS
from service.commands.access import check_board
from service.http.endpoints import Call, Endpoint
from service.readside.export import board_document
from service.readside.report import workshop_report
from service.readside.report_html import workshop_report_html
from service.readside.report_json import WorkshopReport, workshop_report_json


def _reader(call: Call[None]) -> None:
    """Facilitators and auditors download; a token narrowed to one board takes that board's
    notes only."""
    if call.claims.role not in AUDIT_READERS:
        raise Forbidden("Downloads are for facilitators and auditors.")


def _whole_workshop(call: Call[None]) -> str:
    """The path's workshop, if the caller may read its report."""
    _reader(call)
    if call.claims.board is not None:
        raise Forbidden("The report covers the whole workshop; this token opens one board.")
    return call.path("workshop_id")


async def report(call: Call[None]) -> str:
    """The workshop report in Markdown: agenda, each board's notes, rounds and decisions, what
    came into the plenary, and the solution tracks started from its decisions."""
    return await workshop_report(call.ctx, _whole_workshop(call), call.viewer)


async def report_html(call: Call[None]) -> str:
    """The workshop report as one printable HTML page: the Markdown report rendered, with its
    print style."""
    return await workshop_report_html(call.ctx, _whole_workshop(call), call.viewer)


async def report_json(call: Call[None]) -> str:
    """The workshop report as JSON: the workshop's facts and agenda, each board as its JSON
    export, the solution tracks started from its decisions."""
    return await workshop_report_json(call.ctx, _whole_workshop(call), call.viewer)


async def notes_csv(call: Call[None]) -> str:
    """The board's notes as CSV (cluster, votes, author or pseudonym), as you may see them."""
    _reader(call)
    board_id = call.path("board_id")
    check_board(call.caller, await call.ctx.reads.board_state_or_none(board_id), board_id)
    return await board_document(call.ctx, board_id, "csv", call.viewer)


ENDPOINTS = (
    Endpoint(
        "GET",
        "/api/workshops/{workshop_id}/report",
        report,
        str,
        errors=("forbidden", "workshop_not_found"),
        media_type="text/markdown; charset=utf-8",
    ),
    Endpoint(
        "GET",
        "/api/workshops/{workshop_id}/report.html",
        report_html,
        str,
        errors=("forbidden", "workshop_not_found"),
        media_type="text/html; charset=utf-8",
    ),
    Endpoint(
        "GET",
        "/api/workshops/{workshop_id}/report.json",
        report_json,
        WorkshopReport,  # its schema; the handler gives the JSON text, indented
        errors=("forbidden", "workshop_not_found"),
        media_type="application/json; charset=utf-8",
    ),
    Endpoint(
        "GET",
        "/api/boards/{board_id}/notes.csv",
        notes_csv,
        str,
        errors=("forbidden", "board_not_found"),
        media_type="text/csv; charset=utf-8",
    ),
)
