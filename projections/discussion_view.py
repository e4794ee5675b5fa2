"""The discuss phase as people see it on a board (``BoardView.discussion``): the spotlighted
item, the comments on items and the action items of decisions, each where it sits in the log.

``projections.board_view`` folds a board's discussion events here; the page's fold
(``web_client/discussion.js``) builds the same shape.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from domain import discussion
from domain.recorded import RecordedEvent


class CommentView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    item_id: str
    text: str
    author: str
    created_at: datetime
    version: int


class ActionView(msgspec.Struct, frozen=True, kw_only=True):
    """An action item of the decision ``decision_id``: what, who owns it (a name), by when."""

    id: str
    decision_id: str
    text: str
    owner_name: str
    due: str
    """YYYY-MM-DD."""
    done: bool = False
    created_at: datetime
    version: int
    """The board version of its last change (added, or marked done)."""


class DiscussionView(msgspec.Struct, frozen=True, kw_only=True):
    spotlight: str | None = None
    """The note or cluster everyone's board follows, if any."""
    comments: tuple[CommentView, ...] = ()
    """In the order they were written."""
    actions: tuple[ActionView, ...] = ()
    """In the order they were added."""


def apply(view: DiscussionView, event: discussion.Event, rec: RecordedEvent) -> DiscussionView:
    """``view`` with ``event`` applied."""
    replace = msgspec.structs.replace
    match event:
        case discussion.SpotlightSet():
            return replace(view, spotlight=event.item_id)
        case discussion.SpotlightCleared():
            return replace(view, spotlight=None)
        case discussion.CommentAdded():
            comment = CommentView(
                id=event.comment_id,
                item_id=event.item_id,
                text=event.text,
                author=event.author,
                created_at=rec.recorded_at,
                version=rec.version,
            )
            return replace(view, comments=(*view.comments, comment))
        case discussion.ActionAdded():
            action = ActionView(
                id=event.action_id,
                decision_id=event.decision_id,
                text=event.text,
                owner_name=event.owner_name,
                due=event.due,
                created_at=rec.recorded_at,
                version=rec.version,
            )
            return replace(view, actions=(*view.actions, action))
        case discussion.ActionCompleted():
            actions = tuple(
                replace(a, done=True, version=rec.version) if a.id == event.action_id else a
                for a in view.actions
            )
            return replace(view, actions=actions)
    return view
