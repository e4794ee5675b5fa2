"""Every refusal becomes ``{"error": {"code", "message"}}``, its status read from one catalogue
of codes (``CATALOGUE``).

About 500 lines on purpose: beside the catalogue stand the codes every endpoint of a kind may
answer and the codes of each stream kind's rules (``RULES``), so that what Plenary refuses, and
where, is read in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import Forbidden, PlenaryError
from service.access.tokens import Unauthorized
from service.store import ConcurrencyError, StoreUnavailable
from service.wire import ErrorBody, ErrorOut, encoder


class BadRequest(PlenaryError):
    """The request itself is malformed (not JSON, too large, a bad query parameter)."""

    code = "bad_request"


class RateLimited(PlenaryError):
    """Too many commands of one socket or person; ``retry_after`` seconds from now one more
    will do. Nothing was recorded."""

    code = "rate_limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Too many commands: send again in {retry_after:.2f} s.")
        self.retry_after = round(retry_after, 3)


@dataclass(frozen=True, slots=True)
class Code:
    """One refusal code: the HTTP status it answers with, and what it means."""

    status: int
    meaning: str


CATALOGUE: Mapping[str, Code] = {
    "malformed_json": Code(
        400,
        "The body is not one JSON value in UTF-8, nests objects and arrays more than 32 "
        "deep, or gives a key twice in one object.",
    ),
    "bad_query": Code(
        400,
        "A query parameter is not a whole number from 0 to 2,147,483,647 in ASCII digits.",
    ),
    "not_an_invite": Code(400, "Joining with a personal token instead of an invite."),
    "unauthorized": Code(
        401,
        "No token, or a malformed, forged, expired or revoked one, or a kind that does not "
        "open this.",
    ),
    "forbidden": Code(403, "The role may not do this."),
    "not_owner": Code(403, "Adding a workshop to a programme another organiser owns."),
    "not_author": Code(403, "A participant changing or deleting another person's note."),
    "board_locked": Code(
        403,
        "A participant's command while the facilitator has locked the board.",
    ),
    "facilitators_do_not_vote": Code(
        403,
        "A facilitator casting a dot in a round without facilitators_vote.",
    ),
    "workshop_not_found": Code(404, "No such workshop or board for this token."),
    "board_not_found": Code(404, "No such workshop or board for this token."),
    "track_not_found": Code(404, "No such solution track in this token's workshop."),
    "programme_not_found": Code(404, "Creating a workshop in a programme that does not exist."),
    "decision_not_found": Code(
        404,
        "Starting a track from, tracing or giving an action item to a decision that is not on "
        "that board.",
    ),
    "not_found": Code(404, "No such path, or not that method."),
    "method_not_allowed": Code(405, "No such path, or not that method."),
    "conflict": Code(409, "The stream kept changing through every retry."),
    "command_id_reused": Code(
        409,
        "A command_id already used on another board, workshop or track.",
    ),
    "workshop_exists": Code(409, "Creating with an id that is taken."),
    "board_exists": Code(409, "Creating with an id that is taken."),
    "track_exists": Code(409, "Creating with an id that is taken."),
    "programme_exists": Code(409, "Creating with an id that is taken."),
    "organiser_exists": Code(409, "Creating with an id that is taken."),
    "too_large": Code(413, "The body is over 64 KiB."),
    "invalid_command": Code(422, "The body is JSON but not a valid command or request."),
    "unknown_command": Code(422, "A command type the role table does not know."),
    "invalid_text": Code(422, "Text, label or title out of bounds."),
    "invalid_label": Code(422, "Text, label or title out of bounds."),
    "invalid_title": Code(422, "Text, label or title out of bounds."),
    "invalid_targets": Code(422, "A programme's outcome target outside 0–1000."),
    "invalid_coordinates": Code(422, "Not finite or beyond ±1,000,000."),
    "duplicate_id": Code(
        422,
        "A note, cluster, board, group, round, decision, promotion, sprint, update, "
        "assessment, validation or practice id already used, or an item twice on a ballot.",
    ),
    "invalid_name": Code(422, "A person's or group's name."),
    "invalid_organisation": Code(422, "A person's or group's name."),
    "too_many_notes": Code(
        422,
        "The board holds its limit of notes, the workshop its limit of boards.",
    ),
    "too_many_boards": Code(
        422,
        "The board holds its limit of notes, the workshop its limit of boards.",
    ),
    "invalid_group_size_limit": Code(422, "A group size limit outside 2–12."),
    "invalid_date": Code(422, "A date not written YYYY-MM-DD, or no such day."),
    "invalid_agenda": Code(
        422,
        "More than 30 agenda items, a title out of 1–200, or minutes outside 0–1440.",
    ),
    "invalid_prework": Code(
        422,
        "A prework form of 0 or more than 30 questions, a question id twice, a label out of "
        "1–200, a hint over 500 characters, or due more than 90 days before.",
    ),
    "invalid_prompt": Code(422, "A board's prompt over 300 characters or with control characters."),
    "invalid_phases": Code(
        422, "Phases that are none, or not a subset of the five in their order, each once."
    ),
    "phase_not_used": Code(422, "Moving a board to a phase its setup does not use."),
    "invalid_breakouts": Code(422, "Breakout boards outside 0–4, or asked for without a template."),
    "unknown_template": Code(
        422, "No built-in template or template of your programmes by that id."
    ),
    "template_limit_reached": Code(422, "The programme keeps its 50 templates already."),
    "already_joined": Code(422, "This person joined the workshop already."),
    "group_limit_reached": Code(422, "The workshop has its 4 breakout groups already."),
    "board_in_use": Code(422, "The breakout board belongs to another group."),
    "unknown_participant": Code(422, "Assigning, removing or erasing someone who has not joined."),
    "unknown_group": Code(422, "Assigning, removing or erasing someone who has not joined."),
    "unknown_invite": Code(422, "Revoking an invite the workshop never gave."),
    "cannot_remove_self": Code(422, "A facilitator removing themselves."),
    "cannot_erase_self": Code(422, "A facilitator erasing themselves."),
    "unknown_organiser": Code(422, "Removing someone who was never an organiser."),
    "group_full": Code(422, "The group has group_size_limit people already."),
    "unknown_note": Code(422, "The note does not exist."),
    "note_deleted": Code(422, "The note does not exist."),
    "unknown_cluster": Code(422, "The cluster does not exist, or was deleted."),
    "cluster_deleted": Code(422, "The cluster does not exist, or was deleted."),
    "unknown_item": Code(422, "No note or cluster with that id on this board."),
    "note_hidden": Code(422, "The note is not revealed yet."),
    "wrong_phase": Code(422, "Not in this phase."),
    "nothing_to_undo": Code(422, "You have no change to take back."),
    "nothing_to_redo": Code(422, "You have no change to make again."),
    "not_last_change": Code(422, "The change named is not your last one."),
    "undo_conflict": Code(409, "Someone has changed this item since; it cannot be taken back."),
    "redo_conflict": Code(409, "Someone has changed this item since; it cannot be made again."),
    "round_open": Code(422, "Changing the phase, or opening a round, while a round is open."),
    "anonymity_irreversible": Code(
        422,
        "Making a pseudonymous board named once people wrote notes or voted on it.",
    ),
    "invalid_duration": Code(422, "A timer of under 10 seconds or over 4 hours."),
    "no_timer": Code(422, "Extending a timer when none runs."),
    "invalid_budget": Code(422, "A budget outside 1–20 dots."),
    "invalid_per_item_max": Code(422, "Dots per item outside 1 to the budget."),
    "wrong_target": Code(422, "A ballot item that is not of the round's target."),
    "empty_ballot": Code(422, "A ballot of no item, or of more than 200."),
    "unknown_round": Code(422, "No vote round with that id."),
    "round_closed": Code(422, "Casting or retracting in a closed round."),
    "not_on_ballot": Code(422, "A dot on an item the round does not list."),
    "vote_budget_exceeded": Code(422, "All the voter's dots are placed."),
    "vote_item_limit": Code(422, "The voter has per_item_max dots on that item already."),
    "no_vote": Code(422, "Retracting a dot the voter has not placed."),
    "invalid_grid": Code(422, "Impact or effort not a number from 0 to 10."),
    "invalid_rationale": Code(422, "A rationale out of 1–2000 characters."),
    "invalid_comment": Code(422, "A comment, action item or owner's name out of bounds."),
    "invalid_action": Code(422, "A comment, action item or owner's name out of bounds."),
    "invalid_owner": Code(422, "A comment, action item or owner's name out of bounds."),
    "unknown_action": Code(422, "No action item with that id on this board."),
    "not_plenary": Code(422, "Promoting to a board that is not a plenary board."),
    "not_breakout": Code(422, "Promoting from a board that is not a breakout board."),
    "foreign_board": Code(422, "Promoting from a board of another workshop."),
    "empty_promotion": Code(422, "Promoting no item, or more than 100."),
    "no_plan": Code(422, "A promotion without the service's plan of its source."),
    "decision_not_selected": Code(
        422,
        "Starting a track from a decision that parked or rejected its item.",
    ),
    "decision_has_track": Code(
        409,
        "Starting a second track from a decision that already has one.",
    ),
    "invalid_summary": Code(422, "A track's text out of bounds."),
    "invalid_goal": Code(422, "A track's text out of bounds."),
    "invalid_description": Code(422, "A track's text out of bounds."),
    "invalid_method": Code(422, "A track's text out of bounds."),
    "invalid_findings": Code(422, "A track's text out of bounds."),
    "invalid_link": Code(422, "A track's text out of bounds."),
    "invalid_dates": Code(422, "A period that ends before it starts."),
    "sprint_overlaps": Code(422, "A sprint sharing a day with another sprint of the track."),
    "unknown_sprint": Code(422, "No sprint with that id in the track."),
    "sprint_closed": Code(422, "Updating a closed sprint."),
    "blockers_required": Code(422, "A blocked update without blockers."),
    "invalid_criteria": Code(
        422,
        "0 or more than 12 criteria, a name twice, a name out of 1–120 or a note over 2000 "
        "characters.",
    ),
    "invalid_score": Code(422, "A score outside 1–5."),
    "invalid_stakeholders": Code(422, "0 or more than 30 stakeholders, or a name out of 1–120."),
    "unknown_validation": Code(422, "No validation with that id in the track."),
    "unknown_stakeholder": Code(422, "A verdict of a group the validation did not plan."),
    "duplicate_stakeholder": Code(422, "Two verdicts of the same stakeholder group."),
    "validation_recorded": Code(422, "The validation has its result already."),
    "validation_missing": Code(422, "Presenting a track before any validation has a result."),
    "presentation_recorded": Code(422, "The track was presented already."),
    "no_prework": Code(
        404, "Answering, importing or placing prework the workshop has no form for."
    ),
    "prework_closed": Code(422, "A participant answering prework after its due date."),
    "prework_placed": Code(
        422,
        "Answering for someone whose answers were put on the boards already.",
    ),
    "unknown_question": Code(422, "An answer to a question the prework form does not ask."),
    "invalid_answer": Code(
        422,
        "An answer over 500 characters or with control characters, two answers to one "
        "question, one person twice in an import, or an import of no row or over 500.",
    ),
    "invalid_questions": Code(
        422,
        "A prework form of no question or over 30, an id twice, a label out of 1–200 or a hint "
        "over 500.",
    ),
    "csv_invalid": Code(
        422,
        "A CSV that cannot be read as a table: not base64, empty, no person column, no column "
        "of a question, a header twice, or over 500 rows.",
    ),
    "csv_rows_invalid": Code(422, "Importing a CSV row that the preview refuses."),
    "rate_limited": Code(429, "More commands than the socket's or the person's rate allows."),
    "store_error": Code(422, "The database refused the write."),
    "backup_refused": Code(422, "The backup cannot be restored into this store."),
    "checkpoint_file_invalid": Code(422, "The kept checkpoints file cannot be used."),
    "store_unavailable": Code(503, "The database does not answer."),
}
"""Every refusal code Plenary answers with, once; ``docs/api.md``'s table of error codes says
the same (``tests/service/test_errors.py`` checks both ways), and the OpenAPI document lists
each endpoint's from here. Over the socket the same codes arrive in ``reject`` frames."""

