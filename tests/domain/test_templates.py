"""Templates: a template and a breakout count make the boards to create; a template no workshop
could be made from is refused with the code of what is wrong."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from domain.agenda import AgendaItem, Prework, PreworkQuestion
from domain.board_state import VoteDefaults
from domain.errors import InvalidCommand
from domain.templates import BoardPlan, PlannedBoard, Template, boards, check_template

ASK = "What challenge does your city face?"
TEMPLATE = Template(
    id="challenges",
    name="Challenges",
    kind="challenges",
    agenda=(AgendaItem(title="Welcome", minutes=10),),
    plenary=BoardPlan(title="Plenary", prompt="Which challenges do we share?"),
    breakout=BoardPlan(title="Group", prompt=ASK),
    breakouts=2,
)


def test_a_template_makes_a_plenary_and_numbered_breakouts() -> None:
    assert boards(TEMPLATE, 3) == [
        PlannedBoard(title="Plenary", kind="plenary", prompt="Which challenges do we share?"),
        PlannedBoard(title="Group 1", kind="breakout", prompt=ASK),
        PlannedBoard(title="Group 2", kind="breakout", prompt=ASK),
        PlannedBoard(title="Group 3", kind="breakout", prompt=ASK),
    ]
    assert [b.kind for b in boards(TEMPLATE, 0)] == ["plenary"]


@pytest.mark.parametrize("count", [-1, 5])
def test_a_workshop_starts_with_0_to_4_breakouts(count: int) -> None:
    with pytest.raises(InvalidCommand) as refused:
        boards(TEMPLATE, count)
    assert refused.value.code == "invalid_breakouts"


BAD: dict[str, dict[str, Any]] = {
    "invalid_name": {"name": " "},
    "invalid_title": {"plenary": BoardPlan(title="")},
    "invalid_prompt": {"breakout": BoardPlan(title="Group", prompt="p" * 301)},
    "invalid_breakouts": {"breakouts": 5},
    "invalid_agenda": {"agenda": (AgendaItem(title="Long", minutes=2000),)},
    "invalid_phases": {"phases": ("decide", "vote")},
    "invalid_per_item_max": {"vote_defaults": VoteDefaults(budget=2, per_item_max=3)},
    "invalid_prework": {"prework": Prework(questions=(), due_days_before=3)},
}


@pytest.mark.parametrize("code", sorted(BAD))
def test_a_template_no_workshop_could_be_made_from_is_refused(code: str) -> None:
    check_template(TEMPLATE)
    bad = msgspec.structs.replace(TEMPLATE, **BAD[code])
    with pytest.raises(InvalidCommand) as refused:
        check_template(bad)
    assert refused.value.code == code


def test_a_prework_form_has_distinct_question_ids() -> None:
    twice = PreworkQuestion(id="city", label="City")
    bad = msgspec.structs.replace(TEMPLATE, prework=Prework(questions=(twice, twice)))
    with pytest.raises(InvalidCommand) as refused:
        check_template(bad)
    assert refused.value.code == "invalid_prework"
