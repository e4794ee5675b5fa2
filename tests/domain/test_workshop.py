"""The workshop's rules as given/when/then: creating it, its boards, people joining, breakout
groups and assignments. Role refusals are covered for every command in ``test_roles``."""

from __future__ import annotations

from typing import Any, cast

import msgspec
import pytest

from domain import workshop
from domain.actor import Actor
from domain.agenda import PreworkQuestion
from domain.board import BoardKind
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from domain.types import WorkshopRole
from tests.domain import harness
from tests.factories import ALICE, BOB, FACILITATOR, OBSERVER, WORKSHOP_ID

# --------------------------------------------------------------------------- given/when/then


def given(*history: workshop.Event) -> harness.Scenario[workshop.Workshop]:
    """The workshop after ``history``; commands are the facilitator's unless ``when`` says."""
    return harness.given(workshop.DECIDER, *history, actor=FACILITATOR)


def created(group_size_limit: int = 6, **extra: Any) -> workshop.WorkshopCreated:
    fields: dict[str, Any] = {"title": "Mobility", **extra}
    return workshop.WorkshopCreated(
        workshop_id=WORKSHOP_ID,
        kind="challenges",
        facilitator=FACILITATOR.id,
        group_size_limit=group_size_limit,
        **fields,
    )


def board_added(board_id: str, kind: BoardKind = "breakout") -> workshop.BoardAdded:
    return workshop.BoardAdded(board_id=board_id, title=f"Board {board_id}", kind=kind)


def joined(actor: Actor, organisation: str = "") -> workshop.ParticipantJoined:
    role = cast(WorkshopRole, actor.role)
    return workshop.ParticipantJoined(
        actor_id=actor.id, name=actor.name, organisation=organisation, role=role
    )


def group(group_id: str, board_id: str) -> workshop.GroupCreated:
    return workshop.GroupCreated(group_id=group_id, name=f"Group {group_id}", board_id=board_id)


def assigned(actor_id: str, group_id: str | None) -> workshop.ParticipantAssigned:
    return workshop.ParticipantAssigned(actor_id=actor_id, group_id=group_id)


def person(n: int) -> Actor:
    return Actor(id=f"p{n}", role="participant", name=f"Person {n}")


WORKSHOP = (
    created(),
    board_added("plenary", "plenary"),
    board_added("b1"),
    board_added("b2"),
    group("g1", "b1"),
    joined(ALICE),
    joined(BOB),
)
"""A workshop with a plenary, breakout boards ``b1`` (group ``g1``) and ``b2`` (no group yet),
and Alice and Bob, who joined but are in no group."""


# --------------------------------------------------------------------------- creating


def test_a_facilitator_creates_a_workshop_with_a_group_size_limit() -> None:
    state = (
        given()
        .when(
            workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="Mobility", group_size_limit=4)
        )
        .then(created(group_size_limit=4))
    )
    assert (state.created, state.facilitator, state.group_size_limit) == (True, "fay", 4)


def test_groups_hold_six_people_unless_told_otherwise() -> None:
    given().when(workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="Mobility")).then(
        created(group_size_limit=6)
    )


@pytest.mark.parametrize("limit", [-1, 0, 1, 13, 100])
def test_a_group_size_limit_is_2_to_12(limit: int) -> None:
    given().when(
        workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="T", group_size_limit=limit)
    ).then_refused(InvalidCommand, "invalid_group_size_limit")


def test_a_workshop_is_created_once() -> None:
    given(created()).when(workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="T")).then_refused(
        AlreadyExists, "workshop_exists"
    )


@pytest.mark.parametrize("title", ["", "  ", "t" * 201])
def test_a_workshop_title_has_1_to_200_characters(title: str) -> None:
    given().when(workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title=title)).then_refused(
        InvalidCommand, "invalid_title"
    )


def test_a_workshop_has_a_date_an_agenda_and_a_programme() -> None:
    agenda = (workshop.AgendaItem(title="Welcome", minutes=15),)
    state = (
        given()
        .when(
            workshop.CreateWorkshop(
                workshop_id=WORKSHOP_ID,
                title="T",
                date="2026-11-27",
                agenda=agenda,
                programme="cities",
            )
        )
        .then(created(title="T", date="2026-11-27", agenda=agenda, programme="cities"))
    )
    assert (state.date, state.agenda, state.programme) == ("2026-11-27", agenda, "cities")


