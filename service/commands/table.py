"""Every command Plenary takes, in one table: the stream kind and decider that decide it, where
a client may send it, and whether a token narrowed to one board may.

Built from the domain's own ``Command`` unions, so a command added to a decider is in the table
(and ``tests/domain/test_roles.py`` keeps the role table in step). What a route needs prepared
(a promotion's plan) or which flow runs it (a track's start, a group with its board, an
erasure) is ``service.commands.handle``'s, keyed by the same tags.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from domain import board, organisers, prework, programme, solution, workshop
from domain.decider import Decider

Kind = Literal["board", "workshop", "solution", "programme", "organisers", "prework"]
Transport = Literal["http", "ws"]
"""Where a client sends a command itself: a body of ``POST /api/boards/{id}/commands`` or
``POST /api/tracks/{id}/commands``, or a socket's ``command`` frame. The service's own
endpoints and flows issue the rest."""

BOTH: frozenset[Transport] = frozenset({"http", "ws"})
SOCKET: frozenset[Transport] = frozenset({"ws"})
NONE: frozenset[Transport] = frozenset()


@dataclass(frozen=True, slots=True)
class Route:
    """How one command enters."""

    tag: str
    kind: Kind
    decider: Decider[Any, Any, Any]
    transports: frozenset[Transport]
    elsewhere: str = ""
    """Where to send it instead, when a client sends it where it does not go."""
    scoped: bool = True
    """Whether a token narrowed to one board may send it."""


_DECIDERS: dict[Kind, tuple[Any, Decider[Any, Any, Any]]] = {
    "board": (board.Command, board.DECIDER),
    "workshop": (workshop.Command, workshop.DECIDER),
    "solution": (solution.Command, solution.DECIDER),
    "programme": (programme.Command, programme.DECIDER),
    "organisers": (organisers.Command, organisers.DECIDER),
    "prework": (prework.Command, prework.DECIDER),
}

_KIND_TRANSPORTS: dict[Kind, frozenset[Transport]] = {
    "board": BOTH,
    "workshop": SOCKET,  # the HTTP API has an endpoint for each workshop command it takes
    "solution": BOTH,
    "programme": NONE,
    "organisers": NONE,
    "prework": NONE,  # its own endpoints: the service says what day it is, plans placements
}

_SPECIAL: dict[str, tuple[frozenset[Transport], str]] = {
    "board.create": (NONE, "Create boards with POST /api/workshops/{id}/boards."),
    "decision.track": (NONE, "Start tracks with POST /api/workshops/{id}/tracks."),
    "track.start": (SOCKET, "Start tracks with POST /api/workshops/{id}/tracks."),
    "workshop.create": (NONE, "Create workshops with POST /api/workshops."),
    "board.add": (NONE, "Create boards with POST /api/workshops/{id}/boards."),
    "participant.join": (NONE, "Join with POST /api/workshops/{id}/join."),
    "invite.create": (NONE, "Invite with POST /api/workshops/{id}/invites."),
    "board.gather": (NONE, "Call everyone to the plenary with POST /api/workshops/{id}/all."),
    "agenda.start": (NONE, "Start an agenda block with POST /api/workshops/{id}/agenda/start."),
    "notes.place": (NONE, "Place prework with POST /api/workshops/{id}/prework/place."),
}
"""Routes whose transports differ from their kind's: what a client may not send itself."""

_WHOLE_WORKSHOP = frozenset(
    {
        "group.create",
        "participant.assign",
        "participant.remove",
        "person.erase",
        "board.add",
        "workshop.create",
        "agenda.start",
        "agenda.set",
        "template.save",
        "prework.set",
        "prework.import",
        "prework.place",
    }
)
"""Commands a token narrowed to one board may not send (``forbidden``)."""


def _build() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for kind, (union, decider) in _DECIDERS.items():
        for member in typing.get_args(union):
            tag = member.__struct_config__.tag
            transports, elsewhere = _SPECIAL.get(tag, (_KIND_TRANSPORTS[kind], ""))
            scoped = tag not in _WHOLE_WORKSHOP
            routes[tag] = Route(tag, kind, decider, transports, elsewhere, scoped)
    return routes


ROUTES: Mapping[str, Route] = _build()
"""Command tag → its route."""
