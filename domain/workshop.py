"""The workshop decider (stream ``workshop-<id>``): what a workshop is, its boards, the people
who joined and the breakout groups they are in.

Facilitated programmes grow this module further: agenda, phases, outcomes.

Longer than most modules, on purpose: a decider's commands, events, state, rules and fold
are read together, and a workshop has many (boards, people, groups, invites, removal).
Split, a rule would sit away from the state it reads.
"""

from __future__ import annotations

import msgspec

from domain.actor import Actor
from domain.agenda import AGENDA_MAX, AgendaItem, Prework, check_agenda, check_prework
from domain.board import TITLE_MAX, BoardKind, Id
from domain.checks import check_day, check_text
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.roles import authorize
from domain.types import WorkshopKind, WorkshopRole

__all__ = ["AGENDA_MAX", "AgendaItem", "Prework", "WorkshopKind"]
"""Re-exported: a workshop's agenda and prework are ``domain.agenda``'s values, its kinds
``domain.types``'."""

GROUP_LIMIT = 4
"""Breakout groups per workshop, at most."""
GROUP_SIZE_DEFAULT, GROUP_SIZE_MIN, GROUP_SIZE_MAX = 6, 2, 12
NAME_MAX = 80
ORGANISATION_MAX = 120


class WorkshopCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every workshop command."""


class CreateWorkshop(WorkshopCommand, frozen=True, kw_only=True, tag="workshop.create"):
    workshop_id: Id
    title: str
    kind: WorkshopKind = "challenges"
    date: str | None = None
    """ISO date (``2026-11-27``) the workshop takes place, if planned."""
    group_size_limit: int = GROUP_SIZE_DEFAULT
    """How many people a breakout group holds at most (2–12)."""
    agenda: tuple[AgendaItem, ...] = ()
    programme: Id = "default"
    """The co-design programme the workshop belongs to; its outcomes count together."""
    prework: Prework | None = None
    """The form participants answer before the day, if the workshop has one."""


class SetAgenda(WorkshopCommand, frozen=True, kw_only=True, tag="agenda.set"):
    """The whole agenda from now on, before or during the workshop."""

    agenda: tuple[AgendaItem, ...]


class AddBoard(WorkshopCommand, frozen=True, kw_only=True, tag="board.add"):
    board_id: Id
    title: str
    kind: BoardKind = "breakout"


class JoinWorkshop(WorkshopCommand, frozen=True, kw_only=True, tag="participant.join"):
    """A person joins as themselves; ``role`` is their invite's, checked by the service."""

    actor_id: Id
    name: str
    organisation: str = ""
    role: WorkshopRole
    invite_id: Id | None = None
    """The invite the person joined with (the service fills it in), so the list of invites
    says which were used."""


class CreateGroup(WorkshopCommand, frozen=True, kw_only=True, tag="group.create"):
    group_id: Id
    name: str
    board_id: Id


class AssignParticipant(WorkshopCommand, frozen=True, kw_only=True, tag="participant.assign"):
    """Put a person in a group, move them to another one, or take them out (``None``)."""

    actor_id: Id
    group_id: Id | None


class CreateInvite(WorkshopCommand, frozen=True, kw_only=True, tag="invite.create"):
    """An invite link to share: whoever opens it joins in ``role`` (on ``board_id`` only, if
    given) until ``expires_at`` (Unix seconds, chosen by the service) or until revoked."""

    invite_id: Id
    role: WorkshopRole
    name: str = ""
    board_id: Id | None = None
    expires_at: int


class RevokeInvite(WorkshopCommand, frozen=True, kw_only=True, tag="invite.revoke"):
    invite_id: Id


class RemoveParticipant(WorkshopCommand, frozen=True, kw_only=True, tag="participant.remove"):
    """Take a person out of the workshop: their tokens stop working, their work stays."""

    actor_id: Id


class ErasePerson(WorkshopCommand, frozen=True, kw_only=True, tag="person.erase"):
    """Erase a person (GDPR art. 17): they are removed, and what they wrote becomes unreadable
    everywhere once the service drops their key (``docs/privacy.md``)."""

    actor_id: Id


class StartAgendaItem(WorkshopCommand, frozen=True, kw_only=True, tag="agenda.start"):
    """The day moves on to the agenda's block ``index`` (from 0): the live agenda shows it."""

    index: int


Command = (
    CreateWorkshop
    | SetAgenda
    | AddBoard
    | JoinWorkshop
    | CreateGroup
    | AssignParticipant
    | CreateInvite
    | RevokeInvite
    | RemoveParticipant
    | ErasePerson
    | StartAgendaItem
)


class WorkshopEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every workshop event."""


class WorkshopCreated(WorkshopEvent, frozen=True, kw_only=True, tag="workshop.created"):
    workshop_id: str
    title: str
    kind: WorkshopKind
    facilitator: str
    date: str | None = None
    group_size_limit: int = GROUP_SIZE_DEFAULT
    agenda: tuple[AgendaItem, ...] = ()
    programme: str = "default"
    prework: Prework | None = None


class AgendaChanged(WorkshopEvent, frozen=True, kw_only=True, tag="agenda.changed"):
    agenda: tuple[AgendaItem, ...]


class BoardAdded(WorkshopEvent, frozen=True, kw_only=True, tag="board.added"):
    board_id: str
    title: str
    kind: BoardKind


class ParticipantJoined(WorkshopEvent, frozen=True, kw_only=True, tag="participant.joined"):
    actor_id: str
    name: str
    organisation: str
    role: WorkshopRole
    invite_id: str | None = None


class GroupCreated(WorkshopEvent, frozen=True, kw_only=True, tag="group.created"):
    group_id: str
    name: str
    board_id: str


class ParticipantAssigned(WorkshopEvent, frozen=True, kw_only=True, tag="participant.assigned"):
    """The person is now in ``group_id``, or in no group when it is null."""

    actor_id: str
    group_id: str | None


class InviteCreated(WorkshopEvent, frozen=True, kw_only=True, tag="invite.created"):
    invite_id: str
    role: WorkshopRole
    name: str
    board_id: str | None
    expires_at: int
    by: str


class InviteRevoked(WorkshopEvent, frozen=True, kw_only=True, tag="invite.revoked"):
    invite_id: str


class ParticipantRemoved(WorkshopEvent, frozen=True, kw_only=True, tag="participant.removed"):
    actor_id: str


class PersonErased(WorkshopEvent, frozen=True, kw_only=True, tag="person.erased"):
    """The person is out of the workshop and their key is gone: their texts read "(erased)".
    Holds no personal data, only the id."""

    actor_id: str


class AgendaItemStarted(WorkshopEvent, frozen=True, kw_only=True, tag="agenda.started"):
    index: int
    title: str
    minutes: int


Event = (
    WorkshopCreated
    | AgendaChanged
    | BoardAdded
    | ParticipantJoined
    | GroupCreated
    | ParticipantAssigned
    | InviteCreated
    | InviteRevoked
    | ParticipantRemoved
    | PersonErased
    | AgendaItemStarted
)


class BoardRef(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: BoardKind


class ParticipantRef(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    organisation: str
    role: WorkshopRole
    group_id: str | None = None
    removed: bool = False
    erased: bool = False
    """Erased (and removed): what they wrote reads "(erased)"."""


class InviteRef(msgspec.Struct, frozen=True, kw_only=True):
    role: WorkshopRole
    name: str
    board_id: str | None
    expires_at: int
    by: str
    revoked: bool = False
    joined: int = 0
    """How many people joined with it."""


class GroupRef(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    board_id: str


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules need to know about a workshop. Treat the dicts as immutable."""

    workshop_id: str = ""
    title: str = ""
    kind: WorkshopKind = "challenges"
    facilitator: str = ""
    created: bool = False
    date: str | None = None
    agenda: tuple[AgendaItem, ...] = ()
    programme: str = "default"
    prework: Prework | None = None
    boards: dict[str, BoardRef] = msgspec.field(default_factory=dict)
    group_size_limit: int = GROUP_SIZE_DEFAULT
    participants: dict[str, ParticipantRef] = msgspec.field(default_factory=dict)
    groups: dict[str, GroupRef] = msgspec.field(default_factory=dict)
    invites: dict[str, InviteRef] = msgspec.field(default_factory=dict)
    agenda_current: int | None = None
    """The agenda block running now (``agenda.start``), if one was started."""

    def members(self, group_id: str) -> list[str]:
        """The ids of the people in ``group_id``, in the order they joined the workshop."""
        return [pid for pid, p in self.participants.items() if p.group_id == group_id]

    def removed(self, actor_id: str) -> bool:
        """Whether ``actor_id`` was taken out of the workshop."""
        person = self.participants.get(actor_id)
        return person is not None and person.removed


initial_state = Workshop()


# --------------------------------------------------------------------------- rules