@pytest.mark.parametrize("day", ["2026-W48-5", "20261127", "2026-02-30", "27.11.2026", ""])
def test_a_workshop_date_is_a_day_written_yyyy_mm_dd(day: str) -> None:
    given().when(
        workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="T", date=day)
    ).then_refused(InvalidCommand, "invalid_date")


@pytest.mark.parametrize(
    "agenda",
    [
        (workshop.AgendaItem(title="", minutes=5),),
        (workshop.AgendaItem(title="Long", minutes=24 * 60 + 1),),
        (workshop.AgendaItem(title="Neg", minutes=-1),),
        tuple(workshop.AgendaItem(title=f"{i}") for i in range(workshop.AGENDA_MAX + 1)),
    ],
)
def test_an_agenda_has_at_most_30_items_of_a_title_and_up_to_a_day(
    agenda: tuple[workshop.AgendaItem, ...],
) -> None:
    given().when(
        workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="T", agenda=agenda)
    ).then_refused(InvalidCommand, "invalid_agenda")


def test_an_old_workshop_created_event_gets_the_default_group_size_limit() -> None:
    old = (
        b'{"type":"workshop.created","workshop_id":"w1","title":"T","kind":"challenges",'
        b'"facilitator":"fay","date":null}'
    )
    event = workshop.DECIDER.decode_event(old)
    assert isinstance(event, workshop.WorkshopCreated)
    assert workshop.DECIDER.fold([event]).group_size_limit == 6


# --------------------------------------------------------------------------- agenda and prework

AGENDA = (workshop.AgendaItem(title="Welcome", minutes=10), workshop.AgendaItem(title="Vote"))


def test_a_facilitator_sets_the_agenda_during_the_workshop() -> None:
    state = (
        given(*WORKSHOP)
        .when(workshop.SetAgenda(agenda=AGENDA))
        .then(workshop.AgendaChanged(agenda=AGENDA))
    )
    assert state.agenda == AGENDA
    given(*WORKSHOP, workshop.AgendaChanged(agenda=AGENDA)).when(
        workshop.SetAgenda(agenda=AGENDA)
    ).then_nothing()
    given(*WORKSHOP, workshop.AgendaChanged(agenda=AGENDA)).when(
        workshop.SetAgenda(agenda=())
    ).then(workshop.AgendaChanged(agenda=()))


def test_only_a_facilitator_sets_the_agenda_and_within_its_bounds() -> None:
    given(*WORKSHOP).when(workshop.SetAgenda(agenda=AGENDA), by=ALICE).then_refused(
        Forbidden, "forbidden"
    )
    too_long = (workshop.AgendaItem(title="All day and more", minutes=24 * 60 + 1),)
    given(*WORKSHOP).when(workshop.SetAgenda(agenda=too_long)).then_refused(
        InvalidCommand, "invalid_agenda"
    )
    given().when(workshop.SetAgenda(agenda=AGENDA)).then_refused(NotFound, "workshop_not_found")


SURVEY = workshop.Prework(
    questions=(
        PreworkQuestion(id="challenge", label="Your city's biggest challenge", hint="One line"),
    ),
    due_days_before=5,
)


def test_a_workshop_carries_its_prework_form() -> None:
    command = workshop.CreateWorkshop(workshop_id=WORKSHOP_ID, title="Mobility", prework=SURVEY)
    state = given().when(command).then(created(prework=SURVEY))
    assert state.prework == SURVEY
    late = msgspec.structs.replace(SURVEY, due_days_before=91)
    given().when(msgspec.structs.replace(command, prework=late)).then_refused(
        InvalidCommand, "invalid_prework"
    )


# --------------------------------------------------------------------------- boards


def test_a_facilitator_adds_a_board() -> None:
    given(created()).when(workshop.AddBoard(board_id="b1", title="Board b1")).then(
        board_added("b1")
    )


