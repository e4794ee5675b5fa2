"""Dot voting and the impact/effort grid on one board.

A round puts a fixed ballot of notes or clusters to the vote. Each voter has ``budget`` dots
and may put at most ``per_item_max`` on one item; a dot is retractable while the round is
open. With ``hide_tallies`` (the default) a vote is private to its voter until the round
closes: the ``vote.cast`` and ``vote.retracted`` events name the voter in ``private_to`` and
``vote.closed`` publishes the results. Every round is kept; one is open at a time.

Just over 300 lines, on purpose: the rounds' rules and the grid's share their commands'
checks and are read together.
"""

from __future__ import annotations

import math

import msgspec

from domain.actor import Actor
from domain.board_state import Board, Id, Placement, Round, VoteTarget, item_kind
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound

BUDGET_DEFAULT, BUDGET_MAX = 5, 20
PER_ITEM_DEFAULT = 3
BALLOT_MAX = 200
GRID_MAX = 10.0


class VotingCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the voting and prioritisation commands."""


class OpenRound(VotingCommand, frozen=True, kw_only=True, tag="vote.open"):
    """Open round ``round_id`` on ``item_ids``, or on every visible note or cluster if empty."""

    round_id: Id
    target: VoteTarget = "clusters"
    budget: int = BUDGET_DEFAULT
    per_item_max: int = PER_ITEM_DEFAULT
    hide_tallies: bool = True
    facilitators_vote: bool = False
    item_ids: tuple[Id, ...] = ()


class CastVote(VotingCommand, frozen=True, kw_only=True, tag="vote.cast"):
    """Put one dot on ``item_id``."""

    round_id: Id
    item_id: Id


class RetractVote(VotingCommand, frozen=True, kw_only=True, tag="vote.retract"):
    """Take one dot back from ``item_id``."""

    round_id: Id
    item_id: Id


class CloseRound(VotingCommand, frozen=True, kw_only=True, tag="vote.close"):
    round_id: Id


class PlaceOnGrid(VotingCommand, frozen=True, kw_only=True, tag="grid.place"):
    item_id: Id
    impact: float
    effort: float


class RemoveFromGrid(VotingCommand, frozen=True, kw_only=True, tag="grid.remove"):
    item_id: Id


Command = OpenRound | CastVote | RetractVote | CloseRound | PlaceOnGrid | RemoveFromGrid


class VotingEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the voting and prioritisation events."""


class RoundOpened(VotingEvent, frozen=True, kw_only=True, tag="vote.opened"):
    round_id: str
    target: VoteTarget
    budget: int
    per_item_max: int
    hide_tallies: bool
    facilitators_vote: bool
    item_ids: tuple[str, ...]


class VoteCast(VotingEvent, frozen=True, kw_only=True, tag="vote.cast"):
    round_id: str
    item_id: str
    voter: str
    private_to: str | None = None
    """The voter, while the round hides its tallies: nobody else may see this event yet."""


class VoteRetracted(VotingEvent, frozen=True, kw_only=True, tag="vote.retracted"):
    round_id: str
    item_id: str
    voter: str
    private_to: str | None = None


class Tally(msgspec.Struct, frozen=True, kw_only=True):
    item_id: str
    votes: int


class RoundClosed(VotingEvent, frozen=True, kw_only=True, tag="vote.closed"):
    """The round's results, most dots first (ties by item id), and how many people voted."""

    round_id: str
    results: tuple[Tally, ...]
    voters: int


class PlacedOnGrid(VotingEvent, frozen=True, kw_only=True, tag="grid.placed"):
    item_id: str
    impact: float
    effort: float


class RemovedFromGrid(VotingEvent, frozen=True, kw_only=True, tag="grid.removed"):
    item_id: str


Event = RoundOpened | VoteCast | VoteRetracted | RoundClosed | PlacedOnGrid | RemovedFromGrid


# --------------------------------------------------------------------------- rules


def results(round_: Round) -> tuple[Tally, ...]:
    """The round's tally, most dots first, ties broken by item id."""
    ranked = sorted(round_.tally().items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Tally(item_id=item_id, votes=votes) for item_id, votes in ranked)


def _round(state: Board, round_id: str, *, open_: bool = True) -> Round:
    found = state.rounds.get(round_id)
    if found is None:
        raise NotFound(f"There is no vote round {round_id!r}.", code="unknown_round")
    if open_ and not found.open:
        raise InvalidCommand(f"The round {round_id!r} is closed.", code="round_closed")
    return found


def _ballot(state: Board, command: OpenRound) -> tuple[str, ...]:
    if command.item_ids:
        if len(set(command.item_ids)) != len(command.item_ids):
            raise InvalidCommand("An item is on the ballot once.", code="duplicate_id")
        for item_id in command.item_ids:
            if item_kind(state, item_id) != command.target:
                raise InvalidCommand(
                    f"{item_id!r} is not one of the board's {command.target}.",
                    code="wrong_target",
                )
        return command.item_ids
    if command.target == "notes":
        ids = [nid for nid, n in state.notes.items() if not n.deleted and not n.hidden]
    else:
        ids = [cid for cid, c in state.clusters.items() if not c.deleted]
    return tuple(sorted(ids))


def check_dots(budget: int, per_item_max: int) -> None:
    """Raise ``invalid_budget`` unless ``budget`` is 1 to ``BUDGET_MAX`` dots, and
    ``invalid_per_item_max`` unless ``per_item_max`` is 1 to the budget."""
    if not 1 <= budget <= BUDGET_MAX:
        raise InvalidCommand(f"A budget is 1 to {BUDGET_MAX} dots.", code="invalid_budget")
    if not 1 <= per_item_max <= budget:
        raise InvalidCommand(
            "The most dots per item is 1 to the budget.", code="invalid_per_item_max"
        )


