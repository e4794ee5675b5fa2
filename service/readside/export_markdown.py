"""A board as a Markdown report: its notes by cluster, its vote rounds, its decisions.

Everything people wrote (texts, labels, titles, names, rationales) renders as the words
they typed: ``&``, ``<`` and ``>`` become entities (no HTML), the characters of Markdown's
inline syntax are escaped with a backslash (no links, images, emphasis, code, tables or
maths), and a line that would open a block of its own (a heading, a list, a rule) has its
first character escaped. A text's line breaks are kept as hard line breaks.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from domain.decisions import Evidence
from projections.board_view import BoardView, DecisionView, NoteView, RoundView
from service.readside.export_view import NameOf, notes_by_cluster

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE_SYNTAX = "\\`*_[]|~#$"
_ESCAPES = str.maketrans({**_ENTITIES, **{c: "\\" + c for c in _INLINE_SYNTAX}})
_LIST_OR_RULE = ("-", "+", "=")
_ORDERED_ITEM = re.compile(r"^([0-9]+)([.)])")
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]+")
_OUTCOMES = {"select": "Selected", "park": "Parked", "reject": "Rejected"}
_KINDS = {"clusters": "cluster", "notes": "note"}


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


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def report(view: BoardView, name_of: NameOf, *, pseudonyms: bool) -> str:
    """The Markdown report of ``view``, already cut down for its viewer; ``pseudonyms`` says
    that the people in it are shown by pseudonym."""
    lines = _summary(view, pseudonyms) + _notes(view, name_of) + _rounds(view)
    return "\n".join(lines + _decisions(view, name_of))


def _summary(view: BoardView, pseudonyms: bool) -> list[str]:
    counts = [
        f"{plural(len(view.notes), 'note')} in {plural(len(view.clusters), 'cluster')}",
        plural(len(view.rounds), "vote round"),
        plural(len(view.decisions), "decision"),
    ]
    lines = [
        f"# {inline(view.title)}",
        "",
        f"Board {_code(view.id)} at version {view.version}, in the {view.phase} phase: "
        f"{', '.join(counts)}.",
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


def _title(view: BoardView, item_id: str) -> str:
    """An item's label or text, escaped; or that it is gone (or not to be seen)."""
    if item_id in view.clusters:
        return inline(view.clusters[item_id].label)
    if item_id in view.notes:
        return inline(view.notes[item_id].text)
    return f"(item {_code(item_id)}, deleted since)"


# --------------------------------------------------------------------------- rounds


def _rounds(view: BoardView) -> list[str]:
    if not view.rounds:
        return []
    ordered = sorted(view.rounds.values(), key=lambda r: (r.opened_at, r.id))
    lines = ["## Vote rounds", ""]
    for number, round_ in enumerate(ordered, start=1):
        lines += _round(view, round_, number)
    return lines


def _round(view: BoardView, round_: RoundView, number: int) -> list[str]:
    state = "open" if round_.open else f"closed {_when(round_.closed_at or round_.opened_at)}"
    voters = "Voters so far" if round_.open else "Voters"
    lines = [
        f"### Round {number} ({_code(round_.id)}), {state}",
        "",
        f"A ballot of {plural(len(round_.item_ids), _KINDS.get(round_.target, 'item'))}; "
        f"{plural(round_.budget, 'dot')} per voter, at most {round_.per_item_max} on one item. "
        f"{voters}: {round_.voters}.",
        "",
    ]
    if round_.open and round_.hide_tallies:
        ballot = [f"- {_title(view, item_id)}" for item_id in round_.item_ids]
        return [*lines, "Its dots stay hidden until it closes. On the ballot:", "", *ballot, ""]
    return lines + _ranking(view, round_) + [""]


def _ranking(view: BoardView, round_: RoundView) -> list[str]:
    """The ballot as a table, most dots first: the results of a closed round, or the dots
    so far of an open round that shows them."""
    if round_.open:
        dots = {item_id: round_.tallies.get(item_id, 0) for item_id in round_.item_ids}
    else:
        dots = {tally.item_id: tally.votes for tally in round_.results}
    ordered = sorted(dots, key=lambda item_id: (-dots[item_id], item_id))
    rows = [
        f"| {1 + sum(d > dots[item_id] for d in dots.values())} "
        f"| {_title(view, item_id)} | {dots[item_id]} |"
        for item_id in ordered
    ]
    return ["| Rank | Item | Dots |", "| ---: | --- | ---: |", *rows]


# --------------------------------------------------------------------------- decisions


def _decisions(view: BoardView, name_of: NameOf) -> list[str]:
    if not view.decisions:
        return []
    lines = ["## Decisions", ""]
    for decision in view.decisions:
        lines += _decision(decision, name_of)
    return lines


def _decision(decision: DecisionView, name_of: NameOf) -> list[str]:
    outcome = _OUTCOMES.get(decision.outcome, inline(decision.outcome))
    kind = _KINDS.get(decision.item_kind, "item")
    logged = f"log position {decision.position}"
    if decision.hash:
        logged += f", hash `{decision.hash}`"
    return [
        f"### {outcome}: {inline(decision.title)}",
        "",
        f"- Item: the {kind} {_code(decision.item_id)}",
        f"- Decided by {inline(name_of(decision.decided_by))}, {_when(decision.decided_at)}, "
        f"at board version {decision.version} ({logged})",
        f"- Rationale: {block(decision.rationale, '  ')}",
        f"- Votes: {_votes(decision.evidence)}",
        f"- Grid: {_grid(decision.evidence)}",
        *_evidence_notes(decision.evidence, name_of),
        "",
    ]


def _votes(evidence: Evidence) -> str:
    if evidence.round_id is None:
        return "none (no closed round had it on its ballot)"
    return (
        f"{plural(evidence.votes or 0, 'dot')}, rank {evidence.rank} of "
        f"{evidence.ballot_size} in round {_code(evidence.round_id)}"
    )


def _grid(evidence: Evidence) -> str:
    if evidence.grid is None:
        return "not placed"
    return f"impact {evidence.grid.impact:g}, effort {evidence.grid.effort:g}"


def _evidence_notes(evidence: Evidence, name_of: NameOf) -> list[str]:
    if not evidence.notes:
        return ["- Notes: none"]
    return ["- Notes:"] + [
        f"  - {block(n.text, '    ')} — {inline(name_of(n.author))}" for n in evidence.notes
    ]
