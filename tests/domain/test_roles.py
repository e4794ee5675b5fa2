"""The role table: ``docs/roles.md`` equals ``domain.roles``, every command of every stream
kind is in it, and every decider refuses with ``forbidden`` exactly where the table says —."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import msgspec
import pytest
from msgspec.structs import replace

from domain import (
    board,
    board_setup,
    board_state,
    decisions,
    discussion,
    facilitation,
    organisers,
    prework,
    programme,
    solution,
    templates,
    undo,
    voting,
    workshop,
)
from domain.actor import Actor
from domain.errors import Forbidden
from domain.recorded import EventMeta
from domain.roles import ALLOWED, PERMISSIONS
from domain.types import ROLES, Role, WorkshopRole
from tests.domain.builders import DECIDED

DOC = Path(__file__).parents[2] / "docs" / "roles.md"
UNIONS: dict[str, Any] = {
    "board": board.Command,
    "workshop": workshop.Command,
    "solution": solution.Command,
    "programme": programme.Command,
    "organisers": organisers.Command,
    "prework": prework.Command,
}
"""Every stream kind's ``Command`` union."""


def tags_of(union: Any) -> set[str]:
    return {member.__struct_config__.tag for member in typing.get_args(union)}


def documented() -> dict[str, tuple[str, frozenset[Role]]]:
    """``docs/roles.md``'s table: command tag → (stream kind, roles marked ✓)."""
    lines = [line.strip() for line in DOC.read_text(encoding="utf-8").splitlines()]
    header = next(line for line in lines if line.startswith("| command |"))
    columns = [cell.strip() for cell in header.strip("|").split("|")][2:]
    assert tuple(columns) == ROLES
    table: dict[str, tuple[str, frozenset[Role]]] = {}
    for line in lines[lines.index(header) :]:  # the phase table above has rows of one tag too
        row = re.fullmatch(r"\| `([a-z._]+)` \|(.*)\|", line)
        if row is None:
            continue
        cells = [cell.strip() for cell in row[2].split("|")]
        assert set(cells[1:]) <= {"✓", "—"}, line
        assert row[1] not in table, f"{row[1]} is listed twice"
        marks = zip(ROLES, cells[1:], strict=True)
        table[row[1]] = (cells[0], frozenset(role for role, mark in marks if mark == "✓"))
    return table


def test_the_documented_table_is_the_code_table() -> None:
    in_code = {
        tag: (kind, roles)
        for kind, commands in PERMISSIONS.items()
        for tag, roles in commands.items()
    }
    assert documented() == in_code


@pytest.mark.parametrize("kind", sorted(UNIONS))
def test_every_command_of_every_stream_kind_is_in_the_table(kind: str) -> None:
    assert set(PERMISSIONS) == set(UNIONS)
    assert set(PERMISSIONS[kind]) == tags_of(UNIONS[kind])


def test_command_tags_are_unique_across_stream_kinds() -> None:
    assert sum(len(commands) for commands in PERMISSIONS.values()) == len(ALLOWED)


# --------------------------------------------------------------------------- the deciders obey it

WHO: dict[Role, Actor] = {role: Actor(id=f"{role}-1", role=role, name=role) for role in ROLES}
PIA = "pia"


def on_board(
    command: board.Command, *extra: board.Event, created: bool = True
) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a board with note ``n1`` (written by the actor) and cluster ``c1``,
    after ``extra`` events."""

    def run(actor: Actor) -> list[Any]:
        history: list[board.Event] = []
        if created:
            history = [
                board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas"),
                board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author=actor.id),
                board.ClusterCreated(cluster_id="c1", label="Theme", x=5, y=5),
                *extra,
            ]
        return list(board.decide(board.fold(history), command, actor))

    return run


def after_my_move(command: board.Command, *mine: board.Event) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` (an undo or redo) on ``on_board``'s board after the actor's own move
    of ``n1`` and then ``mine``, as one more command of theirs."""

    def run(actor: Actor) -> list[Any]:
        state = board.fold(
            [
                board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas"),
                board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author="p"),
            ]
        )
        meta = EventMeta(actor=actor.id, role=actor.role, command_id="m1", correlation_id="m1")
        state = board.DECIDER.fold([board.NoteMoved(note_id="n1", x=9, y=9)], state, meta)
        state = board.DECIDER.fold(list(mine), state, replace(meta, command_id="m2"))
        return list(board.decide(state, command, actor))

    return run