def test_a_board_id_is_used_once() -> None:
    given(*WORKSHOP).when(workshop.AddBoard(board_id="b1", title="Again")).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_nothing_happens_in_a_workshop_that_does_not_exist() -> None:
    given().when(workshop.AddBoard(board_id="b1", title="T")).then_refused(
        NotFound, "workshop_not_found"
    )


# --------------------------------------------------------------------------- joining


def test_an_invited_person_joins_as_themselves() -> None:
    carol = Actor(id="carol", role="observer", name="Carol")
    state = (
        given(created())
        .when(
            workshop.JoinWorkshop(
                actor_id="carol", name="Carol", organisation="Ghent", role="observer"
            ),
            by=carol,
        )
        .then(joined(carol, organisation="Ghent"))
    )
    assert state.participants["carol"] == workshop.ParticipantRef(
        name="Carol", organisation="Ghent", role="observer"
    )


def test_nobody_joins_for_someone_else() -> None:
    given(created()).when(
        workshop.JoinWorkshop(actor_id="alice", name="Alice", role="participant"), by=BOB
    ).then_refused(Forbidden, "forbidden")


def test_nobody_joins_in_another_role_than_their_own() -> None:
    given(created()).when(
        workshop.JoinWorkshop(actor_id=OBSERVER.id, name="Olga", role="facilitator"), by=OBSERVER
    ).then_refused(Forbidden, "forbidden")


def test_a_person_joins_once() -> None:
    given(*WORKSHOP).when(
        workshop.JoinWorkshop(actor_id="alice", name="Alice", role="participant"), by=ALICE
    ).then_refused(AlreadyExists, "already_joined")


@pytest.mark.parametrize("name", ["", "   ", "n" * 81])
def test_a_name_has_1_to_80_characters(name: str) -> None:
    given(created()).when(
        workshop.JoinWorkshop(actor_id="alice", name=name, role="participant"), by=ALICE
    ).then_refused(InvalidCommand, "invalid_name")


def test_an_organisation_has_at_most_120_characters() -> None:
    given(created()).when(
        workshop.JoinWorkshop(
            actor_id="alice", name="Alice", organisation="o" * 121, role="participant"
        ),
        by=ALICE,
    ).then_refused(InvalidCommand, "invalid_organisation")


def test_the_organisation_may_be_empty_and_the_name_80_characters() -> None:
    given(created()).when(
        workshop.JoinWorkshop(actor_id="alice", name="n" * 80, role="participant"), by=ALICE
    ).then(
        workshop.ParticipantJoined(
            actor_id="alice", name="n" * 80, organisation="", role="participant"
        )
    )


# --------------------------------------------------------------------------- groups


def test_a_facilitator_creates_a_group_on_a_breakout_board() -> None:
    state = (
        given(*WORKSHOP)
        .when(workshop.CreateGroup(group_id="g2", name="Group g2", board_id="b2"))
        .then(group("g2", "b2"))
    )
    assert state.groups["g2"] == workshop.GroupRef(name="Group g2", board_id="b2")


def test_a_group_id_is_used_once() -> None:
    given(*WORKSHOP, board_added("b3")).when(
        workshop.CreateGroup(group_id="g1", name="Again", board_id="b3")
    ).then_refused(AlreadyExists, "duplicate_id")


@pytest.mark.parametrize("board_id", ["nope", "plenary"], ids=["unknown", "plenary"])
def test_a_group_needs_a_breakout_board_of_the_workshop(board_id: str) -> None:
    given(*WORKSHOP).when(
        workshop.CreateGroup(group_id="g2", name="G", board_id=board_id)
    ).then_refused(NotFound, "board_not_found")


def test_a_board_belongs_to_one_group() -> None:
    given(*WORKSHOP).when(
        workshop.CreateGroup(group_id="g2", name="G", board_id="b1")
    ).then_refused(AlreadyExists, "board_in_use")


@pytest.mark.parametrize("name", ["", " ", "g" * 81])
def test_a_group_name_has_1_to_80_characters(name: str) -> None:
    given(*WORKSHOP).when(
        workshop.CreateGroup(group_id="g2", name=name, board_id="b2")
    ).then_refused(InvalidCommand, "invalid_name")


