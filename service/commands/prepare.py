"""Preparation steps: what a command needs from beyond its own stream, read before it is run.

A promotion gets its plan: the service reads the source board and the plenary board, and
``decisions.plan_promotion`` (the rule lives in the domain) decides what to copy and where it
goes on the plenary, replacing any plan a client sent.
"""

from __future__ import annotations

import msgspec

from domain import board, decisions
from domain.actor import Actor
from domain.codec import tag_of
from domain.errors import DomainError, no_such_board
from domain.roles import authorize
from domain.streams import board_stream
from service.commands.runner import CommandRunner


async def plan_promotion(
    runner: CommandRunner,
    board_id: str,
    command: decisions.PromoteItems,
    actor: Actor,
    command_id: str,
    scope: str | None = None,
) -> decisions.PromoteItems:
    """``command`` with the plan of what it copies, read from its source board as it is now.

    ``scope`` is the one board the caller's token opens, if it is narrowed to one: a source
    outside it is ``board_not_found``. A resent promotion whose plan no longer holds (its
    source cluster since deleted) is left to the runner, which answers it as the first time.
    """
    authorize(actor, tag_of(command))  # before reading another board for anyone
    try:
        return await _planned(runner, board_id, command, scope)
    except DomainError:
        if await runner.store.command_events(command_id):
            return command
        raise


async def _planned(
    runner: CommandRunner, board_id: str, command: decisions.PromoteItems, scope: str | None
) -> decisions.PromoteItems:
    source_id = command.source_board_id
    if scope is not None and scope != source_id:
        raise no_such_board()
    target = (await runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)).state
    if not target.created:
        raise no_such_board()
    # Read through to the store: the plan must hold the source as it is now.
    source = (await runner.load(board.DECIDER, board_stream(source_id))).state
    if not source.created:
        raise no_such_board()
    plan = decisions.plan_promotion(source, command, target=target)
    return msgspec.structs.replace(command, plan=plan)
