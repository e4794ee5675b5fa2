"""What the decider says about what the web client predicts someone may do.

The board page guesses from its view what a person may do now, to show or hide controls:
``refusal`` (the role table and ``facilitation.gate``), ``mayVote`` (may they vote in the
open round at all), ``castRefusal`` (would this dot pass the round's limits) and
``mayChangeNote`` (is it theirs to change). ``disagreements`` asks ``domain.board.decide``
the same questions on the same board, each prediction for what it claims to foresee:

- ``refusal`` says something exactly when the role table or the gate refuses (``forbidden``,
  ``board_locked``, a participant's ``wrong_phase``); a facilitator's own rules of a command
  (a round opens in ``vote``, a decision in ``discuss`` or ``decide``) are not its to say;
- ``mayVote`` holds exactly when a dot on the open round's ballot is refused for none of
  ``forbidden``, ``board_locked``, ``facilitators_do_not_vote``;
- ``castRefusal`` gives the decider's code for a dot, where that code is not one of those;
- ``mayChangeNote`` holds exactly when an edit is refused for neither ``forbidden`` nor
  ``not_author`` (asked where the gate lets the edit through to that rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from domain import board, board_setup, decisions, discussion, facilitation, undo, voting
from domain.actor import Actor
from domain.errors import DomainError
from domain.roles import PERMISSIONS
from tests.factories import BOARD_ID, WORKSHOP_ID

Json = dict[str, Any]

SAMPLES: dict[str, board.Command] = {
    "board.create": board.CreateBoard(board_id=BOARD_ID, workshop_id=WORKSHOP_ID, title="Again"),
    "note.add": board.AddNote(note_id="probe", text="Probe", x=0.0, y=0.0),
    "note.edit": board.EditNote(note_id="n1", text="Probe"),
    "note.move": board.MoveNote(note_id="n1", x=1.0, y=1.0),
    "note.recolour": board.RecolourNote(note_id="n1", colour="pink"),
    "note.delete": board.DeleteNote(note_id="n1"),
    "cluster.create": board.CreateCluster(cluster_id="probe", label="Probe", x=0.0, y=0.0),
    "cluster.rename": board.RenameCluster(cluster_id="c1", label="Probe"),
    "cluster.move": board.MoveCluster(cluster_id="c1", x=1.0, y=1.0),
    "cluster.delete": board.DeleteCluster(cluster_id="c1"),
    "note.cluster": board.ClusterNote(note_id="n1", cluster_id=None),
    "cluster.tidy": board.TidyCluster(cluster_id="c1"),
    "board.tidy": board.TidyBoard(),
    "cluster.merge": board.MergeClusters(cluster_id="c1", into_cluster_id="c2"),
    "notes.batch": board.BatchNotes(commands=(board.MoveNote(note_id="n1", x=1.0, y=1.0),)),
    "phase.change": facilitation.ChangePhase(phase="decide"),
    "timer.start": facilitation.StartTimer(seconds=60),
    "timer.extend": facilitation.ExtendTimer(seconds=60),
    "timer.stop": facilitation.StopTimer(),
    "private.start": facilitation.StartPrivateWriting(),
    "notes.reveal": facilitation.RevealNotes(),
    "anonymity.set": facilitation.SetAnonymity(policy="pseudonymous"),
    "board.lock": facilitation.LockBoard(),
    "board.unlock": facilitation.UnlockBoard(),
    "board.gather": facilitation.GatherBoard(board_id="plenary"),
    "board.configure": board_setup.ConfigureBoard(prompt="Probe"),
    "vote.open": voting.OpenRound(round_id="probe"),
    "vote.cast": voting.CastVote(round_id="r1", item_id="c1"),
    "vote.retract": voting.RetractVote(round_id="r1", item_id="c1"),
    "vote.close": voting.CloseRound(round_id="r1"),
    "grid.place": voting.PlaceOnGrid(item_id="c1", impact=1.0, effort=1.0),
    "grid.remove": voting.RemoveFromGrid(item_id="c1"),
    "decision.record": decisions.RecordDecision(
        decision_id="probe", item_id="c1", outcome="select", rationale="Probe"
    ),
    "items.promote": decisions.PromoteItems(promotion_id="probe", source_board_id="src"),
    "decision.track": decisions.TrackDecision(decision_id="probe", track_id="probe"),
    "notes.place": board.PlaceNotes(
        notes=(board.PlacedNote(note_id="probe", author="someone", text="Probe", x=0.0, y=0.0),)
    ),
    "spotlight.set": discussion.SetSpotlight(item_id="c1"),
    "spotlight.clear": discussion.ClearSpotlight(),
    "comment.add": discussion.AddComment(comment_id="probe", item_id="c1", text="Probe"),
    "action.add": discussion.AddAction(
        action_id="probe", decision_id="d1", text="Probe", owner_name="Probe", due="2025-04-01"
    ),
    "action.done": discussion.CompleteAction(action_id="a1"),
    "change.undo": undo.UndoChange(),
    "change.redo": undo.RedoChange(),
}
"""One command of every board command type, to ask the decider about."""
TAGS = sorted(PERMISSIONS["board"])
"""Every board command type the role table knows: what ``refusal`` is asked about."""

GATE = frozenset({"forbidden", "board_locked", "wrong_phase"})
NOT_A_CAST_RULE = frozenset({"forbidden", "board_locked", "facilitators_do_not_vote"})
"""Refusals of a dot that are ``mayVote``'s to foresee (who votes), not ``castRefusal``'s."""


def refused(state: board.Board, command: board.Command, actor: Actor) -> str | None:
    """The code ``decide`` refuses ``command`` with, or ``None``."""
    try:
        board.decide(state, command, actor)
    except DomainError as refusal:
        return refusal.code
    return None


def gate_refusal(state: board.Board, tag: str, actor: Actor) -> str | None:
    """The code of the role table's or the gate's refusal of ``tag`` by ``actor``, if any."""
    code = refused(state, SAMPLES[tag], actor)
    if code in GATE and not (code == "wrong_phase" and actor.role == "facilitator"):
        return code
    return None


class Verdict(NamedTuple):
    """One prediction against the decider: what kind, the decider's code for it (``None``:
    accepted), and, if they disagree, what differs."""

    kind: str
    code: str | None
    differs: str


def disagreements(state: board.Board, actor: Actor, said: Json) -> Iterator[Verdict]:
    """A ``Verdict`` for every prediction in ``said`` (the harness's ``predict``) about
    ``actor`` on ``state``."""
    for tag in TAGS:
        code, page = gate_refusal(state, tag, actor), said["refusal"][tag]
        agrees = (page is None) == (code is None)
        yield _verdict("refusal", code, agrees, f"{tag}: {code!r}, {page!r}")
    yield from _votes(state, actor, said)
    for note_id, may in said["mayChangeNote"].items():
        code = refused(state, board.EditNote(note_id=note_id, text="Probe edit"), actor)
        if code in GATE - {"forbidden"}:
            continue  # the gate answers first: whose note it is does not come up
        agrees = may == (code not in ("forbidden", "not_author"))
        yield _verdict("mayChangeNote", code, agrees, f"note {note_id}: {code!r}, {may}")


def _votes(state: board.Board, actor: Actor, said: Json) -> Iterator[Verdict]:
    code = None
    if state.open_round is not None:
        first = state.rounds[state.open_round].item_ids[0]
        code = refused(state, voting.CastVote(round_id=state.open_round, item_id=first), actor)
    may = state.open_round is not None and code not in NOT_A_CAST_RULE
    decider, page = (may, state.open_round), (said["mayVote"], said["openRound"])
    yield _verdict("mayVote", code, page == decider, f"{decider}, {page}")
    for round_id, items in said["castRefusal"].items():
        for item_id, predicted in items.items():
            code = refused(state, voting.CastVote(round_id=round_id, item_id=item_id), actor)
            if code not in NOT_A_CAST_RULE:
                what = f"a dot on {item_id} in {round_id}: {code!r}, {predicted!r}"
                yield _verdict("castRefusal", code, predicted == code, what)


def _verdict(kind: str, code: str | None, agrees: bool, what: str) -> Verdict:
    return Verdict(kind, code, "" if agrees else f"{what} (decider, then page)")