def test_a_workshop_has_at_most_four_breakout_groups() -> None:
    four = [e for n in (2, 3, 4) for e in (board_added(f"b{n}x"), group(f"g{n}", f"b{n}x"))]
    given(*WORKSHOP, *four, board_added("b5")).when(
        workshop.CreateGroup(group_id="g5", name="Fifth", board_id="b5")
    ).then_refused(InvalidCommand, "group_limit_reached")


# --------------------------------------------------------------------------- assignments


def test_a_facilitator_assigns_a_person_to_a_group() -> None:
    state = (
        given(*WORKSHOP)
        .when(workshop.AssignParticipant(actor_id="alice", group_id="g1"))
        .then(assigned("alice", "g1"))
    )
    assert state.members("g1") == ["alice"]


def test_a_move_between_groups_is_one_event() -> None:
    state = (
        given(*WORKSHOP, group("g2", "b2"), assigned("alice", "g1"))
        .when(workshop.AssignParticipant(actor_id="alice", group_id="g2"))
        .then(assigned("alice", "g2"))
    )
    assert (state.members("g1"), state.members("g2")) == ([], ["alice"])


def test_a_person_is_taken_out_of_their_group_with_null() -> None:
    state = (
        given(*WORKSHOP, assigned("alice", "g1"))
        .when(workshop.AssignParticipant(actor_id="alice", group_id=None))
        .then(assigned("alice", None))
    )
    assert state.participants["alice"].group_id is None


@pytest.mark.parametrize("group_id", ["g1", None], ids=["same group", "no group"])
def test_assigning_where_a_person_already_is_changes_nothing(group_id: str | None) -> None:
    history = (assigned("alice", "g1"),) if group_id else ()
    given(*WORKSHOP, *history).when(
        workshop.AssignParticipant(actor_id="alice", group_id=group_id)
    ).then_nothing()


def test_only_people_who_joined_are_assigned() -> None:
    given(*WORKSHOP).when(
        workshop.AssignParticipant(actor_id="stranger", group_id="g1")
    ).then_refused(NotFound, "unknown_participant")


def test_people_are_assigned_to_existing_groups_only() -> None:
    given(*WORKSHOP).when(workshop.AssignParticipant(actor_id="alice", group_id="g9")).then_refused(
        NotFound, "unknown_group"
    )


def test_a_full_group_takes_nobody_else() -> None:
    people = [person(n) for n in range(2)]
    history = [e for p in people for e in (joined(p), assigned(p.id, "g1"))]
    given(created(group_size_limit=2), *WORKSHOP[1:], *history).when(
        workshop.AssignParticipant(actor_id="alice", group_id="g1")
    ).then_refused(InvalidCommand, "group_full")


def test_a_group_of_six_is_full_by_default() -> None:
    people = [person(n) for n in range(6)]
    history = [e for p in people for e in (joined(p), assigned(p.id, "g1"))]
    state = workshop.DECIDER.fold([*WORKSHOP, *history])
    assert len(state.members("g1")) == 6
    given(*WORKSHOP, *history).when(
        workshop.AssignParticipant(actor_id="alice", group_id="g1")
    ).then_refused(InvalidCommand, "group_full")
    given(*WORKSHOP, *history).when(
        workshop.AssignParticipant(actor_id="p0", group_id="g1")
    ).then_nothing()


# --------------------------------------------------------------------------- invites and removal

INVITE = workshop.InviteCreated(
    invite_id="i1",
    role="participant",
    name="Anna",
    board_id="b1",
    expires_at=1_800_000_000,
    by="fay",
)


def test_a_facilitator_records_an_invite_with_its_role_board_and_expiry() -> None:
    state = (
        given(*WORKSHOP)
        .when(
            workshop.CreateInvite(
                invite_id="i1",
                role="participant",
                name="Anna",
                board_id="b1",
                expires_at=1_800_000_000,
            )
        )
        .then(INVITE)
    )
    assert state.invites["i1"].board_id == "b1"
    assert not state.invites["i1"].revoked


