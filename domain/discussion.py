"""The discuss phase: the facilitator's spotlight, people's comments and decisions' action items.

In the discuss phase the facilitator spotlights one note or cluster at a time (the page offers
the next one in the latest closed round's ranking); everyone's board follows it unless they
opt out, which is the page's own business. People comment on any item they see (the page
shows the spotlighted item's comments). A decision gets action items, each with what is to be
done, who owns it (a name as the facilitator types it: the owner may be outside the workshop)
and a due day; the facilitator marks one done. Comments and action items are kept for good:
they are part of how a decision was reached and carried out.
"""

from __future__ import annotations

import msgspec

from domain.actor import Actor
from domain.board_state import ActionState, Board, Id, check_text, item_kind
from domain.checks import check_day
from domain.errors import AlreadyExists, InvalidCommand, NotFound

COMMENT_MAX = 1000
ACTION_MAX = 300
OWNER_MAX = 120


class DiscussionCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the discussion commands."""


class SetSpotlight(DiscussionCommand, frozen=True, kw_only=True, tag="spotlight.set"):
    item_id: Id


class ClearSpotlight(DiscussionCommand, frozen=True, kw_only=True, tag="spotlight.clear"):
    pass


class AddComment(DiscussionCommand, frozen=True, kw_only=True, tag="comment.add"):
    comment_id: Id
    item_id: Id
    text: str


class AddAction(DiscussionCommand, frozen=True, kw_only=True, tag="action.add"):
    action_id: Id
    decision_id: Id
    text: str
    owner_name: str
    due: str
    """The day it is due, YYYY-MM-DD."""


class CompleteAction(DiscussionCommand, frozen=True, kw_only=True, tag="action.done"):
    action_id: Id


Command = SetSpotlight | ClearSpotlight | AddComment | AddAction | CompleteAction


class DiscussionEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of the discussion events."""


class SpotlightSet(DiscussionEvent, frozen=True, kw_only=True, tag="spotlight.set"):
    item_id: str


class SpotlightCleared(DiscussionEvent, frozen=True, kw_only=True, tag="spotlight.cleared"):
    pass


class CommentAdded(DiscussionEvent, frozen=True, kw_only=True, tag="comment.added"):
    comment_id: str
    item_id: str
    text: str
    author: str


class ActionAdded(DiscussionEvent, frozen=True, kw_only=True, tag="action.added"):
    action_id: str
    decision_id: str
    text: str
    owner_name: str
    due: str


class ActionCompleted(DiscussionEvent, frozen=True, kw_only=True, tag="action.completed"):
    action_id: str


Event = SpotlightSet | SpotlightCleared | CommentAdded | ActionAdded | ActionCompleted


def decide(state: Board, command: Command, actor: Actor) -> list[Event]:
    """The events for ``command`` (the caller checked the role, the board and the gate).
    Raises ``wrong_phase``, the item's own codes (``unknown_item``, ``note_hidden``, …),
    ``duplicate_id``, ``invalid_comment``, ``decision_not_found``, ``invalid_action``,
    ``invalid_owner``, ``invalid_date``, ``unknown_action``."""
    talk = state.discussion
    match command:
        case SetSpotlight(item_id=item_id):
            if state.phase != "discuss":
                raise InvalidCommand("The spotlight is for the discuss phase.", code="wrong_phase")
            item_kind(state, item_id)
            return [] if talk.spotlight == item_id else [SpotlightSet(item_id=item_id)]
        case ClearSpotlight():
            return [] if talk.spotlight is None else [SpotlightCleared()]
        case AddComment(comment_id=comment_id, item_id=item_id, text=text):
            _check_new(comment_id in talk.comments, comment_id)
            check_text(text, COMMENT_MAX, "invalid_comment")
            item_kind(state, item_id)
            return [
                CommentAdded(comment_id=comment_id, item_id=item_id, text=text, author=actor.id)
            ]
        case AddAction():
            return [_decide_action(state, command)]
        case CompleteAction(action_id=action_id):
            action = talk.actions.get(action_id)
            if action is None:
                raise NotFound(f"There is no action item {action_id!r}.", code="unknown_action")
            return [] if action.done else [ActionCompleted(action_id=action_id)]
    raise InvalidCommand(f"Unknown board command {type(command).__name__}.", code="unknown_command")


def _check_new(taken: bool, entity_id: str) -> None:
    if taken:
        raise AlreadyExists(f"The id {entity_id!r} is already used.", code="duplicate_id")


def _decide_action(state: Board, command: AddAction) -> ActionAdded:
    _check_new(command.action_id in state.discussion.actions, command.action_id)
    if command.decision_id not in state.decisions:
        raise NotFound("There is no such decision on this board.", code="decision_not_found")
    check_text(command.text, ACTION_MAX, "invalid_action", "action item")
    check_text(command.owner_name, OWNER_MAX, "invalid_owner", "owner's name")
    check_day(command.due)
    return ActionAdded(
        action_id=command.action_id,
        decision_id=command.decision_id,
        text=command.text,
        owner_name=command.owner_name,
        due=command.due,
    )


def evolve(state: Board, event: Event) -> Board:
    """``state`` with ``event`` applied; never raises."""
    replace = msgspec.structs.replace
    talk = state.discussion
    match event:
        case SpotlightSet():
            talk = replace(talk, spotlight=event.item_id)
        case SpotlightCleared():
            talk = replace(talk, spotlight=None)
        case CommentAdded():
            talk = replace(talk, comments=talk.comments | {event.comment_id})
        case ActionAdded():
            action = ActionState(decision_id=event.decision_id)
            talk = replace(talk, actions={**talk.actions, event.action_id: action})
        case ActionCompleted():
            done = replace(talk.actions[event.action_id], done=True)
            talk = replace(talk, actions={**talk.actions, event.action_id: done})
    return replace(state, discussion=talk)
