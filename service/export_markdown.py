"""A board as a Markdown report: its notes by cluster.

Everything people wrote (texts, labels, titles, names, rationales) renders as the words
they typed: ``&``, ``<`` and ``>`` become entities (no HTML), the characters of Markdown's
inline syntax are escaped with a backslash (no links, images, emphasis, code, tables or
maths), and a line that would open a block of its own (a heading, a list, a rule) has its
first character escaped. A text's line breaks are kept as hard line breaks.
"""

from __future__ import annotations

import re

from projections.board_view import BoardView, NoteView
from service.export_view import NameOf, notes_by_cluster

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE_SYNTAX = "\\`*_[]|~#$"
_ESCAPES = str.maketrans({**_ENTITIES, **{c: "\\" + c for c in _INLINE_SYNTAX}})
_LIST_OR_RULE = ("-", "+", "=")
_ORDERED_ITEM = re.compile(r"^([0-9]+)([.)])")
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def _escape_line(line: str) -> str:
    line = line.strip().translate(_ESCAPES)
    if line.startswith(_LIST_OR_RULE):
        return "\\" + line
    return _ORDERED_ITEM.sub(r"\1\\\2", line)


def inline(text: str) -> str:
    """``text`` escaped on one line (its line breaks become spaces): for headings, table
    cells and names."""
    return _escape_line(" ".join(text.split()))


def block(text: str, indent: str) -> str:
    """``text`` escaped, its lines joined by hard line breaks; each line after the first is
    indented by ``indent`` so it stays in the list item the text starts in. Blank lines and
    each line's leading and trailing spaces are dropped."""
    lines = [_escape_line(line) for line in text.splitlines() if line.strip()]
    return f"\\\n{indent}".join(lines)


def _code(item_id: str) -> str:
    """An id as code; anything unlike an id is escaped as text instead."""
    return f"`{item_id}`" if _PLAIN_ID.fullmatch(item_id) else inline(item_id)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def report(view: BoardView, name_of: NameOf, *, pseudonyms: bool) -> str:
    """The Markdown report of ``view``, already cut down for its viewer; ``pseudonyms`` says
    that the people in it are shown by pseudonym."""
    return "\n".join(_summary(view, pseudonyms) + _notes(view, name_of))


def _summary(view: BoardView, pseudonyms: bool) -> list[str]:
    notes = f"{_count(len(view.notes), 'note')} in {_count(len(view.clusters), 'cluster')}"
    lines = [
        f"# {inline(view.title)}",
        "",
        f"Board {_code(view.id)} at version {view.version}, in the {view.phase} phase: {notes}.",
        "",
    ]
    if pseudonyms:
        lines += ["People on this board are shown by pseudonym.", ""]
    elif view.anonymity == "pseudonymous":
        lines += ["People work under pseudonyms on this board; this export names them.", ""]
    return lines


# --------------------------------------------------------------------------- notes


def _notes(view: BoardView, name_of: NameOf) -> list[str]:
    lines = ["## Notes", ""]
    groups = notes_by_cluster(view)
    for label, notes in groups:
        heading = inline(label) if label else "*Outside any cluster*"
        lines += [f"### {heading}", ""]
        lines += [_note_item(n, name_of) for n in notes] or ["No notes."]
        lines.append("")
    return lines if groups else [*lines, "No notes.", ""]


def _note_item(note: NoteView, name_of: NameOf) -> str:
    return f"- {block(note.text, '  ')} — {inline(name_of(note.author))}"