def in_phase(
    phase: board_state.Phase, command: board.Command, *extra: board.Event
) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on ``on_board``'s board in ``phase``, after ``extra`` events."""

    def run(actor: Actor) -> list[Any]:
        history: list[board.Event] = [
            board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas", kind="plenary"),
            board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author=actor.id),
            board.ClusterCreated(cluster_id="c1", label="Theme", x=5, y=5),
            facilitation.PhaseChanged(phase=phase, previous="collect"),
            *extra,
        ]
        return list(board.decide(board.fold(history), command, actor))

    return run


ROUND = voting.RoundOpened(
    round_id="r1",
    target="clusters",
    budget=5,
    per_item_max=3,
    hide_tallies=True,
    facilitators_vote=True,
    item_ids=("c1",),
)
CAST = voting.VoteCast(round_id="r1", item_id="c1", voter="facilitator-1")
PLAN = decisions.Promotion(source_board_id="b2", source_version=3, clusters=(), notes=())


def on_workshop(
    command: Callable[[Actor], workshop.Command], *, created: bool = True
) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a workshop with boards ``b1`` (group ``g1``) and ``b2`` (free), and
    Pia, who joined but is in no group."""

    def run(actor: Actor) -> list[Any]:
        history: list[workshop.Event] = []
        if created:
            history = [
                workshop.WorkshopCreated(
                    workshop_id="w1",
                    title="W",
                    kind="challenges",
                    facilitator="f",
                    agenda=(workshop.AgendaItem(title="Welcome", minutes=10),),
                ),
                workshop.BoardAdded(board_id="b1", title="A", kind="breakout"),
                workshop.BoardAdded(board_id="b2", title="B", kind="breakout"),
                workshop.GroupCreated(group_id="g1", name="Group A", board_id="b1"),
                workshop.ParticipantJoined(
                    actor_id=PIA, name="Pia", organisation="", role="participant"
                ),
                INVITE,
            ]
        state = workshop.DECIDER.fold(history)
        return list(workshop.decide(state, command(actor), actor))

    return run


def on_track(command: solution.Command, *, started: bool = True) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a track with open sprint ``s1``, validation ``v1`` awaiting its
    result and validation ``v2`` with one."""

    def run(actor: Actor) -> list[Any]:
        history: list[solution.Event] = []
        if started:
            history = [
                solution.TrackStarted(
                    track_id="t1",
                    workshop_id="w1",
                    board_id="b1",
                    decision_id="d1",
                    title="T",
                    summary="",
                    lead="f",
                ),
                solution.SprintPlanned(
                    sprint_id="s1", goal="G", starts_on="2025-03-03", ends_on="2025-03-14"
                ),
                *(
                    solution.ValidationPlanned(
                        validation_id=vid,
                        method="survey",
                        stakeholders=("city",),
                        starts_on="2025-05-01",
                        ends_on="2025-05-02",
                    )
                    for vid in ("v1", "v2")
                ),
                solution.ValidationRecorded(validation_id="v2", findings="F", verdict="validated"),
            ]
        return list(solution.decide(solution.DECIDER.fold(history), command, actor))

    return run


