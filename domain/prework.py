"""The prework decider (stream ``prework-<workshop id>``): a form that people answer before the
workshop, their answers, and the day the answers went onto the boards.

A facilitator sets the form (questions, a due date, and its kind: a ``survey`` puts each
non-empty answer on the board as a note of its own; a ``card`` puts all of a person's answers
on one structured note, an initiative card). A participant answers until the due date (the
service says what day it is: time comes in as data) and may answer again to change their
answers; a facilitator imports answers for people (from CSV) at any time. On the day the
service plans, with ``plan_notes``, each author's notes for their group's board, and records
here which authors were placed, so that nobody's answers go on the boards twice.

Which people exist is the workshop's stream's: the service checks an imported author against
it before the command is decided, as it reads the source board before a promotion.

A little over 300 lines, on purpose: the plan of notes (``notes_of``, ``plan_notes``) reads
the form and the answers exactly as the rules and the fold keep them, so it stays beside them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import msgspec

from domain import workshop
from domain.actor import Actor
from domain.agenda import HINT_MAX, PREWORK_QUESTIONS_MAX, FormKind, PreworkQuestion
from domain.board import TEXT_MAX, TITLE_MAX, Id, NoteField, PlacedNote
from domain.checks import check_day, check_text
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import InvalidCommand, NotFound
from domain.roles import authorize

QUESTIONS_MAX = PREWORK_QUESTIONS_MAX
"""As many as a template's prework form holds (``domain.agenda``): a template's form plugs in."""
ANSWER_MAX = TEXT_MAX
"""An answer holds at most what a note holds: each becomes one (or a card's field)."""
IMPORT_MAX = 500
TITLE_QUESTION = "title"
"""A card's note reads the answer to this question, else its first answer."""


Question = PreworkQuestion
"""``{id, label, hint}``: the shape of a template's prework question, so one sets the form."""


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    question_id: Id
    text: str


class ImportedAnswers(msgspec.Struct, frozen=True, kw_only=True):
    author: Id
    answers: tuple[Answer, ...]


class Placed(msgspec.Struct, frozen=True, kw_only=True):
    """An author whose answers went onto ``board_id``."""

    author: str
    board_id: str


# --------------------------------------------------------------------------- commands


class PreworkCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every prework command."""


class SetPrework(PreworkCommand, frozen=True, kw_only=True, tag="prework.set"):
    """Set or replace the form. ``due`` is the last day (YYYY-MM-DD, UTC) to answer."""

    questions: tuple[Question, ...]
    due: str
    kind: FormKind = "survey"


class AnswerPrework(PreworkCommand, frozen=True, kw_only=True, tag="prework.answer"):
    """The actor's answers, replacing any they gave before. ``today`` is set by the service."""

    answers: tuple[Answer, ...]
    today: str = ""


class ImportPrework(PreworkCommand, frozen=True, kw_only=True, tag="prework.import"):
    """Answers a facilitator records for people (a CSV import), all or none."""

    rows: tuple[ImportedAnswers, ...]


class PlacePrework(PreworkCommand, frozen=True, kw_only=True, tag="prework.place"):
    """Mark authors placed on the boards; ``plan`` is the service's (``plan_notes``)."""

    placement_id: Id
    plan: tuple[Placed, ...] = ()


Command = SetPrework | AnswerPrework | ImportPrework | PlacePrework


# --------------------------------------------------------------------------- events


class PreworkEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every prework event."""


class PreworkSet(PreworkEvent, frozen=True, kw_only=True, tag="prework.form_set"):
    questions: tuple[Question, ...]
    due: str
    kind: FormKind = "survey"


class PreworkAnswered(PreworkEvent, frozen=True, kw_only=True, tag="prework.answered"):
    """``author``'s answers now (replacing earlier ones), recorded by ``by`` (the author, or
    a facilitator importing them)."""

    author: str
    answers: tuple[Answer, ...]
    by: str


class PreworkPlaced(PreworkEvent, frozen=True, kw_only=True, tag="prework.placed"):
    placement_id: str
    placed: tuple[Placed, ...]


Event = PreworkSet | PreworkAnswered | PreworkPlaced


# --------------------------------------------------------------------------- state


class Form(msgspec.Struct, frozen=True, kw_only=True):
    questions: tuple[Question, ...]
    due: str
    kind: FormKind = "survey"


class Prework(msgspec.Struct, frozen=True, kw_only=True):
    """The form, each author's latest answers, and where placed authors' answers went."""

    form: Form | None = None
    answers: dict[str, tuple[Answer, ...]] = msgspec.field(default_factory=dict)
    placed: dict[str, str] = msgspec.field(default_factory=dict)


initial_state = Prework()


# --------------------------------------------------------------------------- rules


def decide(state: Prework, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; raises ``forbidden``, ``no_prework``, ``prework_closed``,
    ``prework_placed``, ``unknown_question``, ``invalid_answer``, ``invalid_questions``,
    ``invalid_date`` (``docs/api.md``, "Prework")."""
    authorize(actor, tag_of(command))
    if isinstance(command, SetPrework):
        _check_form(command)
        return [PreworkSet(questions=command.questions, due=command.due, kind=command.kind)]
    form = state.form
    if form is None:
        raise NotFound("This workshop has no prework form.", code="no_prework")
    match command:
        case AnswerPrework():
            check_day(command.today)
            if command.today > form.due:
                raise InvalidCommand(
                    f"Prework was due on {form.due}; it is read-only now.", code="prework_closed"
                )
            _check_answers(state, form, actor.id, command.answers)
            return [PreworkAnswered(author=actor.id, answers=command.answers, by=actor.id)]
        case ImportPrework():
            return _decide_import(state, form, command, actor)
        case PlacePrework():
            fresh = tuple(p for p in command.plan if p.author not in state.placed)
            if not fresh:
                return []
            return [PreworkPlaced(placement_id=command.placement_id, placed=fresh)]


