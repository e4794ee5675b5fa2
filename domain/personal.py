"""Which strings of which events are personal, and whose: the table the service seals by.

Personal texts (what people wrote, and their names) are stored sealed with a key of their own
person, so that erasing the person (dropping the key) makes every copy unreadable at once
while the log's bytes, and its hash chain, stay as they are (``docs/privacy.md``). Every string
field of every event is either in ``SEALED`` or in ``NOT_PERSONAL`` (ids by ``is_id``);
``tests/domain/test_personal.py`` fails for a new string field that is in neither.

A field is a path into the event: field names, ``*`` for each element of a tuple. Its owner
says whose key seals it:

- ``actor``: whoever issued the command (they wrote it);
- ``joiner``, ``organiser``: the person the event is about (``actor_id``, ``organiser_id``);
- ``author``: the ``author`` of the struct that holds the text (a note, a revealed note, a
  prework answer's event); a part that names no owner of its own (a card's field, an answer)
  belongs to the struct around it;
- ``note``: the author of the note whose ``note_id`` the struct holds, in the board's state
  (following a promoted copy to its source note when the copy's author is blank);
- ``item``: the writer of the decided item (a note's author, or whoever wrote the cluster's
  label);
- ``label``: whoever wrote the label of the cluster whose ``cluster_id`` the struct holds (a
  merged cluster's label, kept in the history);
- ``origin``: the writer of the source item of a promoted copy (its ``origin``);
- ``decided``: a track title taken from the decision's title belongs to the decided item's
  writer; a title the facilitator typed, to the facilitator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Owner = Literal[
    "actor", "joiner", "organiser", "author", "note", "item", "label", "origin", "decided"
]
Path = tuple[str, ...]

SEALED: Mapping[str, tuple[tuple[Path, Owner], ...]] = {
    # workshop and organisers
    "participant.joined": ((("name",), "joiner"), (("organisation",), "joiner")),
    # The invitee's id is not known until they join (under a new id): the name a facilitator
    # typed on an invite is theirs.
    "invite.created": ((("name",), "actor"),),
    "organiser.added": ((("name",), "organiser"),),
    # board
    "note.added": ((("text",), "author"), (("fields", "*", "text"), "author")),
    "note.edited": ((("text",), "actor"),),
    "cluster.created": ((("label",), "actor"),),
    "cluster.renamed": ((("label",), "actor"),),
    "cluster.merged": ((("label",), "label"),),
    "notes.revealed": (
        (("notes", "*", "text"), "author"),
        (("notes", "*", "fields", "*", "text"), "author"),
    ),
    "decision.recorded": (
        (("title",), "item"),
        (("rationale",), "actor"),
        (("evidence", "notes", "*", "text"), "note"),
    ),
    "items.promoted": (
        (("notes", "*", "text"), "origin"),
        (("notes", "*", "fields", "*", "text"), "origin"),
        (("clusters", "*", "label"), "origin"),
    ),
    "comment.added": ((("text",), "author"),),
    # An action item and the name of its owner (maybe no one of the workshop), as the
    # facilitator typed them.
    "action.added": ((("text",), "actor"), (("owner_name",), "actor")),
    # prework: what each person answered is theirs, whoever recorded it
    "prework.answered": ((("answers", "*", "text"), "author"),),
    # solution tracks
    "track.started": ((("title",), "decided"), (("summary",), "actor")),
    "sprint.planned": ((("goal",), "actor"),),
    "sprint.updated": ((("done",), "actor"), (("next",), "actor"), (("blockers",), "actor")),
    "sprint.closed": ((("outcome",), "actor"),),
    "assessment.recorded": ((("criteria", "*", "note"), "actor"), (("summary",), "actor")),
    # Stakeholders are other people, named by whoever planned the validation.
    "validation.planned": ((("stakeholders", "*"), "actor"),),
    # A group's own verdict: its name and note as whoever recorded the result wrote them.
    "validation.recorded": (
        (("findings",), "actor"),
        (("verdicts", "*", "stakeholder"), "actor"),
        (("verdicts", "*", "note"), "actor"),
    ),
    "practice.documented": (
        (("title",), "actor"),
        (("description",), "actor"),
        (("context",), "actor"),
        (("result",), "actor"),
        (("reuse",), "actor"),
    ),
    "presentation.recorded": ((("summary",), "actor"), (("link",), "actor")),
}
"""Event type → the personal string fields it holds and whose key seals each."""

_PREWORK: tuple[Path, ...] = (
    ("questions", "*", "id"),
    ("questions", "*", "label"),
    ("questions", "*", "hint"),
)
"""A prework form's strings, below where it sits in an event."""