SOLUTION_SAMPLES: dict[str, Callable[[Actor], list[Any]]] = {
    "track.start": on_track(
        solution.StartTrack(
            track_id="t1", workshop_id="w1", board_id="b1", decision_id="d1", title="T"
        ),
        started=False,
    ),
    "sprint.plan": on_track(
        solution.PlanSprint(sprint_id="s2", goal="G", starts_on="2025-04-01", ends_on="2025-04-02")
    ),
    "sprint.update": on_track(
        solution.UpdateSprint(update_id="u1", sprint_id="s1", status="on_track")
    ),
    "sprint.close": on_track(solution.CloseSprint(sprint_id="s1")),
    "assessment.record": on_track(
        solution.RecordAssessment(
            assessment_id="a1", criteria=(solution.Criterion(name="impact", score=4),)
        )
    ),
    "validation.plan": on_track(
        solution.PlanValidation(
            validation_id="v3",
            method="survey",
            stakeholders=("city",),
            starts_on="2025-05-01",
            ends_on="2025-05-02",
        )
    ),
    "validation.result": on_track(
        solution.RecordValidationResult(validation_id="v1", findings="F", verdict="rejected")
    ),
    "practice.document": on_track(
        solution.DocumentPractice(practice_id="p1", title="T", description="D")
    ),
    "presentation.record": on_track(
        solution.RecordPresentation(presented_on="2025-06-20", summary="S")
    ),
}


def on_programme(
    command: programme.Command, *extra: programme.Event
) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a programme that the actor created (a new one for a create), after
    ``extra`` events."""

    def run(actor: Actor) -> list[Any]:
        history: list[programme.Event] = []
        if not isinstance(command, programme.CreateProgramme):
            history = [
                programme.ProgrammeCreated(programme_id="p1", title="P", owner=actor.id),
                *extra,
            ]
        return list(programme.decide(programme.DECIDER.fold(history), command, actor))

    return run


def on_organisers(command: organisers.Command) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` where organiser ``o1`` was added."""

    def run(actor: Actor) -> list[Any]:
        state = organisers.DECIDER.fold([organisers.OrganiserAdded(organiser_id="o1", name="O")])
        return list(organisers.decide(state, command, actor))

    return run


TEMPLATE = templates.Template(
    id="t1",
    name="Our challenges day",
    kind="challenges",
    plenary=templates.BoardPlan(title="Plenary"),
    breakout=templates.BoardPlan(title="Group"),
)

FORM = prework.PreworkSet(
    questions=(prework.Question(id="q1", label="Your city's biggest challenge"),), due="2025-03-01"
)