def _decide_open(state: Board, command: OpenRound) -> list[Event]:
    if state.phase != "vote":
        raise InvalidCommand("Rounds open in the vote phase.", code="wrong_phase")
    if command.round_id in state.rounds:
        raise AlreadyExists(f"The round {command.round_id!r} exists.", code="duplicate_id")
    if state.open_round is not None:
        raise InvalidCommand(f"The round {state.open_round!r} is still open.", code="round_open")
    check_dots(command.budget, command.per_item_max)
    ballot = _ballot(state, command)
    if not ballot or len(ballot) > BALLOT_MAX:
        raise InvalidCommand(
            f"A ballot holds 1 to {BALLOT_MAX} {command.target}.", code="empty_ballot"
        )
    return [
        RoundOpened(
            round_id=command.round_id,
            target=command.target,
            budget=command.budget,
            per_item_max=command.per_item_max,
            hide_tallies=command.hide_tallies,
            facilitators_vote=command.facilitators_vote,
            item_ids=ballot,
        )
    ]


def _decide_cast(state: Board, command: CastVote, actor: Actor) -> list[Event]:
    round_ = _round(state, command.round_id)
    if actor.role == "facilitator" and not round_.facilitators_vote:
        raise Forbidden("Facilitators do not vote in this round.", code="facilitators_do_not_vote")
    if command.item_id not in round_.item_ids:
        raise InvalidCommand(f"{command.item_id!r} is not on the ballot.", code="not_on_ballot")
    if round_.used(actor.id) >= round_.budget:
        raise InvalidCommand(
            f"All {round_.budget} of your dots are placed.", code="vote_budget_exceeded"
        )
    if round_.votes.get(actor.id, {}).get(command.item_id, 0) >= round_.per_item_max:
        raise InvalidCommand(
            f"An item takes at most {round_.per_item_max} of your dots.", code="vote_item_limit"
        )
    private = actor.id if round_.hide_tallies else None
    return [
        VoteCast(
            round_id=command.round_id, item_id=command.item_id, voter=actor.id, private_to=private
        )
    ]


def _decide_retract(state: Board, command: RetractVote, actor: Actor) -> list[Event]:
    round_ = _round(state, command.round_id)
    if round_.votes.get(actor.id, {}).get(command.item_id, 0) == 0:
        raise NotFound("You have no dot on that item in this round.", code="no_vote")
    private = actor.id if round_.hide_tallies else None
    return [
        VoteRetracted(
            round_id=command.round_id, item_id=command.item_id, voter=actor.id, private_to=private
        )
    ]


def _decide_grid(state: Board, command: PlaceOnGrid | RemoveFromGrid) -> list[Event]:
    if isinstance(command, RemoveFromGrid):
        return [RemovedFromGrid(item_id=command.item_id)] if command.item_id in state.grid else []
    item_kind(state, command.item_id)
    for value in (command.impact, command.effort):
        if not math.isfinite(value) or not 0.0 <= value <= GRID_MAX:
            raise InvalidCommand(
                f"Impact and effort are numbers from 0 to {GRID_MAX:g}.", code="invalid_grid"
            )
    placement = Placement(impact=command.impact, effort=command.effort)
    if state.grid.get(command.item_id) == placement:
        return []
    return [PlacedOnGrid(item_id=command.item_id, impact=command.impact, effort=command.effort)]


def decide(state: Board, command: Command, actor: Actor) -> list[Event]:
    """The voting events for ``command`` (the caller checked the role and the board)."""
    match command:
        case OpenRound():
            return _decide_open(state, command)
        case CastVote():
            return _decide_cast(state, command, actor)
        case RetractVote():
            return _decide_retract(state, command, actor)
        case CloseRound(round_id=round_id):
            round_ = _round(state, round_id, open_=False)
            if not round_.open:
                return []
            voters = sum(1 for ballot in round_.votes.values() if any(ballot.values()))
            return [RoundClosed(round_id=round_id, results=results(round_), voters=voters)]
        case PlaceOnGrid() | RemoveFromGrid():
            return _decide_grid(state, command)


# --------------------------------------------------------------------------- evolve


def _count(round_: Round, voter: str, item_id: str, delta: int) -> Round:
    ballot = dict(round_.votes.get(voter, {}))
    ballot[item_id] = ballot.get(item_id, 0) + delta
    if ballot[item_id] <= 0:
        del ballot[item_id]
    return msgspec.structs.replace(round_, votes={**round_.votes, voter: ballot})


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied; never raises."""
    replace = msgspec.structs.replace
    match event:
        case RoundOpened():
            round_ = Round(
                target=event.target,
                budget=event.budget,
                per_item_max=event.per_item_max,
                hide_tallies=event.hide_tallies,
                facilitators_vote=event.facilitators_vote,
                item_ids=event.item_ids,
            )
            return replace(
                state, rounds={**state.rounds, event.round_id: round_}, open_round=event.round_id
            )
        case VoteCast() | VoteRetracted():
            delta = 1 if isinstance(event, VoteCast) else -1
            round_ = _count(state.rounds[event.round_id], event.voter, event.item_id, delta)
            return replace(state, rounds={**state.rounds, event.round_id: round_})
        case RoundClosed():
            closed = replace(state.rounds[event.round_id], open=False)
            return replace(state, rounds={**state.rounds, event.round_id: closed}, open_round=None)
        case PlacedOnGrid():
            placement = Placement(impact=event.impact, effort=event.effort)
            return replace(state, grid={**state.grid, event.item_id: placement})
        case RemovedFromGrid():
            grid = {k: v for k, v in state.grid.items() if k != event.item_id}
            return replace(state, grid=grid)
    return state