def test_an_invite_names_a_board_of_the_workshop_and_an_id_once() -> None:
    given(*WORKSHOP).when(
        workshop.CreateInvite(invite_id="i2", role="observer", board_id="b9", expires_at=1)
    ).then_refused(NotFound, "board_not_found")
    given(*WORKSHOP, INVITE).when(
        workshop.CreateInvite(invite_id="i1", role="observer", expires_at=1)
    ).then_refused(AlreadyExists, "duplicate_id")
    given(*WORKSHOP).when(
        workshop.CreateInvite(invite_id="i3", role="observer", name="x" * 81, expires_at=1)
    ).then_refused(InvalidCommand, "invalid_name")


def test_a_revoked_invite_stays_revoked() -> None:
    state = (
        given(*WORKSHOP, INVITE)
        .when(workshop.RevokeInvite(invite_id="i1"))
        .then(workshop.InviteRevoked(invite_id="i1"))
    )
    assert state.invites["i1"].revoked
    given(*WORKSHOP, INVITE, workshop.InviteRevoked(invite_id="i1")).when(
        workshop.RevokeInvite(invite_id="i1")
    ).then_nothing()
    given(*WORKSHOP).when(workshop.RevokeInvite(invite_id="i9")).then_refused(
        NotFound, "unknown_invite"
    )


def test_a_removed_person_leaves_their_group_and_can_no_longer_be_assigned() -> None:
    state = (
        given(*WORKSHOP, assigned("alice", "g1"))
        .when(workshop.RemoveParticipant(actor_id="alice"))
        .then(workshop.ParticipantRemoved(actor_id="alice"))
    )
    assert state.removed("alice")
    assert state.members("g1") == []
    removed = (*WORKSHOP, workshop.ParticipantRemoved(actor_id="alice"))
    given(*removed).when(workshop.RemoveParticipant(actor_id="alice")).then_nothing()
    given(*removed).when(workshop.AssignParticipant(actor_id="alice", group_id="g1")).then_refused(
        NotFound, "unknown_participant"
    )


def test_a_facilitator_does_not_remove_themselves_or_strangers() -> None:
    given(*WORKSHOP, joined(FACILITATOR)).when(
        workshop.RemoveParticipant(actor_id=FACILITATOR.id)
    ).then_refused(InvalidCommand, "cannot_remove_self")
    given(*WORKSHOP).when(workshop.RemoveParticipant(actor_id="stranger")).then_refused(
        NotFound, "unknown_participant"
    )


# --------------------------------------------------------------------------- erasure


def test_an_erased_person_is_removed_and_marked_erased() -> None:
    erase = workshop.ErasePerson(actor_id="alice")
    state = (
        harness.given(workshop.DECIDER, *WORKSHOP, assigned("alice", "g1"))
        .when(erase, by=FACILITATOR)
        .then(workshop.PersonErased(actor_id="alice"))
    )
    alice = state.participants["alice"]
    assert alice.erased
    assert state.removed("alice")
    assert state.members("g1") == []
    erased = (*WORKSHOP, workshop.PersonErased(actor_id="alice"))
    harness.given(workshop.DECIDER, *erased).when(erase, by=FACILITATOR).then_nothing()
    harness.given(workshop.DECIDER, *erased).when(
        workshop.AssignParticipant(actor_id="alice", group_id="g1"), by=FACILITATOR
    ).then_refused(NotFound, "unknown_participant")


def test_a_removed_person_may_still_be_erased() -> None:
    removed = (*WORKSHOP, workshop.ParticipantRemoved(actor_id="alice"))
    harness.given(workshop.DECIDER, *removed).when(
        workshop.ErasePerson(actor_id="alice"), by=FACILITATOR
    ).then(workshop.PersonErased(actor_id="alice"))


def test_a_facilitator_does_not_erase_themselves_or_strangers() -> None:
    harness.given(workshop.DECIDER, *WORKSHOP, joined(FACILITATOR)).when(
        workshop.ErasePerson(actor_id=FACILITATOR.id), by=FACILITATOR
    ).then_refused(InvalidCommand, "cannot_erase_self")
    harness.given(workshop.DECIDER, *WORKSHOP).when(
        workshop.ErasePerson(actor_id="stranger"), by=FACILITATOR
    ).then_refused(NotFound, "unknown_participant")
    harness.given(workshop.DECIDER, *WORKSHOP).when(
        workshop.ErasePerson(actor_id="bob"), by=ALICE
    ).then_refused(Forbidden, "forbidden")