# What an endpoint may answer besides the refusals it declares (``service.http.endpoints``):
# ``service.http.openapi`` lists each endpoint's codes from these.

ANY_REQUEST = ("store_unavailable",)
"""Any endpoint: the database did not answer."""
WITH_CREDENTIAL = ("unauthorized",)
"""An endpoint that takes a credential."""
IN_A_WORKSHOP = ("workshop_not_found",)
"""An endpoint with a credential and ``{workshop_id}`` in its path: a token of another
workshop."""
WITH_BODY = ("malformed_json", "too_large", "invalid_command")
"""An endpoint that reads a JSON body."""
WITH_QUERY = ("bad_query",)
"""An endpoint that reads whole numbers from its query."""
CHANGES = ("rate_limited", "forbidden", "conflict", "command_id_reused", "store_error")
"""A request that changes something: it spends one of its person's commands, and runs commands
through ``service.commands`` (the role table, the store's retries, command ids)."""

RULES: Mapping[str, tuple[str, ...]] = {
    "board": (
        "anonymity_irreversible",
        "board_exists",
        "board_locked",
        "board_not_found",
        "cluster_deleted",
        "decision_has_track",
        "decision_not_found",
        "decision_not_selected",
        "duplicate_id",
        "empty_ballot",
        "empty_promotion",
        "facilitators_do_not_vote",
        "forbidden",
        "foreign_board",
        "invalid_action",
        "invalid_budget",
        "invalid_command",
        "invalid_comment",
        "invalid_coordinates",
        "invalid_date",
        "invalid_duration",
        "invalid_grid",
        "invalid_label",
        "invalid_owner",
        "invalid_per_item_max",
        "invalid_phases",
        "invalid_prompt",
        "invalid_rationale",
        "invalid_text",
        "no_plan",
        "no_timer",
        "no_vote",
        "not_author",
        "not_breakout",
        "not_last_change",
        "not_on_ballot",
        "not_plenary",
        "note_deleted",
        "note_hidden",
        "nothing_to_redo",
        "nothing_to_undo",
        "phase_not_used",
        "redo_conflict",
        "round_closed",
        "round_open",
        "undo_conflict",
        "unknown_action",
        "unknown_cluster",
        "unknown_command",
        "unknown_item",
        "unknown_note",
        "unknown_round",
        "vote_budget_exceeded",
        "vote_item_limit",
        "wrong_phase",
        "wrong_target",
    ),
    "workshop": (
        "already_joined",
        "board_in_use",
        "board_not_found",
        "cannot_erase_self",
        "cannot_remove_self",
        "duplicate_id",
        "forbidden",
        "group_full",
        "group_limit_reached",
        "invalid_agenda",
        "invalid_date",
        "invalid_group_size_limit",
        "invalid_name",
        "invalid_organisation",
        "invalid_prework",
        "invalid_title",
        "unknown_command",
        "unknown_group",
        "unknown_invite",
        "unknown_participant",
        "workshop_exists",
        "workshop_not_found",
    ),
    "solution": (
        "blockers_required",
        "decision_not_found",
        "decision_not_selected",
        "duplicate_id",
        "duplicate_stakeholder",
        "forbidden",
        "invalid_criteria",
        "invalid_date",
        "invalid_dates",
        "invalid_description",
        "invalid_findings",
        "invalid_goal",
        "invalid_link",
        "invalid_method",
        "invalid_score",
        "invalid_stakeholders",
        "invalid_summary",
        "invalid_text",
        "invalid_title",
        "presentation_recorded",
        "sprint_closed",
        "sprint_overlaps",
        "track_exists",
        "track_not_found",
        "unknown_command",
        "unknown_sprint",
        "unknown_stakeholder",
        "unknown_validation",
        "validation_missing",
        "validation_recorded",
    ),
    "prework": (
        "forbidden",
        "invalid_answer",
        "invalid_date",
        "invalid_questions",
        "no_prework",
        "prework_closed",
        "prework_placed",
        "unknown_command",
        "unknown_question",
    ),
    "programme": (
        "duplicate_id",
        "forbidden",
        "invalid_agenda",
        "invalid_breakouts",
        "invalid_budget",
        "invalid_description",
        "invalid_name",
        "invalid_per_item_max",
        "invalid_phases",
        "invalid_prework",
        "invalid_prompt",
        "invalid_targets",
        "invalid_title",
        "not_owner",
        "programme_exists",
        "programme_not_found",
        "template_limit_reached",
        "unknown_command",
        "workshop_not_found",
    ),
    "organisers": (
        "forbidden",
        "invalid_name",
        "organiser_exists",
        "unknown_command",
        "unknown_organiser",
    ),
}
"""Stream kind → every code its decider may refuse a command with (``domain/``: the kind's
module, the rule modules it imports, and the shared checks it calls).
``tests/service/test_openapi.py`` reads the same set from the domain's source."""


