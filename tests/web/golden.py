"""Golden boards: facilitated sessions drawn by hypothesis, run through the decider, recorded.

A golden board is a script of steps (``tests.web.facilitated``) whose accepted events are
recorded in a ``Log``. Beside its events it keeps the server's view (``BOARD_VIEW``) and the
decider's state after every version, so a test can ask what anyone saw, or was allowed, at
any point. ``golden_boards`` draws a fixed, repeatable set of them (``tests.factories.
examples``), for a check that runs them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from hypothesis import strategies as st

from domain import board, facilitation
from domain.actor import Actor
from domain.board_state import BoardKind
from domain.recorded import RecordedEvent
from domain.streams import board_stream
from projections.board_view import BOARD_VIEW, BoardView
from tests.factories import (
    ALICE,
    BOARD_ID,
    BOB,
    CAROL,
    FACILITATOR,
    OBSERVER,
    WORKSHOP_ID,
    Log,
    accepted,
    examples,
    seed_authors,
    seed_board,
)
from tests.web.facilitated import STEPS, Pick, Step


@dataclass(frozen=True)
class Script:
    """What hypothesis draws for one golden board."""

    commands: list[Step]
    join: float
    """Where, as a share of its versions, a late joiner gets the board's view."""
    drop: float
    """Where (a share of what is left after ``join``) that joiner's socket drops."""


@st.composite
def scripts(draw: st.DrawFn, max_steps: int = 300) -> Script:
    """A seeded board (``tests.factories.seed_board``), breakout or plenary, then up to
    ``max_steps`` facilitated steps; maybe made pseudonymous at some step, maybe asked back."""
    kind: BoardKind = draw(st.sampled_from(("breakout", "breakout", "plenary")))
    source_anonymity = draw(st.sampled_from(("named", "pseudonymous")))
    size = draw(st.integers(10, max_steps))
    rest = draw(st.lists(STEPS[source_anonymity], min_size=size, max_size=size))
    seeded = seed_board(draw(seed_authors))
    create = board.CreateBoard(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Ideas", kind=kind)
    commands: list[Step] = [(create, FACILITATOR), *seeded[1:], *rest]
    for policy in ("pseudonymous", "named"):
        if draw(st.integers(0, 3)) == 0:  # a quarter of boards, at any step
            at = draw(st.integers(1, len(commands)))
            commands.insert(at, (facilitation.SetAnonymity(policy=policy), FACILITATOR))
    join = draw(st.integers(0, 100)) / 100
    drop = draw(st.integers(0, 100)) / 100
    return Script(commands=commands, join=join, drop=drop)


def run(commands: list[Step]) -> list[tuple[list[board.Event], Actor]]:
    """The decider's accepted batches for ``commands`` (``tests.factories.accepted``, with each
    ``Pick`` chosen against the state of its turn)."""
    state = board.initial_state
    batches: list[tuple[list[board.Event], Actor]] = []
    for step, actor in commands:
        command = step.resolve(state, actor) if isinstance(step, Pick) else step
        state, accepted_now = accepted([(command, actor)], state)
        batches += accepted_now
    return batches


# --------------------------------------------------------------------------- recorded


@dataclass(frozen=True)
class Golden:
    """A recorded board: its events (versions 1…n) and, for every version v in 0…n, the
    server's view ``views[v]`` and the decider's state ``states[v]``."""

    events: list[RecordedEvent]
    views: list[BoardView]
    states: list[board.Board]
    authors: dict[str, str]
    """Note id → who wrote it while private writing was on (their notes started hidden)."""
    join: int
    drop: int

    @property
    def version(self) -> int:
        return len(self.events)

    def viewers(self) -> list[Actor]:
        """The facilitator, the participant who wrote most private notes (Alice if none did),
        another participant, and an observer."""
        counts = {p.id: 0 for p in (ALICE, BOB, CAROL)}
        for author in self.authors.values():
            if author in counts:
                counts[author] += 1
        by_id = {p.id: p for p in (ALICE, BOB, CAROL)}
        writer = by_id[max(counts, key=lambda pid: (counts[pid], pid == ALICE.id))]
        other = next(p for p in (ALICE, BOB, CAROL) if p is not writer)
        return [FACILITATOR, writer, other, OBSERVER]


_OTHER_STREAM = board_stream("elsewhere")
_decode = msgspec.json.Decoder(board.Event).decode


def record(script: Script) -> Golden:
    """Run ``script`` through the decider and record what it accepts. Every third command
    another board records an event first, so positions run ahead of versions with gaps."""
    batches = run(script.commands)
    log = Log()
    events: list[RecordedEvent] = []
    noise = board.BoardCreated(board_id="elsewhere", workshop_id=WORKSHOP_ID, title="Other")
    for index, (batch, actor) in enumerate(batches):
        if index % 3 == 2:
            log.append(_OTHER_STREAM, [noise])
        events += log.append(board_stream(BOARD_ID), batch, actor)
    views = [BOARD_VIEW.initial(BOARD_ID)]
    states = [board.initial_state]
    authors: dict[str, str] = {}
    for rec in events:
        views.append(BOARD_VIEW.apply(views[-1], rec))
        event = _decode(rec.data)
        states.append(board.evolve(states[-1], event))
        if isinstance(event, board.NoteAdded) and event.private_to is not None:
            authors[event.note_id] = event.author
    n = len(events)
    join = max(1, round(script.join * n))
    drop = join + round(script.drop * (n - join))
    return Golden(events=events, views=views, states=states, authors=authors, join=join, drop=drop)


def golden_boards(count: int, max_steps: int = 400) -> list[Golden]:
    """``count`` recorded golden boards, the same on every run."""
    return [record(script) for script in examples(scripts(max_steps), count)]