def decide(state: Workshop, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; ``[]`` when nothing changes. Raises ``forbidden`` (per
    ``domain.roles``, or joining as someone else), ``workshop_exists``, ``workshop_not_found``
    and the codes of each command's rules (see ``docs/api.md``)."""
    authorize(actor, tag_of(command))
    if isinstance(command, CreateWorkshop):
        return _decide_create(state, command, actor)
    if not state.created:
        raise NotFound("This workshop does not exist.", code="workshop_not_found")
    match command:
        case SetAgenda():
            check_agenda(command.agenda)
            return [] if command.agenda == state.agenda else [AgendaChanged(agenda=command.agenda)]
        case AddBoard():
            check_text(command.title, 1, TITLE_MAX, "invalid_title")
            if command.board_id in state.boards:
                raise AlreadyExists(
                    f"The board {command.board_id!r} exists already.", code="duplicate_id"
                )
            return [BoardAdded(board_id=command.board_id, title=command.title, kind=command.kind)]
        case JoinWorkshop():
            return _decide_join(state, command, actor)
        case CreateGroup():
            return _decide_group(state, command)
        case AssignParticipant():
            return _decide_assign(state, command)
        case CreateInvite():
            return _decide_invite(state, command, actor)
        case RevokeInvite():
            invite = state.invites.get(command.invite_id)
            if invite is None:
                raise NotFound("There is no such invite.", code="unknown_invite")
            return [] if invite.revoked else [InviteRevoked(invite_id=command.invite_id)]
        case RemoveParticipant():
            return _decide_remove(state, command, actor)
        case ErasePerson():
            return _decide_erase(state, command, actor)
        case StartAgendaItem(index=index):
            if not 0 <= index < len(state.agenda):
                raise InvalidCommand(
                    f"The agenda has no block {index} (it has {len(state.agenda)}).",
                    code="invalid_agenda",
                )
            if state.agenda_current == index:
                return []
            item = state.agenda[index]
            return [AgendaItemStarted(index=index, title=item.title, minutes=item.minutes)]


def _decide_create(state: Workshop, command: CreateWorkshop, actor: Actor) -> list[Event]:
    check_text(command.title, 1, TITLE_MAX, "invalid_title")
    if not GROUP_SIZE_MIN <= command.group_size_limit <= GROUP_SIZE_MAX:
        raise InvalidCommand(
            f"A group holds {GROUP_SIZE_MIN} to {GROUP_SIZE_MAX} people at most.",
            code="invalid_group_size_limit",
        )
    if state.created:
        raise AlreadyExists("This workshop exists already.", code="workshop_exists")
    _check_date(command.date)
    check_agenda(command.agenda)
    if command.prework is not None:
        check_prework(command.prework)
    return [
        WorkshopCreated(
            workshop_id=command.workshop_id,
            title=command.title,
            kind=command.kind,
            facilitator=actor.id,
            date=command.date,
            group_size_limit=command.group_size_limit,
            agenda=command.agenda,
            programme=command.programme,
            prework=command.prework,
        )
    ]


def _check_date(day: str | None) -> None:
    if day is not None:
        check_day(day)


def _decide_join(state: Workshop, command: JoinWorkshop, actor: Actor) -> list[Event]:
    if (command.actor_id, command.role) != (actor.id, actor.role):
        raise Forbidden("A person joins only as themselves, in their own role.", code="forbidden")
    check_text(command.name, 1, NAME_MAX, "invalid_name")
    check_text(command.organisation, 0, ORGANISATION_MAX, "invalid_organisation")
    if command.actor_id in state.participants:
        raise AlreadyExists("This person has joined already.", code="already_joined")
    return [
        ParticipantJoined(
            actor_id=command.actor_id,
            name=command.name,
            organisation=command.organisation,
            role=command.role,
            invite_id=command.invite_id,
        )
    ]


def check_group_name(name: str) -> None:
    """Raise ``InvalidCommand`` (``invalid_name``) unless ``name`` fits a group's name."""
    check_text(name, 1, NAME_MAX, "invalid_name")


def _decide_group(state: Workshop, command: CreateGroup) -> list[Event]:
    check_group_name(command.name)
    if command.group_id in state.groups:
        raise AlreadyExists(f"The group {command.group_id!r} exists already.", code="duplicate_id")
    ref = state.boards.get(command.board_id)
    if ref is None or ref.kind != "breakout":
        raise NotFound(
            f"There is no breakout board {command.board_id!r} in this workshop.",
            code="board_not_found",
        )
    if any(g.board_id == command.board_id for g in state.groups.values()):
        raise AlreadyExists(
            f"The board {command.board_id!r} belongs to another group.", code="board_in_use"
        )
    if len(state.groups) >= GROUP_LIMIT:
        raise InvalidCommand(
            f"A workshop has at most {GROUP_LIMIT} breakout groups.", code="group_limit_reached"
        )
    return [GroupCreated(group_id=command.group_id, name=command.name, board_id=command.board_id)]


def _decide_assign(state: Workshop, command: AssignParticipant) -> list[Event]:
    person = state.participants.get(command.actor_id)
    if person is None or person.removed:
        raise NotFound(f"{command.actor_id!r} has not joined.", code="unknown_participant")
    target = command.group_id
    if target is not None and target not in state.groups:
        raise NotFound(f"There is no group {target!r}.", code="unknown_group")
    if person.group_id == target:
        return []
    if target is not None and len(state.members(target)) >= state.group_size_limit:
        raise InvalidCommand(
            f"The group holds {state.group_size_limit} people already.", code="group_full"
        )
    return [ParticipantAssigned(actor_id=command.actor_id, group_id=target)]


def _decide_invite(state: Workshop, command: CreateInvite, actor: Actor) -> list[Event]:
    check_text(command.name, 0, NAME_MAX, "invalid_name")
    if command.invite_id in state.invites:
        raise AlreadyExists(f"The invite {command.invite_id!r} exists.", code="duplicate_id")
    if command.board_id is not None and command.board_id not in state.boards:
        raise NotFound("There is no such board in this workshop.", code="board_not_found")
    return [
        InviteCreated(
            invite_id=command.invite_id,
            role=command.role,
            name=command.name,
            board_id=command.board_id,
            expires_at=command.expires_at,
            by=actor.id,
        )
    ]


def _decide_remove(state: Workshop, command: RemoveParticipant, actor: Actor) -> list[Event]:
    person = state.participants.get(command.actor_id)
    if person is None:
        raise NotFound(f"{command.actor_id!r} has not joined.", code="unknown_participant")
    if command.actor_id == actor.id:
        raise InvalidCommand("A facilitator cannot remove themselves.", code="cannot_remove_self")
    return [] if person.removed else [ParticipantRemoved(actor_id=command.actor_id)]


def _decide_erase(state: Workshop, command: ErasePerson, actor: Actor) -> list[Event]:
    person = state.participants.get(command.actor_id)
    if person is None:
        raise NotFound(f"{command.actor_id!r} has not joined.", code="unknown_participant")
    if command.actor_id == actor.id:
        raise InvalidCommand("A facilitator cannot erase themselves.", code="cannot_erase_self")
    return [] if person.erased else [PersonErased(actor_id=command.actor_id)]


# --------------------------------------------------------------------------- evolve


def evolve(state: Workshop, event: Event) -> Workshop:
    """``state`` with ``event`` applied. Never raises for an event ``decide`` once produced."""
    replace = msgspec.structs.replace
    match event:
        case WorkshopCreated():
            return replace(
                state,
                workshop_id=event.workshop_id,
                title=event.title,
                kind=event.kind,
                facilitator=event.facilitator,
                created=True,
                group_size_limit=event.group_size_limit,
                date=event.date,
                agenda=event.agenda,
                programme=event.programme,
                prework=event.prework,
            )
        case AgendaChanged():
            return replace(state, agenda=event.agenda)
        case BoardAdded():
            ref = BoardRef(title=event.title, kind=event.kind)
            return replace(state, boards={**state.boards, event.board_id: ref})
        case ParticipantJoined():
            person = ParticipantRef(
                name=event.name, organisation=event.organisation, role=event.role
            )
            invites = state.invites
            used = invites.get(event.invite_id or "")
            if event.invite_id is not None and used is not None:
                invites = {**invites, event.invite_id: replace(used, joined=used.joined + 1)}
            participants = {**state.participants, event.actor_id: person}
            return replace(state, participants=participants, invites=invites)
        case GroupCreated():
            group = GroupRef(name=event.name, board_id=event.board_id)
            return replace(state, groups={**state.groups, event.group_id: group})
        case ParticipantAssigned():
            moved = replace(state.participants[event.actor_id], group_id=event.group_id)
            return replace(state, participants={**state.participants, event.actor_id: moved})
        case InviteCreated():
            invite = InviteRef(
                role=event.role,
                name=event.name,
                board_id=event.board_id,
                expires_at=event.expires_at,
                by=event.by,
            )
            return replace(state, invites={**state.invites, event.invite_id: invite})
        case InviteRevoked():
            revoked = replace(state.invites[event.invite_id], revoked=True)
            return replace(state, invites={**state.invites, event.invite_id: revoked})
        case ParticipantRemoved():
            gone = replace(state.participants[event.actor_id], removed=True, group_id=None)
            return replace(state, participants={**state.participants, event.actor_id: gone})
        case PersonErased():
            person = state.participants[event.actor_id]
            erased = replace(person, removed=True, erased=True, group_id=None)
            return replace(state, participants={**state.participants, event.actor_id: erased})
        case AgendaItemStarted():
            return replace(state, agenda_current=event.index)
    return state


DECIDER: Decider[Workshop, Command, Event] = Decider(
    name="workshop",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Workshop,
    event_type=Event,
    command_type=Command,
    snapshot_kind="workshop-state/5",
)
