"""The table of personal fields covers every string of every event, and nothing else: a new
text field fails here until it is sealed (``SEALED``) or said not to be personal."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from msgspec import inspect

from domain import board, organisers, prework, programme, solution, workshop
from domain.personal import NOT_PERSONAL, SEALED, Path, is_id

EVENT_UNIONS: tuple[Any, ...] = (
    board.Event,
    workshop.Event,
    solution.Event,
    programme.Event,
    organisers.Event,
    prework.Event,
)
EVENTS: dict[str, Any] = {
    member.__struct_config__.tag: member
    for union in EVENT_UNIONS
    for member in typing.get_args(union)
}


def string_paths(kind: inspect.Type, prefix: Path = ()) -> set[Path]:
    """Every path to a ``str`` in ``kind`` (a tuple's elements as ``*``)."""
    if isinstance(kind, inspect.StructType):
        return {p for f in kind.fields for p in string_paths(f.type, (*prefix, f.name))}
    if isinstance(kind, inspect.VarTupleType | inspect.ListType):
        return string_paths(kind.item_type, (*prefix, "*"))
    if isinstance(kind, inspect.UnionType):
        return {p for member in kind.types for p in string_paths(member, prefix)}
    if isinstance(kind, inspect.StrType):
        return {prefix}
    return set()


@pytest.mark.parametrize("tag", sorted(EVENTS))
def test_every_string_of_every_event_is_sealed_an_id_or_not_personal(tag: str) -> None:
    sealed = {path for path, _ in SEALED.get(tag, ())}
    declared = sealed | NOT_PERSONAL.get(tag, frozenset())
    found = string_paths(inspect.type_info(EVENTS[tag]))
    undeclared = {p for p in found if not is_id(p)} - declared
    assert not undeclared, f"{tag}: seal these fields or list them as not personal: {undeclared}"
    assert declared <= found, f"{tag}: the table names fields the event lacks"
    assert not sealed & NOT_PERSONAL.get(tag, frozenset())
    assert not any(is_id(p) for p in declared), f"{tag}: an id is never sealed"


def test_the_table_names_only_events_that_exist() -> None:
    assert set(SEALED) | set(NOT_PERSONAL) <= set(EVENTS)


def test_what_people_write_is_sealed() -> None:
    """The fields the issue names, spot-checked against a careless edit of the table."""
    owners = {(tag, path): owner for tag, fields in SEALED.items() for path, owner in fields}
    assert owners[("participant.joined", ("name",))] == "joiner"
    assert owners[("participant.joined", ("organisation",))] == "joiner"
    assert owners[("organiser.added", ("name",))] == "organiser"
    assert owners[("note.added", ("text",))] == "author"
    assert owners[("note.edited", ("text",))] == "actor"
    assert owners[("notes.revealed", ("notes", "*", "text"))] == "author"
    assert owners[("decision.recorded", ("evidence", "notes", "*", "text"))] == "note"
    assert owners[("decision.recorded", ("title",))] == "item"
    assert owners[("items.promoted", ("notes", "*", "text"))] == "origin"
    assert owners[("sprint.updated", ("blockers",))] == "actor"
    assert owners[("prework.answered", ("answers", "*", "text"))] == "author"
    assert owners[("note.added", ("fields", "*", "text"))] == "author"
