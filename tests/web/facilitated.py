"""A facilitated board session as hypothesis strategies: the steps of golden boards.

A step is a command and who issues it. Note and cluster work comes from
``tests.factories.steps``; the rest is facilitation (phases, the timer, private writing and
the reveal, the lock, the call to the plenary), vote rounds that hide their tallies or show
them, casts and retracts, the grid, decisions and, on a plenary board, promotions from a
breakout board. Some steps are drawn from fixed pools, valid or not, as ``tests.factories``
draws; most are a ``Pick``, resolved against the board when its turn comes, so that sessions
move through phases and rounds and most of what they try is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from hypothesis import strategies as st

from domain import board, board_setup, decisions, discussion, facilitation, undo, voting
from domain.actor import Actor
from domain.board_state import PHASES, VoteDefaults
from domain.errors import DomainError
from domain.types import COLOURS
from tests.factories import (
    ALICE,
    BOB,
    CAROL,
    CLUSTER_IDS,
    FACILITATOR,
    NOTE_IDS,
    OBSERVER,
    WORKSHOP_ID,
    accepted,
    editors,
    steps,
)

SOURCE_ID = "src"
"""The breakout board a plenary golden board promotes from."""
PROMOTION_IDS = ("p1", "p2", "p3")
ROUND_IDS = ("r1", "r2", "r3", "r4")
DECISION_IDS = ("d1", "d2", "d3")


def _source(anonymity: str) -> board.Board:
    """A breakout board of the same workshop with notes, a cluster and a hidden note."""
    script: list[tuple[board.Command, Actor]] = [
        (
            board.CreateBoard(board_id=SOURCE_ID, workshop_id=WORKSHOP_ID, title="Breakout"),
            FACILITATOR,
        ),
        (board.AddNote(note_id="s1", text="From the breakout", x=5.0, y=5.0), ALICE),
        (board.AddNote(note_id="s2", text="Loose", x=400.0, y=5.0, colour="blue"), BOB),
        (board.CreateCluster(cluster_id="sc", label="Breakout theme", x=0.0, y=0.0), FACILITATOR),
        (board.ClusterNote(note_id="s1", cluster_id="sc"), FACILITATOR),
        (facilitation.SetAnonymity(policy="pseudonymous"), FACILITATOR),
        (facilitation.StartPrivateWriting(), FACILITATOR),
        (board.AddNote(note_id="s3", text="Still private", x=9.0, y=9.0), CAROL),
    ]
    if anonymity == "named":
        script = [step for step in script if not isinstance(step[0], facilitation.SetAnonymity)]
    return accepted(script)[0]


SOURCES = {policy: _source(policy) for policy in ("named", "pseudonymous")}
_PLENARY = board.Board(board_id="plenary", workshop_id=WORKSHOP_ID, kind="plenary", created=True)
"""An empty plenary board: plans are drawn against it, and placed anew when the board they
reach is not empty."""


def _promote(
    promotion_id: str, anonymity: str, cluster_ids: tuple[str, ...], note_ids: tuple[str, ...]
) -> board.Command:
    """``items.promote`` with the plan the service would read from the source board; a plan
    that does not hold (a hidden note) is sent without one, as the decider then refuses."""
    command = decisions.PromoteItems(
        promotion_id=promotion_id,
        source_board_id=SOURCE_ID,
        cluster_ids=cluster_ids,
        note_ids=note_ids,
    )
    try:
        plan = decisions.plan_promotion(SOURCES[anonymity], command, target=_PLENARY)
    except DomainError:
        return command
    return msgspec.structs.replace(command, plan=plan)


ITEM_IDS = (
    *NOTE_IDS,
    *CLUSTER_IDS,
    *(decisions.promoted_id(PROMOTION_IDS[0], origin) for origin in ("sc", "s1", "s2")),
)
"""Ballot, grid and decision items: the note and cluster pools and the first promotion's
copies."""

hosts = st.sampled_from((FACILITATOR,) * 10 + (ALICE, OBSERVER))
"""Who issues a facilitator's command: the facilitator mostly, sometimes someone refused."""
items = st.sampled_from(ITEM_IDS)
round_ids = st.sampled_from(ROUND_IDS)
FRESH_NOTES = tuple(f"a{i}" for i in range(1, 9))
FRESH_CLUSTERS = ("k1", "k2", "k3", "k4")
TEXTS = ("An idea", "Another idea", "y" * 500, "Short")
WRITING = ("collect", "cluster")


