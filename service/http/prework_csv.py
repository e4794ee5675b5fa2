"""Reading a CSV of prework answers: which column names the person and which answer which
question, and for each row either its answers or a clear reason it cannot be imported.

One column names the person (``name``, ``person``, ``participant``, or ``id`` / ``actor_id``
for their id in the workshop); every column whose header is a question's id or label (any
case) answers that question; other columns are shown as ignored. Plenary knows people by
name and id only: it holds no e-mail addresses, and an invite names no one until it is used.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re

import msgspec

from domain import prework, workshop
from domain.checks import check_characters
from domain.errors import InvalidCommand
from service.errors import BadRequest

PERSON_HEADERS = ("name", "person", "participant", "id", "actor_id")
ROWS_MAX = prework.IMPORT_MAX
_UNDECODED = re.compile("[\udc80-\udcff]")


class Column(msgspec.Struct, frozen=True, kw_only=True):
    header: str
    use: str
    """``person``, ``question`` or ``ignored``."""
    question_id: str | None = None


class RowError(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    message: str


class Row(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    """The row's line in the file (the header is line 1)."""
    person: str
    author: str | None = None
    name: str = ""
    answers: tuple[prework.Answer, ...] = ()
    error: RowError | None = None


class Preview(msgspec.Struct, frozen=True, kw_only=True):
    columns: list[Column]
    rows: list[Row]

    @property
    def good(self) -> list[Row]:
        return [row for row in self.rows if row.error is None]


def _refuse(message: str) -> BadRequest:
    return BadRequest(message, code="csv_invalid")


def decode(text: str) -> list[list[str]]:
    """The table in base64 ``text``; bytes that are not UTF-8 are kept as surrogates, so the
    rows that hold them can be named. Raises ``csv_invalid``."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _refuse("The file must be sent as base64.") from exc
    body = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    try:
        return [row for row in csv.reader(io.StringIO(body, newline="")) if any(row)]
    except csv.Error as exc:
        raise _refuse(f"This is not a CSV file: {exc}.") from exc


def preview(
    table: list[list[str]], form: prework.Form, people: workshop.Workshop, placed: set[str]
) -> Preview:
    """Each row of ``table`` read against ``form`` and the workshop's people. Raises
    ``csv_invalid`` for a file that cannot be read as answers at all."""
    if not table:
        raise _refuse("The file is empty.")
    if len(table) - 1 > ROWS_MAX:
        raise _refuse(f"A file holds at most {ROWS_MAX} rows of answers.")
    columns = _columns(table[0], form)
    rows: list[Row] = []
    seen: set[str] = set()
    for offset, cells in enumerate(table[1:]):
        row = _row(offset + 2, cells, columns, people, placed)
        if row.author is not None and row.error is None and row.author in seen:
            row = _bad(row, "duplicate_person", "This person has an earlier row in the file.")
        if row.author is not None:
            seen.add(row.author)
        rows.append(row)
    return Preview(columns=columns, rows=rows)


def _columns(header: list[str], form: prework.Form) -> list[Column]:
    names = [h.strip() for h in header]
    if _UNDECODED.search("".join(names)):
        raise _refuse("The header row is not UTF-8 text.")
    if len({n.casefold() for n in names}) != len(names):
        raise _refuse("Two columns have the same header.")
    by_name = {q.id.casefold(): q.id for q in form.questions}
    by_name |= {q.label.strip().casefold(): q.id for q in form.questions}
    columns: list[Column] = []
    for name in names:
        key = name.casefold()
        if key in PERSON_HEADERS and not any(c.use == "person" for c in columns):
            columns.append(Column(header=name, use="person"))
        elif key in by_name:
            columns.append(Column(header=name, use="question", question_id=by_name[key]))
        else:
            columns.append(Column(header=name, use="ignored"))
    if not any(c.use == "person" for c in columns):
        raise _refuse(f"No column names the person: call one {', '.join(PERSON_HEADERS)}.")
    if not any(c.use == "question" for c in columns):
        raise _refuse("No column's header is a question of the form (its id or its label).")
    return columns


def _bad(row: Row, code: str, message: str) -> Row:
    return msgspec.structs.replace(row, error=RowError(code=code, message=message))


def _row(
    line: int,
    cells: list[str],
    columns: list[Column],
    people: workshop.Workshop,
    placed: set[str],
) -> Row:
    cells = [*cells, *[""] * (len(columns) - len(cells))] if len(cells) < len(columns) else cells
    person = next(c for cell, c in zip(cells, columns, strict=False) if c.use == "person")
    who = cells[columns.index(person)].strip()
    row = Row(line=line, person=who)
    if any(_UNDECODED.search(cell) for cell in cells):
        return _bad(
            msgspec.structs.replace(row, person=_UNDECODED.sub("?", who)),
            "bad_encoding",
            "This row is not UTF-8 text: save the file as CSV UTF-8.",
        )
    if len(cells) > len(columns):
        return _bad(
            row, "extra_cells", f"This row has {len(cells)} cells; the header has {len(columns)}."
        )
    if not who:
        return _bad(row, "missing_column", f"The person column ({person.header!r}) is empty.")
    answers = tuple(
        prework.Answer(question_id=c.question_id, text=cell.strip())
        for cell, c in zip(cells, columns, strict=True)
        if c.use == "question" and c.question_id is not None
    )
    row = msgspec.structs.replace(row, answers=answers)
    matches = [
        pid
        for pid, p in people.participants.items()
        if not p.removed and (pid == who or p.name.strip().casefold() == who.casefold())
    ]
    if not matches:
        return _bad(row, "unknown_person", f"Nobody called {who!r} has joined this workshop.")
    if len(matches) > 1:
        return _bad(
            row, "ambiguous_person", f"{len(matches)} people are called {who!r}: use their id."
        )
    row = msgspec.structs.replace(row, author=matches[0], name=people.participants[matches[0]].name)
    return _check_answers(row, placed)


def _check_answers(row: Row, placed: set[str]) -> Row:
    if row.author in placed:
        return _bad(row, "already_placed", "This person's answers are on the boards already.")
    if not any(a.text for a in row.answers):
        return _bad(row, "no_answers", "Every answer of this row is empty.")
    for answer in row.answers:
        if len(answer.text) > prework.ANSWER_MAX:
            return _bad(
                row,
                "text_too_long",
                f"The answer to {answer.question_id!r} has "
                f"{len(answer.text)} characters; at most {prework.ANSWER_MAX}.",
            )
        try:
            check_characters(answer.text, "invalid_answer")
        except InvalidCommand as exc:
            return _bad(row, "invalid_text", exc.message)
    return row