def _check_form(command: SetPrework) -> None:
    check_day(command.due)
    questions = command.questions
    if not 0 < len(questions) <= QUESTIONS_MAX:
        raise InvalidCommand(
            f"A form asks 1 to {QUESTIONS_MAX} questions.", code="invalid_questions"
        )
    if len({q.id for q in questions}) != len(questions):
        raise InvalidCommand("Each question has an id of its own.", code="invalid_questions")
    for question in questions:
        check_text(question.label, 1, TITLE_MAX, "invalid_questions")
        check_text(question.hint, 0, HINT_MAX, "invalid_questions")


def _check_answers(state: Prework, form: Form, author: str, answers: tuple[Answer, ...]) -> None:
    if author in state.placed:
        raise InvalidCommand(
            "These answers are on the boards already; change the notes there.",
            code="prework_placed",
        )
    asked = {q.id for q in form.questions}
    if len({a.question_id for a in answers}) != len(answers):
        raise InvalidCommand("One answer per question.", code="invalid_answer")
    for answer in answers:
        if answer.question_id not in asked:
            raise NotFound(
                f"The form asks no question {answer.question_id!r}.", code="unknown_question"
            )
        check_text(answer.text, 0, ANSWER_MAX, "invalid_answer")


def _decide_import(state: Prework, form: Form, command: ImportPrework, actor: Actor) -> list[Event]:
    rows = command.rows
    if not 0 < len(rows) <= IMPORT_MAX:
        raise InvalidCommand(f"Import 1 to {IMPORT_MAX} rows.", code="invalid_answer")
    if len({row.author for row in rows}) != len(rows):
        raise InvalidCommand("One row per person.", code="invalid_answer")
    for row in rows:
        _check_answers(state, form, row.author, row.answers)
    return [PreworkAnswered(author=r.author, answers=r.answers, by=actor.id) for r in rows]