def status_for(error: PlenaryError) -> int:
    """The HTTP status of a refusal, from the catalogue (a code missing from it, which the tests
    rule out, answers as its class would: 400, 401, 403, 409, 422, 429 or 503)."""
    known = CATALOGUE.get(error.code)
    if known is not None:
        return known.status
    match error:
        case BadRequest():
            return 400
        case Unauthorized():
            return 401
        case Forbidden():
            return 403
        case ConcurrencyError():
            return 409
        case RateLimited():
            return 429
        case StoreUnavailable():
            return 503
    return 422


def error_response(
    code: str, message: str, status: int, *, retry_after: float | None = None
) -> Response:
    """The one shape of every HTTP error body (``retry_after``, seconds, when a wait helps)."""
    body = encoder.encode(ErrorOut(ErrorBody(code=code, message=message, retry_after=retry_after)))
    return Response(body, status_code=status, media_type="application/json")


def rate_limited(exc: RateLimited) -> Response:
    """429 with the wait in the body and, in whole seconds rounded up, in ``Retry-After``."""
    response = error_response(exc.code, exc.message, 429, retry_after=exc.retry_after)
    response.headers["Retry-After"] = str(math.ceil(exc.retry_after))
    return response


async def plenary_error(_request: Request, exc: Exception) -> Response:
    """Starlette exception handler for every ``PlenaryError``."""
    assert isinstance(exc, PlenaryError)
    if isinstance(exc, RateLimited):
        return rate_limited(exc)
    return error_response(exc.code, exc.message, status_for(exc))


async def validation_error(_request: Request, exc: Exception) -> Response:
    """Starlette exception handler for a body that is JSON but not a valid command."""
    if isinstance(exc, msgspec.ValidationError):
        return error_response("invalid_command", str(exc), 422)
    return error_response("malformed_json", f"The body is not valid JSON: {exc}", 400)


async def http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 in the same JSON shape as every other refusal."""
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
    return error_response(code, str(exc.detail), exc.status_code)
