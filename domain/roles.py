"""Who may issue which command: one table for every command of every stream kind.

``docs/roles.md`` shows the same table to people; ``tests/domain/test_roles.py`` checks that
the two agree and that every decider refuses exactly what the table forbids. Rules about
*whose* thing it is (a participant edits only their own note) stay in the deciders.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.actor import Actor
from domain.errors import Forbidden, InvalidCommand
from domain.types import Role

_EVERYONE: frozenset[Role] = frozenset({"facilitator", "participant", "observer", "auditor"})
_FACILITATORS: frozenset[Role] = frozenset({"facilitator"})
_EDITORS: frozenset[Role] = frozenset({"facilitator", "participant"})
AUDIT_READERS: frozenset[Role] = frozenset({"facilitator", "auditor"})
"""Who reads the audit desk and downloads a workshop's report and a board's notes
(``docs/roles.md``): everything they show is what these roles may read anyway."""
LOG_READERS: frozenset[Role] = frozenset({"auditor"})
"""Who downloads the whole raw log over HTTP (``docs/roles.md``): it holds every workshop's
events, people's texts sealed; the operator has it anyway (``plenary export log``)."""
_ORGANISERS: frozenset[Role] = frozenset({"organiser"})
_OPERATOR: frozenset[Role] = frozenset({"operator"})

PERMISSIONS: Mapping[str, Mapping[str, frozenset[Role]]] = {
    "board": {
        "board.create": _FACILITATORS,
        "note.add": _EDITORS,
        "note.edit": _EDITORS,
        "note.move": _EDITORS,
        "note.recolour": _EDITORS,
        "note.delete": _EDITORS,
        "cluster.create": _EDITORS,
        "cluster.rename": _EDITORS,
        "cluster.move": _EDITORS,
        "cluster.delete": _EDITORS,
        "note.cluster": _EDITORS,
        # Tidying moves everyone's notes at once: the facilitator's call.
        "cluster.tidy": _FACILITATORS,
        "board.tidy": _FACILITATORS,
        "cluster.merge": _EDITORS,
        # Several of the note and cluster commands above as one; each is checked on its own.
        "notes.batch": _EDITORS,
        "phase.change": _FACILITATORS,
        "timer.start": _FACILITATORS,
        "timer.extend": _FACILITATORS,
        "timer.stop": _FACILITATORS,
        "private.start": _FACILITATORS,
        "notes.reveal": _FACILITATORS,
        "anonymity.set": _FACILITATORS,
        "board.lock": _FACILITATORS,
        "board.unlock": _FACILITATORS,
        # Sent by the service on every breakout board at once (POST …/all).
        "board.gather": _FACILITATORS,
        "board.configure": _FACILITATORS,
        "vote.open": _FACILITATORS,
        # Facilitators cast only in rounds that let them: the voting rules check that.
        "vote.cast": _EDITORS,
        "vote.retract": _EDITORS,
        "vote.close": _FACILITATORS,
        "grid.place": _EDITORS,
        "grid.remove": _EDITORS,
        "decision.record": _FACILITATORS,
        "items.promote": _FACILITATORS,
        # Sent by the service with track.start, on the decision's own board.
        "decision.track": _FACILITATORS,
        # Sent by the service with prework.place: people's answers as their private notes.
        "notes.place": _FACILITATORS,
        "spotlight.set": _FACILITATORS,
        "spotlight.clear": _FACILITATORS,
        "comment.add": _EDITORS,
        "action.add": _FACILITATORS,
        "action.done": _FACILITATORS,
        # Each takes back only their own changes, which their role could make.
        "change.undo": _EDITORS,
        "change.redo": _EDITORS,
    },
    "workshop": {
        # An organiser creates a workshop and becomes its first facilitator (in the same step).
        "workshop.create": _FACILITATORS,
        "agenda.set": _FACILITATORS,
        "board.add": _FACILITATORS,
        # Anyone invited joins, but only as themselves: the workshop decider checks the id.
        "participant.join": _EVERYONE,
        "group.create": _FACILITATORS,
        "participant.assign": _FACILITATORS,
        "invite.create": _FACILITATORS,
        "invite.revoke": _FACILITATORS,
        "participant.remove": _FACILITATORS,
        # The operator answers erasure requests too (``plenary erase``): GDPR requests reach
        # whoever runs the service, not only a workshop's facilitators.
        "person.erase": frozenset({"facilitator", "operator"}),
        "agenda.start": _FACILITATORS,
    },
    "solution": {
        # Starting a track from a decision and presenting its outcome speak for the
        # programme, so they are the facilitator's; the team itself runs the sprints.
        "track.start": _FACILITATORS,
        "sprint.plan": _EDITORS,
        "sprint.update": _EDITORS,
        "sprint.close": _EDITORS,
        "assessment.record": _EDITORS,
        "validation.plan": _EDITORS,
        "validation.result": _EDITORS,
        "practice.document": _EDITORS,
        "presentation.record": _FACILITATORS,
    },
    "prework": {
        "prework.set": _FACILITATORS,
        # Each answers as themselves; a facilitator answers the form too if they like.
        "prework.answer": _EDITORS,
        "prework.import": _FACILITATORS,
        "prework.place": _FACILITATORS,
    },
    "programme": {
        "programme.create": _ORGANISERS,
        "workshop.include": _ORGANISERS,
        # A facilitator of one of the programme's workshops saves it as a template of the
        # programme; the service checks that the workshop is theirs.
        "template.save": _FACILITATORS,
    },
    "organisers": {
        "organiser.add": _OPERATOR,
        "organiser.remove": _OPERATOR,
    },
}
"""Stream kind → command tag → the roles allowed to issue it. Tags are unique across kinds."""

ALLOWED: Mapping[str, frozenset[Role]] = {
    tag: roles for commands in PERMISSIONS.values() for tag, roles in commands.items()
}
"""Command tag → the roles allowed to issue it, all stream kinds together."""


def authorize(actor: Actor, tag: str) -> None:
    """Return if ``actor``'s role may issue the command tagged ``tag``; else raise
    ``Forbidden`` (``forbidden``), or ``InvalidCommand`` (``unknown_command``) for a tag the
    table does not know."""
    allowed = ALLOWED.get(tag)
    if allowed is None:
        raise InvalidCommand(f"Unknown command {tag!r}.", code="unknown_command")
    if actor.role not in allowed:
        raise Forbidden(f"The role {actor.role!r} may not issue {tag!r}.", code="forbidden")
