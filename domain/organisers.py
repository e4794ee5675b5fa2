"""The organisers decider (stream ``organisers``): who may create programmes and workshops.

The operator, whoever runs ``plenary`` on the server, adds and removes organisers
(``plenary organiser add NAME``); an organiser signs in with the link that prints, creates
programmes and workshops, and facilitates the workshops they create.
"""

from __future__ import annotations

import msgspec

from domain.actor import Actor
from domain.board import Id
from domain.checks import check_text
from domain.codec import tag_of
from domain.decider import Decider
from domain.errors import AlreadyExists, NotFound
from domain.roles import authorize

NAME_MAX = 80


class OrganiserCommand(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every organisers command."""


class AddOrganiser(OrganiserCommand, frozen=True, kw_only=True, tag="organiser.add"):
    organiser_id: Id
    name: str


class RemoveOrganiser(OrganiserCommand, frozen=True, kw_only=True, tag="organiser.remove"):
    organiser_id: Id


Command = AddOrganiser | RemoveOrganiser


class OrganiserEvent(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every organisers event."""


class OrganiserAdded(OrganiserEvent, frozen=True, kw_only=True, tag="organiser.added"):
    organiser_id: str
    name: str


class OrganiserRemoved(OrganiserEvent, frozen=True, kw_only=True, tag="organiser.removed"):
    organiser_id: str


Event = OrganiserAdded | OrganiserRemoved


class OrganiserRef(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    removed: bool = False


class Organisers(msgspec.Struct, frozen=True, kw_only=True):
    """Everyone who was ever an organiser. Treat the dict as immutable."""

    organisers: dict[str, OrganiserRef] = msgspec.field(default_factory=dict)

    def active(self, organiser_id: str) -> OrganiserRef | None:
        """The organiser ``organiser_id`` if they were added and not removed."""
        ref = self.organisers.get(organiser_id)
        return None if ref is None or ref.removed else ref


initial_state = Organisers()


def decide(state: Organisers, command: Command, actor: Actor) -> list[Event]:
    """Events for ``command``; ``[]`` when nothing changes. Raises ``forbidden`` (only the
    operator manages organisers), ``invalid_name``, ``organiser_exists``, ``unknown_organiser``."""
    authorize(actor, tag_of(command))
    match command:
        case AddOrganiser():
            check_text(command.name, 1, NAME_MAX, "invalid_name")
            if command.organiser_id in state.organisers:
                raise AlreadyExists("This organiser exists already.", code="organiser_exists")
            return [OrganiserAdded(organiser_id=command.organiser_id, name=command.name)]
        case RemoveOrganiser():
            ref = state.organisers.get(command.organiser_id)
            if ref is None:
                raise NotFound("There is no such organiser.", code="unknown_organiser")
            return [] if ref.removed else [OrganiserRemoved(organiser_id=command.organiser_id)]


def evolve(state: Organisers, event: Event) -> Organisers:
    """``state`` with ``event`` applied."""
    match event:
        case OrganiserAdded():
            ref = OrganiserRef(name=event.name)
        case OrganiserRemoved():
            ref = msgspec.structs.replace(state.organisers[event.organiser_id], removed=True)
    return Organisers(organisers={**state.organisers, event.organiser_id: ref})


DECIDER: Decider[Organisers, Command, Event] = Decider(
    name="organisers",
    initial_state=initial_state,
    decide=decide,
    evolve=evolve,
    state_type=Organisers,
    event_type=Event,
    command_type=Command,
    snapshot_kind="organisers-state/1",
)