def on_prework(command: prework.Command) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a prework stream with a one-question form, due 1 March 2025."""

    def run(actor: Actor) -> list[Any]:
        return list(prework.decide(prework.DECIDER.fold([FORM]), command, actor))

    return run


PLACED = board.PlacedNote(note_id="pw1", author=PIA, text="Heat", x=0, y=0)


INVITE = workshop.InviteCreated(
    invite_id="i1", role="participant", name="", board_id=None, expires_at=2_000_000_000, by="f"
)


SAMPLES: dict[str, Callable[[Actor], list[Any]]] = {
    "board.create": on_board(
        board.CreateBoard(board_id="b1", workshop_id="w1", title="T"), created=False
    ),
    "note.add": on_board(board.AddNote(note_id="n9", text="new", x=1, y=1)),
    "note.edit": on_board(board.EditNote(note_id="n1", text="changed")),
    "note.move": on_board(board.MoveNote(note_id="n1", x=9, y=9)),
    "note.recolour": on_board(board.RecolourNote(note_id="n1", colour="grey")),
    "note.delete": on_board(board.DeleteNote(note_id="n1")),
    "cluster.create": on_board(board.CreateCluster(cluster_id="c9", label="L", x=0, y=0)),
    "cluster.rename": on_board(board.RenameCluster(cluster_id="c1", label="Renamed")),
    "cluster.move": on_board(board.MoveCluster(cluster_id="c1", x=9, y=9)),
    "cluster.delete": on_board(board.DeleteCluster(cluster_id="c1")),
    "note.cluster": on_board(board.ClusterNote(note_id="n1", cluster_id="c1")),
    "cluster.tidy": on_board(
        board.TidyCluster(cluster_id="c1"), board.NoteClustered(note_id="n1", cluster_id="c1")
    ),
    "board.tidy": on_board(board.TidyBoard()),
    "cluster.merge": on_board(
        board.MergeClusters(cluster_id="c1", into_cluster_id="c2"),
        board.ClusterCreated(cluster_id="c2", label="Other", x=400, y=5),
    ),
    "notes.batch": on_board(
        board.BatchNotes(commands=(board.ClusterNote(note_id="n1", cluster_id="c1"),))
    ),
    "phase.change": on_board(facilitation.ChangePhase(phase="cluster")),
    "timer.start": on_board(facilitation.StartTimer(seconds=300)),
    "timer.extend": on_board(
        facilitation.ExtendTimer(seconds=60), facilitation.TimerStarted(seconds=300)
    ),
    "timer.stop": on_board(facilitation.StopTimer(), facilitation.TimerStarted(seconds=300)),
    "private.start": on_board(facilitation.StartPrivateWriting()),
    "notes.reveal": on_board(facilitation.RevealNotes(), facilitation.PrivateWritingStarted()),
    "anonymity.set": on_board(facilitation.SetAnonymity(policy="pseudonymous")),
    "board.lock": on_board(facilitation.LockBoard()),
    "board.unlock": on_board(facilitation.UnlockBoard(), facilitation.BoardLocked()),
    "board.gather": on_board(facilitation.GatherBoard(board_id="plenary")),
    "board.configure": on_board(board_setup.ConfigureBoard(prompt="What challenge do you face?")),
    "vote.open": in_phase("vote", voting.OpenRound(round_id="r1")),
    "vote.cast": in_phase("vote", voting.CastVote(round_id="r1", item_id="c1"), ROUND),
    "vote.retract": in_phase(
        "vote",
        voting.RetractVote(round_id="r1", item_id="c1"),
        ROUND,
        voting.VoteCast(round_id="r1", item_id="c1", voter="participant-1"),
        CAST,
    ),
    "vote.close": in_phase("vote", voting.CloseRound(round_id="r1"), ROUND),
    "grid.place": in_phase("discuss", voting.PlaceOnGrid(item_id="c1", impact=8, effort=2)),
    "grid.remove": in_phase(
        "discuss",
        voting.RemoveFromGrid(item_id="c1"),
        voting.PlacedOnGrid(item_id="c1", impact=8, effort=2),
    ),
    "decision.record": in_phase(
        "decide",
        decisions.RecordDecision(
            decision_id="d1", item_id="c1", outcome="select", rationale="Most dots"
        ),
    ),
    "decision.track": in_phase(
        "decide", decisions.TrackDecision(decision_id="d1", track_id="t1"), DECIDED
    ),
    "spotlight.set": in_phase("discuss", discussion.SetSpotlight(item_id="c1")),
    "spotlight.clear": in_phase(
        "discuss", discussion.ClearSpotlight(), discussion.SpotlightSet(item_id="c1")
    ),
    "comment.add": in_phase(
        "discuss", discussion.AddComment(comment_id="m1", item_id="c1", text="Good")
    ),
    "action.add": in_phase(
        "decide",
        discussion.AddAction(
            action_id="a1", decision_id="d1", text="Ask", owner_name="Pia", due="2025-04-01"
        ),
        DECIDED,
    ),
    "action.done": in_phase(
        "decide",
        discussion.CompleteAction(action_id="a1"),
        DECIDED,
        discussion.ActionAdded(
            action_id="a1", decision_id="d1", text="Ask", owner_name="Pia", due="2025-04-01"
        ),
    ),
    "items.promote": in_phase(
        "decide",
        decisions.PromoteItems(promotion_id="p1", source_board_id="b2", plan=PLAN),
    ),
    "workshop.create": on_workshop(
        lambda _: workshop.CreateWorkshop(workshop_id="w1", title="W"), created=False
    ),
    "agenda.set": on_workshop(
        lambda _: workshop.SetAgenda(agenda=(workshop.AgendaItem(title="Welcome", minutes=15),))
    ),
    "board.add": on_workshop(lambda _: workshop.AddBoard(board_id="b9", title="C")),
    "participant.join": on_workshop(
        lambda actor: workshop.JoinWorkshop(
            actor_id=actor.id, name="Me", role=cast(WorkshopRole, actor.role)
        )
    ),
    "group.create": on_workshop(
        lambda _: workshop.CreateGroup(group_id="g2", name="Group B", board_id="b2")
    ),
    "participant.assign": on_workshop(
        lambda _: workshop.AssignParticipant(actor_id=PIA, group_id="g1")
    ),
    "invite.create": on_workshop(
        lambda _: workshop.CreateInvite(invite_id="i9", role="observer", expires_at=2_000_000_000)
    ),
    "invite.revoke": on_workshop(lambda _: workshop.RevokeInvite(invite_id="i1")),
    "participant.remove": on_workshop(lambda _: workshop.RemoveParticipant(actor_id=PIA)),
    "person.erase": on_workshop(lambda _: workshop.ErasePerson(actor_id=PIA)),
    "agenda.start": on_workshop(lambda _: workshop.StartAgendaItem(index=0)),
    "notes.place": on_board(board.PlaceNotes(notes=(PLACED,))),
    "change.undo": after_my_move(undo.UndoChange()),
    "change.redo": after_my_move(
        undo.RedoChange(),
        undo.ChangeUndone(change_id="m1"),
        board.NoteMoved(note_id="n1", x=0, y=0),
    ),
    **SOLUTION_SAMPLES,
    "prework.set": on_prework(prework.SetPrework(questions=FORM.questions, due="2025-03-02")),
    "prework.answer": on_prework(
        prework.AnswerPrework(
            answers=(prework.Answer(question_id="q1", text="Heat"),), today="2025-02-01"
        )
    ),
    "prework.import": on_prework(
        prework.ImportPrework(
            rows=(
                prework.ImportedAnswers(
                    author=PIA, answers=(prework.Answer(question_id="q1", text="Heat"),)
                ),
            )
        )
    ),
    "prework.place": on_prework(
        prework.PlacePrework(placement_id="pl1", plan=(prework.Placed(author=PIA, board_id="b1"),))
    ),
    "programme.create": on_programme(programme.CreateProgramme(programme_id="p1", title="P")),
    "workshop.include": on_programme(programme.IncludeWorkshop(workshop_id="w1")),
    "template.save": on_programme(
        programme.SaveTemplate(workshop_id="w1", template=TEMPLATE),
        programme.WorkshopIncluded(workshop_id="w1"),
    ),
    "organiser.add": on_organisers(organisers.AddOrganiser(organiser_id="o2", name="Oda")),
    "organiser.remove": on_organisers(organisers.RemoveOrganiser(organiser_id="o1")),
}
"""For every command tag, the decider run on a state where that command is otherwise valid."""


def test_there_is_a_sample_for_every_command() -> None:
    assert set(SAMPLES) == set(ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tag", sorted(ALLOWED))
def test_a_decider_refuses_exactly_what_the_table_forbids(tag: str, role: Role) -> None:
    run = SAMPLES[tag]
    if role in ALLOWED[tag]:
        events = run(WHO[role])
        assert events, f"{tag} by a {role} should record something"
        assert all(isinstance(e, msgspec.Struct) for e in events)
    else:
        with pytest.raises(Forbidden) as refused:
            run(WHO[role])
        assert refused.value.code == "forbidden"
