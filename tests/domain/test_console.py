"""What the facilitator's console adds to the deciders, as given/when/then: the call to the
plenary on a board, the live agenda, and which invite a person joined with."""

from __future__ import annotations

from domain import board, facilitation, workshop
from domain.errors import Forbidden, InvalidCommand
from tests.domain.harness import given
from tests.factories import ALICE, BOARD_ID, FACILITATOR, OBSERVER, WORKSHOP_ID

CREATED = board.BoardCreated(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Group A")
AGENDA = (
    workshop.AgendaItem(title="Welcome", minutes=10),
    workshop.AgendaItem(title="Collect challenges", minutes=20),
)
WORKSHOP = workshop.WorkshopCreated(
    workshop_id=WORKSHOP_ID,
    title="Mobility",
    kind="challenges",
    facilitator=FACILITATOR.id,
    agenda=AGENDA,
)
INVITE = workshop.InviteCreated(
    invite_id="i1", role="participant", name="", board_id=None, expires_at=2_000_000_000, by="f"
)


# ---------------------------------------------------------------------- everyone to the plenary


def test_a_facilitator_calls_everyone_on_a_board_to_the_plenary() -> None:
    given(board.DECIDER, CREATED).when(
        facilitation.GatherBoard(board_id="plenary"), by=FACILITATOR
    ).then(facilitation.BoardGathered(board_id="plenary"))


def test_calling_people_again_is_recorded_again() -> None:
    gathered = facilitation.BoardGathered(board_id="plenary")
    given(board.DECIDER, CREATED, gathered).when(
        facilitation.GatherBoard(board_id="plenary"), by=FACILITATOR
    ).then(gathered)


def test_a_participant_does_not_call_people_to_the_plenary() -> None:
    given(board.DECIDER, CREATED).when(
        facilitation.GatherBoard(board_id="plenary"), by=ALICE
    ).then_refused(Forbidden, "forbidden")


def test_a_locked_board_is_still_called_to_the_plenary() -> None:
    given(board.DECIDER, CREATED, facilitation.BoardLocked()).when(
        facilitation.GatherBoard(board_id="plenary"), by=FACILITATOR
    ).then(facilitation.BoardGathered(board_id="plenary"))


# --------------------------------------------------------------------------- the live agenda


def test_a_facilitator_starts_an_agenda_block() -> None:
    state = (
        given(workshop.DECIDER, WORKSHOP)
        .when(workshop.StartAgendaItem(index=1), by=FACILITATOR)
        .then(workshop.AgendaItemStarted(index=1, title="Collect challenges", minutes=20))
    )
    assert state.agenda_current == 1


def test_a_workshop_starts_with_no_agenda_block_running() -> None:
    assert workshop.DECIDER.fold([WORKSHOP]).agenda_current is None


def test_starting_the_running_block_again_records_nothing() -> None:
    started = workshop.AgendaItemStarted(index=0, title="Welcome", minutes=10)
    given(workshop.DECIDER, WORKSHOP, started).when(
        workshop.StartAgendaItem(index=0), by=FACILITATOR
    ).then_nothing()


def test_a_block_that_is_not_on_the_agenda_is_refused() -> None:
    for index in (-1, 2):
        given(workshop.DECIDER, WORKSHOP).when(
            workshop.StartAgendaItem(index=index), by=FACILITATOR
        ).then_refused(InvalidCommand, "invalid_agenda")


def test_only_a_facilitator_runs_the_agenda() -> None:
    given(workshop.DECIDER, WORKSHOP).when(
        workshop.StartAgendaItem(index=0), by=OBSERVER
    ).then_refused(Forbidden, "forbidden")


# --------------------------------------------------------------------------- invites used


def test_an_invite_counts_the_people_who_joined_with_it() -> None:
    join = workshop.JoinWorkshop(
        actor_id=ALICE.id, name="Alice", role="participant", invite_id="i1"
    )
    state = (
        given(workshop.DECIDER, WORKSHOP, INVITE)
        .when(join, by=ALICE)
        .then(
            workshop.ParticipantJoined(
                actor_id=ALICE.id,
                name="Alice",
                organisation="",
                role="participant",
                invite_id="i1",
            )
        )
    )
    assert state.invites["i1"].joined == 1


def test_a_join_without_an_invite_counts_for_no_invite() -> None:
    joined = workshop.ParticipantJoined(
        actor_id=ALICE.id, name="Alice", organisation="", role="participant"
    )
    state = workshop.DECIDER.fold([WORKSHOP, INVITE, joined])
    assert state.invites["i1"].joined == 0
