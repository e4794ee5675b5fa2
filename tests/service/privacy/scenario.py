"""A workshop whose people's texts are copied about: Pia writes notes, Ben labels clusters,
Fay facilitates; their texts reach decisions, a promotion from a pseudonymous board to the
plenary board, a decision there, and solution tracks.

Every text is unique, so a test can look for each one in stored bytes and in every answer.
"""

from __future__ import annotations

from typing import Any

from domain import board, decisions, discussion, facilitation, solution, workshop
from domain.actor import Actor
from domain.board import BoardKind
from domain.streams import board_stream, workshop_stream
from domain.types import WorkshopRole
from service.commands import flows
from service.commands.access import Caller
from service.commands.prepare import plan_promotion
from service.context import Plenary

W = "w-privacy"
NAMED, ANON, PLENARY = "b-named", "b-anon", "b-plenary"

FAY = Actor(id="fay-0001", role="facilitator", name="Fay Ostrander")
PIA = Actor(id="pia-0002", role="participant", name="Pia Lindqvist")
BEN = Actor(id="ben-0003", role="participant", name="Ben Okonkwo")
ORGANISATION = {PIA.id: "Harbour Residents Association", BEN.id: "Tram Users Guild"}

PIA_NOTE = "Close Rue Haute to cars on Sundays"
PIA_ANON_NOTE = "The night bus skips our district"
BEN_NOTE = "More benches along the canal"
BEN_LABEL = "Streets for people"
BEN_ANON_LABEL = "Getting home at night"
FAY_RATIONALE = "Most dots and the council funds it"
PIA_UPDATE = "Talked to the shopkeepers of Rue Haute"
PIA_COMMENT = "Ask the market traders of Rue Haute too"
FAY_ACTION = "Book the council's mobility officer"

PIA_TEXTS = (PIA.name, ORGANISATION[PIA.id], PIA_NOTE, PIA_ANON_NOTE, PIA_UPDATE, PIA_COMMENT)
"""Everything Pia wrote, her name and organisation included."""
BEN_TEXTS = (BEN.name, BEN_NOTE, BEN_LABEL, BEN_ANON_LABEL)
FAY_TEXTS = (FAY_RATIONALE, FAY_ACTION)

PROMOTION = "promo-1"
PROMOTED_NOTE = decisions.promoted_id(PROMOTION, "a1")
PROMOTED_CLUSTER = decisions.promoted_id(PROMOTION, "ac1")
TRACK_FROM_NOTE, TRACK_TYPED = "t-note", "t-typed"


class Seeder:
    """Runs commands on one composition root with counted command ids."""

    def __init__(self, ctx: Plenary) -> None:
        self.ctx = ctx
        self.count = 0

    def command_id(self) -> str:
        self.count += 1
        return f"privacy-{self.count}"

    async def workshop(self, command: workshop.Command, actor: Actor = FAY) -> None:
        await self.ctx.runner.execute(
            workshop.DECIDER, workshop_stream(W), command, actor, self.command_id()
        )

    async def board(self, board_id: str, command: Any, actor: Actor = FAY) -> None:
        command_id = self.command_id()
        prepared = command
        if isinstance(command, decisions.PromoteItems):
            prepared = await plan_promotion(self.ctx.runner, board_id, command, actor, command_id)
        await self.ctx.runner.execute(
            board.DECIDER, board_stream(board_id), prepared, actor, command_id
        )

    async def new_board(self, board_id: str, kind: BoardKind) -> None:
        await self.workshop(workshop.AddBoard(board_id=board_id, title=board_id, kind=kind))
        await self.board(
            board_id, board.CreateBoard(board_id=board_id, workshop_id=W, title=board_id, kind=kind)
        )


async def seed(ctx: Plenary) -> None:
    """The workshop of this module, with every copy of Pia's and Ben's texts made."""
    s = Seeder(ctx)
    await s.workshop(workshop.CreateWorkshop(workshop_id=W, title="Mobility"))
    for person in (FAY, PIA, BEN):
        role: WorkshopRole = "facilitator" if person is FAY else "participant"
        organisation = ORGANISATION.get(person.id, "")
        join = workshop.JoinWorkshop(
            actor_id=person.id, name=person.name, organisation=organisation, role=role
        )
        await s.workshop(join, person)
    await s.new_board(NAMED, "breakout")
    await s.new_board(ANON, "breakout")
    await s.new_board(PLENARY, "plenary")
    await s.board(ANON, facilitation.SetAnonymity(policy="pseudonymous"))

    await s.board(NAMED, board.AddNote(note_id="n1", text=PIA_NOTE, x=0, y=0), PIA)
    await s.board(NAMED, board.AddNote(note_id="n2", text=BEN_NOTE, x=9, y=0), BEN)
    await s.board(NAMED, board.CreateCluster(cluster_id="c1", label=BEN_LABEL, x=0, y=0), BEN)
    await s.board(NAMED, board.ClusterNote(note_id="n2", cluster_id="c1"), BEN)
    await s.board(ANON, board.AddNote(note_id="a1", text=PIA_ANON_NOTE, x=0, y=0), PIA)
    await s.board(ANON, board.CreateCluster(cluster_id="ac1", label=BEN_ANON_LABEL, x=0, y=0), BEN)
    await s.board(ANON, board.ClusterNote(note_id="a1", cluster_id="ac1"), BEN)

    await s.board(NAMED, facilitation.ChangePhase(phase="decide"))
    for decision_id, item_id in (("d-note", "n1"), ("d-cluster", "c1")):
        record = decisions.RecordDecision(
            decision_id=decision_id, item_id=item_id, outcome="select", rationale=FAY_RATIONALE
        )
        await s.board(NAMED, record)
    comment = discussion.AddComment(comment_id="m1", item_id="n1", text=PIA_COMMENT)
    await s.board(NAMED, comment, PIA)
    action = discussion.AddAction(
        action_id="act1", decision_id="d-note", text=FAY_ACTION, owner_name="Fay", due="2026-12-18"
    )
    await s.board(NAMED, action)

    promote = decisions.PromoteItems(
        promotion_id=PROMOTION, source_board_id=ANON, cluster_ids=("ac1",)
    )
    await s.board(PLENARY, promote)
    await s.board(PLENARY, facilitation.ChangePhase(phase="decide"))
    record = decisions.RecordDecision(
        decision_id="d-copy", item_id=PROMOTED_NOTE, outcome="select", rationale=FAY_RATIONALE
    )
    await s.board(PLENARY, record)

    from_note = solution.StartTrack(
        track_id=TRACK_FROM_NOTE, workshop_id=W, board_id=NAMED, decision_id="d-note", title=""
    )
    await flows.start_track(ctx.runner, Caller(actor=FAY, workshop_id=W), from_note, s.command_id())
    typed = solution.StartTrack(
        track_id=TRACK_TYPED, workshop_id=W, board_id=NAMED, decision_id="d-cluster", title="Plan"
    )
    await flows.start_track(ctx.runner, Caller(actor=FAY, workshop_id=W), typed, s.command_id())
    sprint = solution.PlanSprint(
        sprint_id="s1", goal="Pilot", starts_on="2026-12-01", ends_on="2026-12-12"
    )
    await ctx.runner.execute(
        solution.DECIDER, f"solution-{TRACK_FROM_NOTE}", sprint, FAY, s.command_id()
    )
    update = solution.UpdateSprint(
        update_id="u1", sprint_id="s1", status="on_track", done=PIA_UPDATE
    )
    await ctx.runner.execute(
        solution.DECIDER, f"solution-{TRACK_FROM_NOTE}", update, PIA, s.command_id()
    )
