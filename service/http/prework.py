"""Prework over HTTP: the form, answering it before the day, importing answers from CSV (a
preview first, then the good rows), and putting the answers on the boards on the day.

Every command goes through ``service.commands.handle`` (the ``prework`` stream kind, which a
client cannot send itself: the service says what day it is and plans the placement). What
people answered is shown to its author and to facilitators only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec

from domain import prework, workshop
from domain.agenda import FormKind
from domain.board import Id
from domain.errors import Forbidden
from service.commands.handle import handle
from service.commands.preworks import day_of
from service.errors import BadRequest
from service.http import prework_csv
from service.http.endpoints import Call, Endpoint
from service.ids import new_id


class SetPreworkIn(msgspec.Struct, frozen=True, kw_only=True):
    questions: tuple[prework.Question, ...]
    due: str
    kind: FormKind = "survey"
    command_id: Id | None = None


class AnswerIn(msgspec.Struct, frozen=True, kw_only=True):
    answers: tuple[prework.Answer, ...]
    command_id: Id | None = None


class CsvIn(msgspec.Struct, frozen=True, kw_only=True):
    csv: str
    """The file's bytes, base64."""
    lines: list[int] | None = None
    """For an import: the lines to import (the preview's good rows); all rows when absent."""
    command_id: Id | None = None


class PlaceIn(msgspec.Struct, frozen=True, kw_only=True):
    placement_id: Id | None = None


class PersonAnswers(msgspec.Struct, frozen=True, kw_only=True):
    author: str
    name: str
    answers: tuple[prework.Answer, ...]
    board_id: str | None = None
    """Where the answers were put, once they were."""


class PreworkAnswer(msgspec.Struct, frozen=True, kw_only=True):
    form: prework.Form | None
    today: str
    open: bool
    """Whether a participant may still answer (today is on or before the due date)."""
    mine: PersonAnswers | None = None
    answers: list[PersonAnswers] = msgspec.field(default_factory=list)
    """Everyone's answers: for facilitators only."""


