"""The role table: ``docs/roles.md`` equals ``domain.roles``, every command of every stream
kind is in it, and every decider refuses with ``forbidden`` exactly where the table says —."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from domain import board, workshop
from domain.actor import Actor
from domain.errors import Forbidden
from domain.roles import ALLOWED, PERMISSIONS
from domain.types import ROLES, Role

DOC = Path(__file__).parents[2] / "docs" / "roles.md"
UNIONS: dict[str, Any] = {"board": board.Command, "workshop": workshop.Command}
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
    for line in lines:
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


def on_board(command: board.Command, *, created: bool = True) -> Callable[[Actor], list[Any]]:
    """Decide ``command`` on a board with note ``n1`` (written by the actor) and cluster ``c1``."""

    def run(actor: Actor) -> list[Any]:
        history: list[board.Event] = []
        if created:
            history = [
                board.BoardCreated(board_id="b1", workshop_id="w1", title="Ideas"),
                board.NoteAdded(note_id="n1", text="t", x=0, y=0, colour="yellow", author=actor.id),
                board.ClusterCreated(cluster_id="c1", label="Theme", x=5, y=5),
            ]
        return list(board.decide(board.fold(history), command, actor))

    return run


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
                    workshop_id="w1", title="W", kind="challenges", facilitator="f"
                ),
                workshop.BoardAdded(board_id="b1", title="A", kind="breakout"),
                workshop.BoardAdded(board_id="b2", title="B", kind="breakout"),
                workshop.GroupCreated(group_id="g1", name="Group A", board_id="b1"),
                workshop.ParticipantJoined(
                    actor_id=PIA, name="Pia", organisation="", role="participant"
                ),
            ]
        state = workshop.DECIDER.fold(history)
        return list(workshop.decide(state, command(actor), actor))

    return run


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
    "workshop.create": on_workshop(
        lambda _: workshop.CreateWorkshop(workshop_id="w1", title="W"), created=False
    ),
    "board.add": on_workshop(lambda _: workshop.AddBoard(board_id="b9", title="C")),
    "participant.join": on_workshop(
        lambda actor: workshop.JoinWorkshop(actor_id=actor.id, name="Me", role=actor.role)
    ),
    "group.create": on_workshop(
        lambda _: workshop.CreateGroup(group_id="g2", name="Group B", board_id="b2")
    ),
    "participant.assign": on_workshop(
        lambda _: workshop.AssignParticipant(actor_id=PIA, group_id="g1")
    ),
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