# --------------------------------------------------------------------------- planning


def target_boards(people: workshop.Workshop, authors: list[str]) -> dict[str, str]:
    """Author → the board their answers go on: their group's breakout board, else the
    workshop's first plenary board. Removed and erased people, and authors with neither, are
    left out."""
    plenary = next((bid for bid, b in people.boards.items() if b.kind == "plenary"), None)
    targets: dict[str, str] = {}
    for author in authors:
        person = people.participants.get(author)
        if person is not None and person.removed:
            continue
        group = people.groups.get(person.group_id or "") if person is not None else None
        board_id = group.board_id if group is not None else plenary
        if board_id is not None:
            targets[author] = board_id
    return targets


def notes_of(
    form: Form, answers: tuple[Answer, ...]
) -> list[tuple[str, str, tuple[NoteField, ...]]]:
    """The notes one author's answers make, as (question id, text, fields): a survey's
    non-empty answers one note each, in the form's order; a card's, one note titled by its
    ``title`` answer (else its first) with every answer as a field."""
    given = {a.question_id: a.text for a in answers if a.text.strip()}
    asked = [q for q in form.questions if q.id in given]
    if form.kind == "survey":
        return [(q.id, given[q.id], ()) for q in asked]
    if not asked:
        return []
    fields = tuple(NoteField(key=q.id, label=q.label, text=given[q.id]) for q in asked)
    return [(TITLE_QUESTION, given.get(TITLE_QUESTION, given[asked[0].id]), fields)]


PER_ROW = 5
STEP: Mapping[FormKind, tuple[float, float]] = {"survey": (190.0, 150.0), "card": (300.0, 420.0)}
"""How far apart placed notes sit (a card is larger than a note)."""


def plan_notes(
    state: Prework, placement_id: str, targets: Mapping[str, str], tops: Mapping[str, float]
) -> dict[str, tuple[PlacedNote, ...]]:
    """Board id → the notes to place on it for the authors in ``targets`` not placed yet, in
    rows of five from ``tops[board]`` down (below what the board holds), so no two overlap.
    Note ids are derived from ``placement_id``, the author and the question."""
    form = state.form
    if form is None:
        return {}
    step_x, step_y = STEP[form.kind]
    planned: dict[str, list[PlacedNote]] = {}
    for author, board_id in targets.items():
        if author in state.placed:
            continue
        notes = planned.setdefault(board_id, [])
        for question_id, text, fields in notes_of(form, state.answers.get(author, ())):
            k = len(notes)
            digest = hashlib.sha256(f"{placement_id}|{author}|{question_id}".encode())
            notes.append(
                PlacedNote(
                    note_id=f"pw-{digest.hexdigest()[:24]}",
                    author=author,
                    text=text,
                    x=40.0 + (k % PER_ROW) * step_x,
                    y=tops.get(board_id, 40.0) + (k // PER_ROW) * step_y,
                    colour="blue" if fields else "yellow",
                    fields=fields,
                )
            )
    return {board_id: tuple(notes) for board_id, notes in planned.items() if notes}


# --------------------------------------------------------------------------- evolve


def evolve(state: Prework, event: Event) -> Prework:
    """``state`` with ``event`` applied. Never raises for an event ``decide`` once produced."""
    replace = msgspec.structs.replace
    match event:
        case PreworkSet():
            form = Form(questions=event.questions, due=event.due, kind=event.kind)
            return replace(state, form=form)
        case PreworkAnswered():
            return replace(state, answers={**state.answers, event.author: event.answers})
        case PreworkPlaced():
            placed = {p.author: p.board_id for p in event.placed}
            return replace(state, placed={**state.placed, **placed})
    return state


DECIDER: Decider[Prework, Command, Event] = Decider(
    name="prework",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Prework,
    event_type=Event,
    command_type=Command,
    snapshot_kind="prework-state/1",
)