class Recorded(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    duplicate: bool = False


class Imported(Recorded, frozen=True, kw_only=True):
    imported: int


class PlacedAnswer(Recorded, frozen=True, kw_only=True):
    placed: tuple[prework.Placed, ...]


def _facilitator(call: Call[Any]) -> None:
    """Refuse anyone but a facilitator of the whole workshop (not one narrowed to a board)."""
    if call.claims.role != "facilitator" or call.claims.board is not None:
        raise Forbidden("Only a facilitator of the whole workshop does this.", code="forbidden")


def _sees_everyone(call: Call[Any]) -> bool:
    return call.claims.role == "facilitator" and call.claims.board is None


async def get_prework(call: Call[None]) -> PreworkAnswer:
    """The prework form; your answers; everyone's, for a facilitator."""
    wid, me = call.claims.wid, call.claims.sub
    state = await call.ctx.reads.prework_state(wid)
    people = await call.ctx.reads.workshop_state(wid)
    today = day_of(call.ctx.clock())
    person = partial(_person, state, people, {me: call.claims.name})
    return PreworkAnswer(
        form=state.form,
        today=today,
        open=state.form is not None and today <= state.form.due,
        mine=person(me) if me in state.answers else None,
        answers=[person(a) for a in state.answers] if _sees_everyone(call) else [],
    )


def _person(
    state: prework.Prework, people: workshop.Workshop, unknown: dict[str, str], author: str
) -> PersonAnswers:
    """``author``'s answers and where they were placed, named as the workshop knows them (or
    as ``unknown`` names them: the caller's own name, before they joined)."""
    known = people.participants.get(author)
    name = known.name if known else unknown.get(author, "")
    answers = state.answers.get(author, ())
    return PersonAnswers(
        author=author, name=name, answers=answers, board_id=state.placed.get(author)
    )


async def set_prework(call: Call[SetPreworkIn]) -> Recorded:
    """Set or replace the prework form (facilitators)."""
    body = call.body
    command = prework.SetPrework(questions=body.questions, due=body.due, kind=body.kind)
    done = await handle(call.ctx, call.caller, command, body.command_id or new_id())
    return Recorded(version=done.version, duplicate=done.duplicate)


async def answer(call: Call[AnswerIn]) -> Recorded:
    """Your answers to the prework form, replacing any you gave, until its due date."""
    command = prework.AnswerPrework(answers=call.body.answers)
    done = await handle(call.ctx, call.caller, command, call.body.command_id or new_id())
    return Recorded(version=done.version, duplicate=done.duplicate)


async def _preview(call: Call[CsvIn]) -> prework_csv.Preview:
    _facilitator(call)
    state = await call.ctx.reads.prework_state(call.claims.wid)
    if state.form is None:
        raise BadRequest("Set the prework form before importing answers.", code="no_prework")
    table = prework_csv.decode(call.body.csv)
    people = await call.ctx.reads.workshop_state(call.claims.wid)
    return prework_csv.preview(table, state.form, people, set(state.placed))


async def preview_csv(call: Call[CsvIn]) -> prework_csv.Preview:
    """Each row of a CSV of answers read against the form and the people: its answers, or
    why it cannot be imported. Records nothing (facilitators)."""
    return await _preview(call)


async def import_csv(call: Call[CsvIn]) -> Imported:
    """Import the given lines of a CSV of answers, all or none (facilitators)."""
    shown = await _preview(call)
    wanted = call.body.lines
    rows = [r for r in shown.rows if wanted is None or r.line in wanted]
    bad = [r for r in rows if r.error is not None or r.author is None]
    if bad or not rows:
        lines = ", ".join(str(r.line) for r in bad) or "none"
        raise BadRequest(f"Rows that cannot be imported: {lines}.", code="csv_rows_invalid")
    command = prework.ImportPrework(
        rows=tuple(prework.ImportedAnswers(author=r.author or "", answers=r.answers) for r in rows)
    )
    done = await handle(call.ctx, call.caller, command, call.body.command_id or new_id())
    return Imported(version=done.version, duplicate=done.duplicate, imported=len(rows))


async def place(call: Call[PlaceIn]) -> PlacedAnswer:
    """Put everyone's answers on their group's board (else the plenary) as their private
    notes, ready for the reveal (facilitators)."""
    placement_id = call.body.placement_id or new_id()
    command = prework.PlacePrework(placement_id=placement_id)
    done = await handle(call.ctx, call.caller, command, placement_id)
    placed: tuple[prework.Placed, ...] = ()
    for rec in done.events:
        event = prework.DECIDER.decode_event(rec.data)
        if isinstance(event, prework.PreworkPlaced):
            placed = event.placed
    return PlacedAnswer(version=done.version, duplicate=done.duplicate, placed=placed)


P = "/api/workshops/{workshop_id}/prework"
_CSV = ("forbidden", "no_prework", "csv_invalid")
ENDPOINTS = (
    Endpoint("GET", P, get_prework, PreworkAnswer, errors=("workshop_not_found",)),
    Endpoint(
        "POST",
        P,
        set_prework,
        Recorded,
        SetPreworkIn,
        errors=("invalid_questions", "invalid_date"),
    ),
    Endpoint(
        "POST",
        f"{P}/answers",
        answer,
        Recorded,
        AnswerIn,
        errors=(
            "no_prework",
            "prework_closed",
            "prework_placed",
            "unknown_question",
            "invalid_answer",
        ),
    ),
    Endpoint("POST", f"{P}/import/preview", preview_csv, prework_csv.Preview, CsvIn, errors=_CSV),
    Endpoint(
        "POST",
        f"{P}/import",
        import_csv,
        Imported,
        CsvIn,
        errors=(*_CSV, "csv_rows_invalid", "invalid_answer", "prework_placed"),
    ),
    Endpoint(
        "POST",
        f"{P}/place",
        place,
        PlacedAnswer,
        PlaceIn,
        errors=("no_prework", "board_not_found", "duplicate_id"),
    ),
)
