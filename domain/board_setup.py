"""A board's setup: the prompt it shows, the phases it uses and the defaults of its vote rounds.

A template sets them when the workshop is created (``docs/templates.md``); a facilitator
changes them before or during the workshop with ``board.configure``. ``board.configured``
carries the whole setup after the change, so a reader needs only the last one.
"""

from __future__ import annotations

import msgspec

from domain.board_state import PHASES, Board, Phase, VoteDefaults
from domain.checks import check_characters
from domain.errors import InvalidCommand
from domain.facilitation import PhaseChanged
from domain.voting import check_dots

PROMPT_MAX = 300


class SetupCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the board's setup commands."""


class ConfigureBoard(SetupCommand, frozen=True, kw_only=True, tag="board.configure"):
    """Change what is given; leave out (or null) what stays as it is."""

    prompt: str | None = None
    phases: tuple[Phase, ...] | None = None
    vote_defaults: VoteDefaults | None = None


Command = ConfigureBoard


class SetupEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the board's setup events."""


class BoardConfigured(SetupEvent, frozen=True, kw_only=True, tag="board.configured"):
    """The board's whole setup from now on."""

    prompt: str
    phases: tuple[Phase, ...]
    vote_defaults: VoteDefaults


Event = BoardConfigured


def check_prompt(prompt: str) -> None:
    """Raise ``invalid_prompt`` unless ``prompt`` has at most ``PROMPT_MAX`` characters and no
    control character (empty: the board shows none)."""
    if len(prompt) > PROMPT_MAX:
        raise InvalidCommand(
            f"A prompt has at most {PROMPT_MAX} characters ({len(prompt)} given).",
            code="invalid_prompt",
        )
    check_characters(prompt, "invalid_prompt")


def check_phases(phases: tuple[Phase, ...]) -> None:
    """Raise ``invalid_phases`` unless ``phases`` is a non-empty subset of the phases, each
    once, in their order (collect, cluster, vote, discuss, decide)."""
    if not phases or list(phases) != [p for p in PHASES if p in phases]:
        raise InvalidCommand(
            "A board uses one or more of collect, cluster, vote, discuss, decide, each once, "
            "in that order.",
            code="invalid_phases",
        )


def check_vote_defaults(defaults: VoteDefaults) -> None:
    """Raise ``invalid_budget`` or ``invalid_per_item_max`` as ``vote.open`` would."""
    check_dots(defaults.budget, defaults.per_item_max)


def decide(state: Board, command: Command) -> list[BoardConfigured | PhaseChanged]:
    """``board.configured`` with the new setup, and ``phase.changed`` when the board's phase
    is no longer used (to the next used phase, else the last); ``[]`` if nothing changes.
    Raises ``invalid_prompt``, ``invalid_phases``, ``invalid_budget``,
    ``invalid_per_item_max``, and ``round_open`` when the phase would move during a round."""
    prompt = state.prompt if command.prompt is None else command.prompt
    phases = state.phases if command.phases is None else command.phases
    defaults = state.vote_defaults if command.vote_defaults is None else command.vote_defaults
    check_prompt(prompt)
    check_phases(phases)
    check_vote_defaults(defaults)
    if (prompt, phases, defaults) == (state.prompt, state.phases, state.vote_defaults):
        return []
    configured = BoardConfigured(prompt=prompt, phases=phases, vote_defaults=defaults)
    if state.phase in phases:
        return [configured]
    if state.open_round is not None:
        raise InvalidCommand(
            "Close the open vote round before the board stops using its phase.", code="round_open"
        )
    here = PHASES.index(state.phase)
    after = next((p for p in phases if PHASES.index(p) > here), phases[-1])
    return [configured, PhaseChanged(phase=after, previous=state.phase)]


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied; never raises."""
    return msgspec.structs.replace(
        state, prompt=event.prompt, phases=event.phases, vote_defaults=event.vote_defaults
    )