NOT_PERSONAL: Mapping[str, frozenset[Path]] = {
    # What a workshop is organised around, written for everyone and shown everywhere; erasing
    # a facilitator must not blank the workshop's structure.
    "workshop.created": frozenset(
        {("title",), ("agenda", "*", "title"), ("date",), *(("prework", *q) for q in _PREWORK)}
    ),
    "agenda.changed": frozenset({("agenda", "*", "title")}),
    # A board's prompt and a template are the facilitator's framing of the work, as titles are.
    "board.configured": frozenset({("prompt",)}),
    "template.saved": frozenset(
        {
            ("template", "id"),
            ("template", "name"),
            ("template", "description"),
            ("template", "agenda", "*", "title"),
            ("template", "plenary", "title"),
            ("template", "plenary", "prompt"),
            ("template", "breakout", "title"),
            ("template", "breakout", "prompt"),
            *(("template", "prework", *q) for q in _PREWORK),
        }
    ),
    "board.created": frozenset({("title",)}),
    # A card's field names are the form's questions, written for everyone.
    "note.added": frozenset({("fields", "*", "key"), ("fields", "*", "label")}),
    "notes.revealed": frozenset(
        {("notes", "*", "fields", "*", "key"), ("notes", "*", "fields", "*", "label")}
    ),
    # The prework form is written for everyone, like the agenda.
    "prework.form_set": frozenset(
        {
            ("questions", "*", "id"),
            ("questions", "*", "label"),
            ("questions", "*", "hint"),
            ("due",),
        }
    ),
    "board.added": frozenset({("title",)}),
    # A copy's group is its source board's title (board.created/board.added: not personal).
    "items.promoted": frozenset(
        {
            ("notes", "*", "origin", "group"),
            ("clusters", "*", "origin", "group"),
            ("notes", "*", "fields", "*", "key"),
            ("notes", "*", "fields", "*", "label"),
        }
    ),
    "group.created": frozenset({("name",)}),
    "action.added": frozenset({("due",)}),
    "programme.created": frozenset({("title",)}),
    "timer.started": frozenset({("label",)}),
    "agenda.started": frozenset({("title",)}),
    # A method ("interviews") and a criterion's name ("feasibility") name a way of working.
    "validation.planned": frozenset({("method",), ("starts_on",), ("ends_on",)}),
    "assessment.recorded": frozenset({("criteria", "*", "name")}),
    "sprint.planned": frozenset({("starts_on",), ("ends_on",)}),
    "presentation.recorded": frozenset({("presented_on",)}),
}
"""Event type → string fields that are not personal, beyond ids (``is_id``)."""

ID_FIELDS = frozenset({"author", "voter", "private_to", "by", "lead", "facilitator", "owner"})
"""Fields that hold a person's id, whatever the event."""


def is_id(path: Path) -> bool:
    """Whether the string at ``path`` is an identifier (of a person, a note, a board, ...):
    ids are never sealed; they are how the log stays a log (``docs/privacy.md``)."""
    name = next(part for part in reversed(path) if part != "*")
    return (
        name.endswith(("_id", "_ids"))
        or name in ID_FIELDS
        or path == ("programme",)  # workshop.created: the programme's id
    )
