"""A board's setup as given/when/then: its prompt, the phases it uses and its vote defaults."""

from __future__ import annotations

from typing import Any

import pytest

from domain import board
from domain.actor import Actor
from domain.board_setup import PROMPT_MAX, BoardConfigured, ConfigureBoard
from domain.board_state import PHASES, Phase, VoteDefaults
from domain.errors import Forbidden, InvalidCommand, NotFound
from domain.facilitation import ChangePhase, PhaseChanged
from domain.voting import RoundOpened
from tests.domain.harness import given

HOST = Actor(id="f", role="facilitator", name="Fay")
PIA = Actor(id="pia", role="participant", name="Pia")
CREATED = board.BoardCreated(board_id="b1", workshop_id="w1", title="Group 1")
ASK = "What challenge does your city face in mobility?"
DEFAULTS = VoteDefaults()


def configured(
    prompt: str = "", phases: tuple[Phase, ...] = PHASES, **votes: Any
) -> BoardConfigured:
    return BoardConfigured(prompt=prompt, phases=phases, vote_defaults=VoteDefaults(**votes))


def test_a_facilitator_gives_the_board_a_prompt() -> None:
    state = (
        given(board.DECIDER, CREATED)
        .when(ConfigureBoard(prompt=ASK), by=HOST)
        .then(configured(ASK))
    )
    assert (state.prompt, state.phases, state.vote_defaults) == (ASK, PHASES, DEFAULTS)


def test_what_is_left_out_stays_as_it_was() -> None:
    given(board.DECIDER, CREATED, configured(ASK)).when(
        ConfigureBoard(vote_defaults=VoteDefaults(budget=3, per_item_max=1, hide_tallies=False)),
        by=HOST,
    ).then(configured(ASK, budget=3, per_item_max=1, hide_tallies=False))


def test_the_same_setup_again_records_nothing() -> None:
    given(board.DECIDER, CREATED, configured(ASK)).when(
        ConfigureBoard(prompt=ASK, phases=PHASES), by=HOST
    ).then_nothing()


def test_only_a_facilitator_configures_a_board() -> None:
    given(board.DECIDER, CREATED).when(ConfigureBoard(prompt=ASK), by=PIA).then_refused(
        Forbidden, "forbidden"
    )


def test_a_board_that_does_not_exist_is_not_configured() -> None:
    given(board.DECIDER).when(ConfigureBoard(prompt=ASK), by=HOST).then_refused(
        NotFound, "board_not_found"
    )


@pytest.mark.parametrize("prompt", ["x" * (PROMPT_MAX + 1), "bell\x07"])
def test_a_prompt_is_bounded_and_printable(prompt: str) -> None:
    given(board.DECIDER, CREATED).when(ConfigureBoard(prompt=prompt), by=HOST).then_refused(
        InvalidCommand, "invalid_prompt"
    )


@pytest.mark.parametrize(
    "phases", [(), ("vote", "collect"), ("collect", "collect"), ("collect", "cluster", "cluster")]
)
def test_phases_are_a_subset_in_order_each_once(phases: tuple[str, ...]) -> None:
    command = ConfigureBoard(phases=phases)  # type: ignore[arg-type]
    given(board.DECIDER, CREATED).when(command, by=HOST).then_refused(
        InvalidCommand, "invalid_phases"
    )


@pytest.mark.parametrize(
    ("budget", "per_item_max", "code"),
    [(0, 1, "invalid_budget"), (21, 3, "invalid_budget"), (3, 4, "invalid_per_item_max")],
)
def test_vote_defaults_follow_the_rules_of_a_round(
    budget: int, per_item_max: int, code: str
) -> None:
    defaults = VoteDefaults(budget=budget, per_item_max=per_item_max)
    given(board.DECIDER, CREATED).when(
        ConfigureBoard(vote_defaults=defaults), by=HOST
    ).then_refused(InvalidCommand, code)


def test_a_board_moves_only_to_the_phases_it_uses() -> None:
    uses = configured(phases=("collect", "vote", "decide"))
    given(board.DECIDER, CREATED, uses).when(ChangePhase(phase="cluster"), by=HOST).then_refused(
        InvalidCommand, "phase_not_used"
    )
    given(board.DECIDER, CREATED, uses).when(ChangePhase(phase="vote"), by=HOST).then(
        PhaseChanged(phase="vote", previous="collect")
    )


def test_a_board_whose_phase_is_no_longer_used_moves_to_the_next_used_one() -> None:
    in_cluster = PhaseChanged(phase="cluster", previous="collect")
    given(board.DECIDER, CREATED, in_cluster).when(
        ConfigureBoard(phases=("collect", "vote", "decide")), by=HOST
    ).then(
        configured(phases=("collect", "vote", "decide")),
        PhaseChanged(phase="vote", previous="cluster"),
    )
    in_decide = PhaseChanged(phase="decide", previous="collect")
    state = (
        given(board.DECIDER, CREATED, in_decide)
        .when(ConfigureBoard(phases=("collect", "discuss")), by=HOST)
        .then(
            configured(phases=("collect", "discuss")),
            PhaseChanged(phase="discuss", previous="decide"),
        )
    )
    assert state.phase == "discuss"


def test_the_vote_phase_is_not_dropped_while_a_round_is_open() -> None:
    round_ = RoundOpened(
        round_id="r1",
        target="notes",
        budget=5,
        per_item_max=3,
        hide_tallies=True,
        facilitators_vote=False,
        item_ids=("n1",),
    )
    given(board.DECIDER, CREATED, PhaseChanged(phase="vote", previous="collect"), round_).when(
        ConfigureBoard(phases=("collect", "discuss")), by=HOST
    ).then_refused(InvalidCommand, "round_open")
