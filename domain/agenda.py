"""What a workshop plans ahead: its agenda (blocks of the day with their minutes) and the
prework form participants answer before the day. Plain values with their checks, shared by
the workshop decider and by templates (``domain.templates``)."""

from __future__ import annotations

from typing import Literal

import msgspec

from domain.board_state import Id
from domain.checks import check_text
from domain.errors import InvalidCommand

AGENDA_MAX = 30
TITLE_MAX = 200


class AgendaItem(msgspec.Struct, frozen=True, kw_only=True):
    """One block of the day: what happens and for how many minutes."""

    title: str
    minutes: int = 0


class PreworkQuestion(msgspec.Struct, frozen=True, kw_only=True):
    """One question of a prework form: its id (the answer's key), its label and a hint."""

    id: Id
    label: str
    hint: str = ""


FormKind = Literal["survey", "card"]
"""A prework form's answers as a note each (a survey) or as one card with fields."""


class Prework(msgspec.Struct, frozen=True, kw_only=True):
    """What each participant answers before the day, due ``due_days_before`` the workshop."""

    questions: tuple[PreworkQuestion, ...]
    due_days_before: int = 7
    kind: FormKind = "survey"


def check_agenda(agenda: tuple[AgendaItem, ...]) -> None:
    """Raise ``invalid_agenda`` unless it has at most 30 blocks, each titled in 1 to 200
    characters and lasting 0 to 1440 minutes."""
    if len(agenda) > AGENDA_MAX:
        raise InvalidCommand(f"An agenda has at most {AGENDA_MAX} items.", code="invalid_agenda")
    for item in agenda:
        check_text(item.title, 1, TITLE_MAX, "invalid_agenda")
        if not 0 <= item.minutes <= 24 * 60:
            raise InvalidCommand("An agenda item lasts 0 to 1440 minutes.", code="invalid_agenda")


PREWORK_QUESTIONS_MAX, HINT_MAX, DUE_DAYS_MAX = 30, 500, 90


def check_prework(prework: Prework) -> None:
    """Raise ``invalid_prework`` unless the form has 1 to 30 questions with distinct ids,
    labels of 1 to 200 characters, hints of at most 500, and is due 0 to 90 days before."""
    ids = [q.id for q in prework.questions]
    if not 1 <= len(ids) <= PREWORK_QUESTIONS_MAX or len(set(ids)) != len(ids):
        raise InvalidCommand(
            f"A prework form has 1 to {PREWORK_QUESTIONS_MAX} questions, each id once.",
            code="invalid_prework",
        )
    for question in prework.questions:
        check_text(question.label, 1, TITLE_MAX, "invalid_prework")
        check_text(question.hint, 0, HINT_MAX, "invalid_prework")
    if not 0 <= prework.due_days_before <= DUE_DAYS_MAX:
        raise InvalidCommand(
            f"Prework is due 0 to {DUE_DAYS_MAX} days before the workshop.",
            code="invalid_prework",
        )