@dataclass(frozen=True)
class Pick:
    """A command chosen against the board as it is when its turn comes, so that most pass.
    ``index`` chooses among the candidates; the fixed pools of ``tests.factories`` bring the
    refusals. What each ``what`` does:

    - ``next``: the next phase (closing the open round first);
    - ``open``: a round (reaching the vote phase first); ``close`` it;
    - ``cast`` (or ``open`` while a round is open), ``retract``: a dot in the open round
      (one's own back; with none, a cast); with no round open, ``touch`` instead;
    - ``add``: a note under a fresh id (a participant outside the writing phases: ``touch``);
    - ``touch``: move, edit, recolour, cluster or delete a note its actor sees (outside the
      writing phases a participant moves or clusters);
    - ``shape``: create a cluster under a fresh id, or rename, move or delete one;
    - ``clock``: start a timer, or extend or stop the running one;
    - ``grid``, ``decide``: place or decide a live item;
    - ``spotlight``: the discuss phase first, then spotlight a live item (or clear it);
    - ``comment``: a comment on a live item under a fresh id;
    - ``action``: an action item on a decision (a decision first), or one marked done.
    """

    what: str
    index: int

    def resolve(self, state: board.Board, actor: Actor) -> board.Command:
        i = self.index
        match self.what:
            case "next" if state.open_round is not None:
                return voting.CloseRound(round_id=state.open_round)
            case "next":
                used = state.phases if state.phase in state.phases else PHASES
                return facilitation.ChangePhase(
                    phase=used[(used.index(state.phase) + 1) % len(used)]
                )
            case "open" | "cast" | "retract" | "close" if state.open_round is not None:
                return self._vote(state, state.open_round, actor)
            case "open" if state.phase != "vote":
                return facilitation.ChangePhase(phase="vote")
            case "open":
                return voting.OpenRound(
                    round_id=next((r for r in ROUND_IDS if r not in state.rounds), ROUND_IDS[0]),
                    target="notes" if i % 3 == 0 else "clusters",
                    budget=1 + i % 5,
                    per_item_max=1 + i % 2,
                    hide_tallies=i % 2 == 0,
                    facilitators_vote=i % 4 == 1,
                )
            case "close":
                return voting.CloseRound(round_id=ROUND_IDS[i % len(ROUND_IDS)])
            case "add" if actor.role == "facilitator" or state.phase in WRITING:
                fresh = [nid for nid in FRESH_NOTES if nid not in state.notes] or [FRESH_NOTES[0]]
                x, y = float(i % 7 * 160), float(i // 7 % 5 * 120)
                colour = COLOURS[i % len(COLOURS)]
                return board.AddNote(note_id=fresh[0], text=TEXTS[i % 4], x=x, y=y, colour=colour)
            case "shape":
                return self._shape(state)
            case "clock" if state.timer is None:
                return facilitation.StartTimer(seconds=(60, 300, 600)[i % 3], label=TEXTS[i % 2])
            case "clock":
                return facilitation.ExtendTimer(seconds=60) if i % 3 else facilitation.StopTimer()
            case "grid" | "decide":
                return self._prioritise(state)
            case "spotlight" | "comment" | "action":
                return self._discuss(state)
        return self._touch(state, actor)

    def _discuss(self, state: board.Board) -> board.Command:
        i, talk = self.index, state.discussion
        if self.what == "spotlight" and state.phase != "discuss":
            return facilitation.ChangePhase(phase="discuss")
        if self.what == "spotlight" and i % 4 == 0:
            return discussion.ClearSpotlight()
        if self.what == "spotlight":
            return discussion.SetSpotlight(item_id=self._live_item(state))
        if self.what == "comment":
            return discussion.AddComment(
                comment_id=f"m{len(talk.comments) + 1}",
                item_id=self._live_item(state),
                text=TEXTS[i % 4],
            )
        if not state.decisions:
            return Pick("decide", i).resolve(state, FACILITATOR)
        if talk.actions and i % 3 == 0:
            return discussion.CompleteAction(action_id=tuple(talk.actions)[i % len(talk.actions)])
        decided = tuple(state.decisions)
        return discussion.AddAction(
            action_id=f"a{len(talk.actions) + 1}",
            decision_id=decided[i % len(decided)],
            text=TEXTS[i % 2],
            owner_name=("Pia", "The city team")[i % 2],
            due=("2025-04-01", "2026-01-31")[i % 2],
        )

    def _live_item(self, state: board.Board) -> str:
        live = [nid for nid, n in state.notes.items() if not n.deleted and not n.hidden]
        live += [cid for cid, c in state.clusters.items() if not c.deleted]
        return live[self.index % len(live)] if live else ITEM_IDS[self.index % len(ITEM_IDS)]

    def _touch(self, state: board.Board, actor: Actor) -> board.Command:
        i = self.index
        seen = [
            nid
            for nid, n in state.notes.items()
            if not n.deleted and (not n.hidden or n.author == actor.id)
        ]
        note_id = seen[i % len(seen)] if seen else NOTE_IDS[i % len(NOTE_IDS)]
        writing = actor.role == "facilitator" or state.phase in WRITING
        match i % 7 if writing else i % 2 * 5:
            case 0 | 1:
                return board.MoveNote(note_id=note_id, x=float(i * 13 % 900), y=float(i * 7 % 600))
            case 2:
                return board.EditNote(note_id=note_id, text=f"{TEXTS[i % 4]}, edited {i}")
            case 3:
                return board.RecolourNote(note_id=note_id, colour=COLOURS[i % len(COLOURS)])
            case 4:
                return board.DeleteNote(note_id=note_id)
        clusters = [cid for cid, c in state.clusters.items() if not c.deleted]
        target = clusters[i % len(clusters)] if clusters and i % 5 else None
        return board.ClusterNote(note_id=note_id, cluster_id=target)

    def _shape(self, state: board.Board) -> board.Command:
        i = self.index
        live = [cid for cid, c in state.clusters.items() if not c.deleted]
        fresh = [cid for cid in FRESH_CLUSTERS if cid not in state.clusters]
        if fresh and (len(live) < 3 or i % 4 == 0):
            x, y = float(i % 5 * 340), float(400 + i % 3 * 220)
            return board.CreateCluster(cluster_id=fresh[0], label=f"Theme {i}", x=x, y=y)
        cluster_id = live[i % len(live)] if live else CLUSTER_IDS[0]
        match i % 4:
            case 0:
                return board.RenameCluster(cluster_id=cluster_id, label=f"Theme {i}")
            case 1:
                return board.MoveCluster(cluster_id=cluster_id, x=float(i % 9 * 100), y=400.0)
            case 2 if len(live) > 1:
                into = next(cid for cid in live if cid != cluster_id)
                return board.MergeClusters(cluster_id=cluster_id, into_cluster_id=into)
        return board.DeleteCluster(cluster_id=cluster_id)

    def _vote(self, state: board.Board, round_id: str, actor: Actor) -> board.Command:
        i = self.index
        if self.what == "close":
            return voting.CloseRound(round_id=round_id)
        round_ = state.rounds[round_id]
        mine = tuple(round_.votes.get(actor.id, {}))
        if self.what == "retract" and mine:
            return voting.RetractVote(round_id=round_id, item_id=mine[i % len(mine)])
        return voting.CastVote(round_id=round_id, item_id=round_.item_ids[i % len(round_.item_ids)])

    def _prioritise(self, state: board.Board) -> board.Command:
        i = self.index
        item = self._live_item(state)
        if self.what == "grid":
            return voting.PlaceOnGrid(item_id=item, impact=i % 11 * 1.0, effort=i // 11 % 11 * 1.0)
        return decisions.RecordDecision(
            decision_id=DECISION_IDS[i % len(DECISION_IDS)],
            item_id=item,
            outcome=("select", "park", "reject")[i % 3],
            rationale="Chosen in the discussion",
        )


Step = tuple[board.Command | Pick, Actor]


_timers = st.one_of(
    st.builds(
        facilitation.StartTimer,
        seconds=st.sampled_from((10, 60, 300, 14_400, 5)),
        label=st.sampled_from(("", "Write", "l" * 81)),
    ),
    st.builds(facilitation.ExtendTimer, seconds=st.sampled_from((10, 60, 14_400))),
    st.just(facilitation.StopTimer()),
)
_open_round = st.builds(
    voting.OpenRound,
    round_id=round_ids,
    target=st.sampled_from(("clusters", "notes")),
    budget=st.sampled_from((1, 2, 3, 5, 21)),
    per_item_max=st.sampled_from((1, 2, 3)),
    hide_tallies=st.booleans(),
    facilitators_vote=st.booleans(),
    item_ids=st.one_of(st.just(()), st.lists(items, min_size=1, max_size=3).map(tuple)),
)
_grid_values = st.sampled_from((0.0, 2.5, 7.0, 10.0, 11.0))


_PROMOTIONS = {
    anonymity: st.builds(
        _promote,
        st.sampled_from(PROMOTION_IDS),
        st.just(anonymity),
        st.sampled_from(((), ("sc",), ("sc", "x"))),
        st.sampled_from(((), ("s2",), ("s1", "s2"), ("s3",))),
    )
    for anonymity in SOURCES
}
"""``items.promote`` from the named or the pseudonymous source board."""


_RAW: dict[str, st.SearchStrategy[board.Command]] = {
    "undo": st.just(undo.UndoChange()),
    "redo": st.just(undo.RedoChange()),
    "phase": st.builds(facilitation.ChangePhase, phase=st.sampled_from(PHASES)),
    "timer": _timers,
    "private": st.just(facilitation.StartPrivateWriting()),
    "reveal": st.just(facilitation.RevealNotes()),
    "lock": st.just(facilitation.LockBoard()),
    "unlock": st.just(facilitation.UnlockBoard()),
    "gather": st.builds(facilitation.GatherBoard, board_id=st.sampled_from(("plenary", "p2"))),
    "configure": st.builds(
        board_setup.ConfigureBoard,
        prompt=st.sampled_from((None, "", "What challenge does your city face?", "p" * 301)),
        phases=st.sampled_from(
            (None, PHASES, PHASES, ("collect", "cluster", "vote", "discuss"), ("vote", "decide"))
        ),
        vote_defaults=st.sampled_from(
            (None, VoteDefaults(), VoteDefaults(budget=3, per_item_max=1, hide_tallies=False))
        ),
    ),
    "round": _open_round,
    "vote": st.builds(voting.CastVote, round_id=round_ids, item_id=items),
    "place": st.builds(voting.PlaceOnGrid, item_id=items, impact=_grid_values, effort=_grid_values),
    "unplace": st.builds(voting.RemoveFromGrid, item_id=items),
    "decision": st.builds(
        decisions.RecordDecision,
        decision_id=st.sampled_from(DECISION_IDS),
        item_id=items,
        outcome=st.sampled_from(("select", "park", "reject")),
        rationale=st.sampled_from(("Most dots", "", "r" * 2001)),
    ),
    "spot": st.one_of(
        st.builds(discussion.SetSpotlight, item_id=items), st.just(discussion.ClearSpotlight())
    ),
    "say": st.builds(
        discussion.AddComment,
        comment_id=st.sampled_from(("m1", "m2")),
        item_id=items,
        text=st.sampled_from(("Why?", "", "c" * 1001)),
    ),
    "act": st.builds(
        discussion.AddAction,
        action_id=st.sampled_from(("a1", "a9")),
        decision_id=st.sampled_from(DECISION_IDS),
        text=st.sampled_from(("Call them", "")),
        owner_name=st.sampled_from(("Pia", "")),
        due=st.sampled_from(("2025-04-01", "April")),
    ),
    "track": st.builds(
        decisions.TrackDecision,
        decision_id=st.sampled_from(DECISION_IDS),
        track_id=st.sampled_from(("t1", "t2")),
    ),
}
"""Commands drawn from fixed pools, valid or not, as ``tests.factories`` draws note work."""

_PARTICIPANTS = (ALICE, BOB, CAROL)
_WHO: dict[str, tuple[Actor, ...]] = {
    "add": (*_PARTICIPANTS, *_PARTICIPANTS, FACILITATOR),
    "touch": (*_PARTICIPANTS, *_PARTICIPANTS, FACILITATOR),
    "grid": (FACILITATOR, *_PARTICIPANTS),
    "cast": (*_PARTICIPANTS, *_PARTICIPANTS, FACILITATOR, OBSERVER),
    "retract": _PARTICIPANTS,
    "shape": (*_PARTICIPANTS, FACILITATOR),
    "comment": (*_PARTICIPANTS, FACILITATOR, OBSERVER),
}
"""Who issues each kind of pick; the facilitator's picks are the facilitator's (``hosts``
brings the refused ones)."""

PLANS = (
    ("board",) * 6
    + ("add",) * 4
    + ("touch",) * 6
    + ("next",) * 3
    + ("open",) * 2
    + ("cast",) * 10
    + ("retract",) * 4
    + ("shape",) * 3
    + ("close", "grid", "grid", "decide", "decide", "promote", "clock", "clock")
    + ("spotlight",) * 2
    + ("comment",) * 3
    + ("action",) * 2
    + tuple(_RAW)
    + ("undo", "undo", "redo")
    + ("unlock",) * 2
)
"""What a step does, weighted by repetition: ``board`` draws note work from
``tests.factories.steps``, ``promote`` an ``items.promote``, a key of ``_RAW`` a pooled
command for ``hosts`` or ``editors``; anything else is a ``Pick``."""


_PLAN_AND_INDEX = st.integers(0, len(PLANS) << 12)
"""A plan and, for a ``Pick``, its index, in one draw (every draw costs hypothesis time)."""


@st.composite
def facilitated_steps(draw: st.DrawFn, source_anonymity: str = "named") -> Step:
    """One command and who issues it: note and cluster work (``tests.factories.steps``),
    facilitation, voting, the grid, decisions and promotion."""
    drawn = draw(_PLAN_AND_INDEX)
    plan, index = PLANS[drawn % len(PLANS)], drawn // len(PLANS)
    if plan == "board":
        return draw(steps)
    if plan == "promote":
        return draw(_PROMOTIONS[source_anonymity]), draw(hosts)
    if plan in _RAW:
        command = draw(_RAW[plan])
        people = plan in ("place", "unplace", "vote", "say", "undo", "redo")
        return command, draw(editors if people else hosts)
    pool = _WHO.get(plan)
    actor = pool[index % len(pool)] if pool else FACILITATOR
    return Pick(plan, index // 8), actor


STEPS = {anonymity: facilitated_steps(anonymity) for anonymity in SOURCES}
"""Steps of a board whose promotions come from a named or a pseudonymous source board."""
