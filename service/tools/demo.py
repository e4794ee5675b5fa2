"""``plenary demo``: a co-design programme with every feature populated.

A challenges workshop with four breakout groups and a plenary: private writing, clusters, a
closed dot-vote round and a decision in each group (one group pseudonymous), the winners
promoted to the plenary with their lineage, a plenary vote and decisions; a solution track
started from the plenary's decision with two sprints, updates, an assessment, a validation
and the final presentation; and a small initiatives workshop, so the outcome tracker counts.

Seeding goes through the same command runner as every person does, so the demo's events are
ordinary, hash-chained events. Ids are fixed, so seeding twice changes nothing.

Longer than most modules, on purpose: it is a script of one demo programme, read top to
bottom as the story of a programme; each function seeds one part of it, in order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain import board, decisions, facilitation, organisers, programme, solution, voting, workshop
from domain.actor import Actor
from domain.board_state import BoardKind, Phase
from domain.streams import (
    ORGANISERS_STREAM,
    board_stream,
    programme_stream,
    solution_stream,
    workshop_stream,
)
from domain.types import WorkshopRole
from service.access.auth import operator
from service.commands.prepare import plan_promotion
from service.context import Plenary
from service.tools.demo_data import (
    AGENDA,
    GROUPS,
    INITIATIVES,
    PLENARY_PARKED,
    PLENARY_WINNER,
    PRACTICES,
    PROGRAMME,
    PROGRAMME_TITLE,
    SPRINTS,
    Group,
)

__all__ = ["GROUPS", "Demo", "seed"]

WORKSHOP_ID = "demo-challenges"
BOARD_ID = "demo-challenges-board"
"""The plenary board of the challenges workshop."""
INITIATIVES_ID = "demo-initiatives"
TRACK_ID = "demo-track-who-takes-part"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "plenary:demo")


@dataclass(frozen=True, slots=True)
class Demo:
    workshop_id: str
    board_id: str
    organiser: Actor
    """The demo's organiser, who owns its programme and facilitates its workshops."""
    facilitator: Actor
    participant: Actor
    """A member of the first breakout group."""
    group_board_id: str


def _id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


def facilitator() -> Actor:
    """Ana, the demo's host: its organiser, and the facilitator of its workshops."""
    return Actor(id=_id("facilitator"), role="facilitator", name="Ana (host)")


def organiser() -> Actor:
    """Ana as the organiser who owns the demo programme."""
    return Actor(id=_id("facilitator"), role="organiser", name="Ana (host)")


def group_board(group: Group) -> str:
    return f"demo-group-{group.key}"


def person(name: str, role: WorkshopRole = "participant") -> Actor:
    return Actor(id=_id(f"person:{name}"), role=role, name=name)


class _Seeder:
    """Runs the demo's commands with fixed command ids, so a second run is a no-op."""

    def __init__(self, ctx: Plenary) -> None:
        self.ctx = ctx
        self.host = facilitator()

    async def workshop(self, workshop_id: str, command: workshop.Command, key: str) -> None:
        actor = self.host
        if isinstance(command, workshop.JoinWorkshop):
            actor = Actor(id=command.actor_id, role=command.role, name=command.name)
        await self.ctx.runner.execute(
            workshop.DECIDER, workshop_stream(workshop_id), command, actor, _id(f"cmd:{key}")
        )

    async def programme(self, command: programme.Command, key: str) -> None:
        await self.ctx.runner.execute(
            programme.DECIDER, programme_stream(PROGRAMME), command, organiser(), _id(f"cmd:{key}")
        )

    async def board(
        self, board_id: str, command: board.Command, key: str, actor: Actor | None = None
    ) -> None:
        who = actor or self.host
        command_id = _id(f"cmd:{board_id}:{key}")
        prepared = command
        if isinstance(command, decisions.PromoteItems):
            prepared = await plan_promotion(self.ctx.runner, board_id, command, who, command_id)
        await self.ctx.runner.execute(
            board.DECIDER, board_stream(board_id), prepared, who, command_id
        )

    async def phase(self, board_id: str, phase: Phase) -> None:
        await self.board(board_id, facilitation.ChangePhase(phase=phase), f"phase:{phase}")

    async def track(self, command: solution.Command, key: str, actor: Actor | None = None) -> None:
        await self.ctx.runner.execute(
            solution.DECIDER,
            solution_stream(TRACK_ID),
            command,
            actor or self.host,
            _id(f"cmd:track:{key}"),
        )

    async def add_board(self, workshop_id: str, board_id: str, title: str, kind: BoardKind) -> None:
        await self.workshop(
            workshop_id,
            workshop.AddBoard(board_id=board_id, title=title, kind=kind),
            f"{board_id}:added",
        )
        create = board.CreateBoard(
            board_id=board_id, workshop_id=workshop_id, title=title, kind=kind
        )
        await self.board(board_id, create, "created")


async def seed(ctx: Plenary) -> Demo:
    """Create the demo programme unless it exists already."""
    s = _Seeder(ctx)
    await _organiser(s)
    await _challenges_workshop(s)
    for group in GROUPS:
        await _breakout(s, group)
    await _plenary(s)
    await _track(s)
    await _initiatives(s)
    first = GROUPS[0]
    return Demo(
        workshop_id=WORKSHOP_ID,
        board_id=BOARD_ID,
        organiser=organiser(),
        facilitator=facilitator(),
        participant=person(first.members[0]),
        group_board_id=group_board(first),
    )


async def _organiser(s: _Seeder) -> None:
    """Ana, an organiser (added by the operator), and the programme she owns."""
    add = organisers.AddOrganiser(organiser_id=organiser().id, name=organiser().name)
    await s.ctx.runner.execute(
        organisers.DECIDER, ORGANISERS_STREAM, add, operator(), _id("cmd:organiser")
    )
    create = programme.CreateProgramme(programme_id=PROGRAMME, title=PROGRAMME_TITLE)
    await s.programme(create, "programme")


async def _challenges_workshop(s: _Seeder) -> None:
    create = workshop.CreateWorkshop(
        workshop_id=WORKSHOP_ID,
        title="Challenges workshop: what our cities struggle with",
        kind="challenges",
        date="2026-09-15",
        agenda=tuple(workshop.AgendaItem(title=t, minutes=m) for t, m in AGENDA),
        programme=PROGRAMME,
    )
    await s.programme(programme.IncludeWorkshop(workshop_id=WORKSHOP_ID), "include:challenges")
    await s.workshop(WORKSHOP_ID, create, "workshop")
    host = facilitator()
    join = workshop.JoinWorkshop(
        actor_id=host.id, name=host.name, organisation="Network secretariat", role="facilitator"
    )
    await s.workshop(WORKSHOP_ID, join, "join:host")
    await s.add_board(WORKSHOP_ID, BOARD_ID, "Plenary: our cities' challenges", "plenary")
    for group in GROUPS:
        board_id = group_board(group)
        await s.add_board(WORKSHOP_ID, board_id, f"Group: {group.name}", "breakout")
        group_id = f"demo-group-{group.key}-g"
        await s.workshop(
            WORKSHOP_ID,
            workshop.CreateGroup(group_id=group_id, name=group.name, board_id=board_id),
            f"group:{group.key}",
        )
        for name in group.members:
            await _join(s, name, "participant", group_id)
    await _join(s, "Hanna (observer, Tampere)", "observer", None)
    await _join(s, "Tomás (auditor)", "auditor", None)


async def _join(s: _Seeder, name: str, role: WorkshopRole, group_id: str | None) -> None:
    who = person(name, role)
    city = name.partition("(")[2].rstrip(")")
    join = workshop.JoinWorkshop(actor_id=who.id, name=name, organisation=city, role=role)
    await s.workshop(WORKSHOP_ID, join, f"join:{name}")
    if group_id is not None:
        assign = workshop.AssignParticipant(actor_id=who.id, group_id=group_id)
        await s.workshop(WORKSHOP_ID, assign, f"assign:{name}")


async def _breakout(s: _Seeder, group: Group) -> None:
    """Private writing, reveal, clusters, a hidden-tally round, the grid, a decision."""
    b = group_board(group)
    members = [person(name) for name in group.members]
    if group.pseudonymous:
        await s.board(b, facilitation.SetAnonymity(policy="pseudonymous"), "anonymity")
    await s.board(b, facilitation.StartPrivateWriting(), "private")
    for index, (colour, text) in enumerate(group.notes):
        x, y = 900.0 + index * 170.0, 80.0
        add = board.AddNote(note_id=f"{b}-n{index}", text=text, x=x, y=y, colour=colour)
        await s.board(b, add, f"note:{index}", members[index])
    await s.board(b, facilitation.RevealNotes(), "reveal")
    await s.phase(b, "cluster")
    for c, (label, note_indexes) in enumerate(group.clusters):
        cx, cy = 80.0 + c * 560.0, 80.0
        cluster_id = f"{b}-c{c}"
        await s.board(
            b, board.CreateCluster(cluster_id=cluster_id, label=label, x=cx, y=cy), cluster_id
        )
        for slot, index in enumerate(note_indexes):
            note_id = f"{b}-n{index}"
            move = board.MoveNote(
                note_id=note_id, x=cx + 20 + (slot % 2) * 170, y=cy + 60 + (slot // 2) * 150
            )
            await s.board(b, move, f"move:{index}", members[index])
            await s.board(
                b,
                board.ClusterNote(note_id=note_id, cluster_id=cluster_id),
                f"cluster:{index}",
                members[index],
            )
    await s.phase(b, "vote")
    round_id = f"{b}-round-1"
    await s.board(b, voting.OpenRound(round_id=round_id, target="clusters"), "round")
    for m, member in enumerate(members):
        # Three put 3 dots on the first cluster and 2 on the second; two do the opposite.
        first, second = (3, 2) if m < 3 else (2, 3)
        for c, dots in ((0, first), (1, second)):
            for dot in range(dots):
                cast = voting.CastVote(round_id=round_id, item_id=f"{b}-c{c}")
                await s.board(b, cast, f"vote:{m}:{c}:{dot}", member)
    await s.board(b, voting.CloseRound(round_id=round_id), "round-closed")
    await s.phase(b, "discuss")
    grid = ((8.5, 4.0), (6.0, 7.5))
    for c, (impact, effort) in enumerate(grid):
        place = voting.PlaceOnGrid(item_id=f"{b}-c{c}", impact=impact, effort=effort)
        await s.board(b, place, f"grid:{c}", members[c])
    await s.phase(b, "decide")
    decide = decisions.RecordDecision(
        decision_id=f"{b}-decision",
        item_id=f"{b}-c0",
        outcome="select",
        rationale="Most dots in the group and high impact on the grid: we take it to the plenary.",
    )
    await s.board(b, decide, "decision")


async def _plenary(s: _Seeder) -> None:
    """Each group's chosen cluster promoted, a plenary round, one selected and one parked."""
    for group in GROUPS:
        promote = decisions.PromoteItems(
            promotion_id=f"demo-promote-{group.key}",
            source_board_id=group_board(group),
            cluster_ids=(f"{group_board(group)}-c0",),
        )
        await s.board(BOARD_ID, promote, f"promote:{group.key}")
    promoted = {
        g.key: decisions.promoted_id(f"demo-promote-{g.key}", f"{group_board(g)}-c0")
        for g in GROUPS
    }
    await s.phase(BOARD_ID, "vote")
    round_id = "demo-plenary-round"
    ballot = tuple(promoted.values())
    await s.board(
        BOARD_ID,
        voting.OpenRound(
            round_id=round_id, target="clusters", budget=3, per_item_max=2, item_ids=ballot
        ),
        "round",
    )
    for group in GROUPS:
        for name in group.members:
            voter = person(name)
            picks = [
                PLENARY_WINNER,
                PLENARY_WINNER,
                group.key if group.key != PLENARY_WINNER else PLENARY_PARKED,
            ]
            for dot, key in enumerate(picks):
                cast = voting.CastVote(round_id=round_id, item_id=promoted[key])
                await s.board(BOARD_ID, cast, f"vote:{name}:{dot}", voter)
    await s.board(BOARD_ID, voting.CloseRound(round_id=round_id), "round-closed")
    await s.phase(BOARD_ID, "decide")
    select = decisions.RecordDecision(
        decision_id="demo-plenary-select",
        item_id=promoted[PLENARY_WINNER],
        outcome="select",
        rationale="Every group named it; it blocks progress on all the other challenges.",
    )
    await s.board(BOARD_ID, select, "decision:select")
    park = decisions.RecordDecision(
        decision_id="demo-plenary-park",
        item_id=promoted[PLENARY_PARKED],
        outcome="park",
        rationale="Second in the vote; we come back to it in the next programme cycle.",
    )
    await s.board(BOARD_ID, park, "decision:park")


async def _track(s: _Seeder) -> None:
    lead = s.host
    member = person(GROUPS[-1].members[0])
    # The decision names its track on its own board first, as the service's flow does
    # (one track per decision, decided on the decision's stream).
    track = decisions.TrackDecision(decision_id="demo-plenary-select", track_id=TRACK_ID)
    await s.board(BOARD_ID, track, "track", lead)
    await s.track(
        solution.StartTrack(
            track_id=TRACK_ID,
            workshop_id=WORKSHOP_ID,
            board_id=BOARD_ID,
            decision_id="demo-plenary-select",
            title="Who takes part: reaching the residents our workshops miss",
            summary="Bring the people who never come to consultations into the city's decisions.",
        ),
        "start",
        lead,
    )
    for sprint_id, goal, starts, ends in SPRINTS:
        await s.track(
            solution.PlanSprint(sprint_id=sprint_id, goal=goal, starts_on=starts, ends_on=ends),
            f"plan:{sprint_id}",
        )
    await s.track(
        solution.UpdateSprint(
            update_id="u1",
            sprint_id="sprint-1",
            status="on_track",
            done="Interviewed 14 community organisations in 4 districts",
            next="Merge the findings into one map",
        ),
        "u1",
        member,
    )
    await s.track(
        solution.UpdateSprint(
            update_id="u2",
            sprint_id="sprint-1",
            status="at_risk",
            done="Map drafted",
            next="Check it with the districts",
            blockers="Two districts have not answered yet",
        ),
        "u2",
        member,
    )
    await s.track(
        solution.CloseSprint(
            sprint_id="sprint-1", outcome="A map of missing groups in 4 of 6 districts"
        ),
        "close:sprint-1",
    )
    await s.track(
        solution.UpdateSprint(
            update_id="u3",
            sprint_id="sprint-2",
            status="on_track",
            done="Three pop-up sessions held, 112 residents took part",
            next="Validate with the district councils",
        ),
        "u3",
        member,
    )
    await s.track(
        solution.RecordAssessment(
            assessment_id="a1",
            sprint_id="sprint-2",
            criteria=(
                solution.Criterion(
                    name="Reach of new groups", score=4, note="61% had never taken part"
                ),
                solution.Criterion(name="Cost per participant", score=3),
                solution.Criterion(name="Can the city repeat it", score=4),
            ),
            summary="Worth scaling; cost falls with trained volunteers.",
        ),
        "a1",
    )
    await s.track(
        solution.PlanValidation(
            validation_id="v1",
            method="Stakeholder review sessions",
            stakeholders=("District councils", "Youth council", "Migrant associations"),
            starts_on="2026-11-02",
            ends_on="2026-11-06",
        ),
        "v1",
    )
    await s.track(
        solution.RecordValidationResult(
            validation_id="v1",
            findings=(
                "All three stakeholder groups back a city-wide rollout "
                "if sessions run in residents' languages."
            ),
            verdict="validated",
        ),
        "v1:result",
    )
    for p, (title, description) in enumerate(PRACTICES):
        await s.track(
            solution.DocumentPractice(
                practice_id=f"practice-{p}", title=title, description=description
            ),
            f"practice:{p}",
        )
    await s.track(
        solution.RecordPresentation(
            presented_on="2026-11-20",
            summary="Presented to the network's final session; two cities adopt the format.",
            link="",
        ),
        "presentation",
    )


async def _initiatives(s: _Seeder) -> None:
    create = workshop.CreateWorkshop(
        workshop_id=INITIATIVES_ID,
        title="Initiatives workshop: what already works",
        kind="initiatives",
        date="2026-06-10",
        programme=PROGRAMME,
    )
    await s.programme(programme.IncludeWorkshop(workshop_id=INITIATIVES_ID), "include:initiatives")
    await s.workshop(INITIATIVES_ID, create, "initiatives")
    board_id = "demo-initiatives-board"
    await s.add_board(INITIATIVES_ID, board_id, "Good initiatives from our cities", "plenary")
    for index, (city, text) in enumerate(INITIATIVES):
        add = board.AddNote(
            note_id=f"{board_id}-n{index}",
            text=f"{city}: {text}",
            x=80.0 + (index % 3) * 190,
            y=80.0 + (index // 3) * 160,
            colour="green",
        )
        await s.board(board_id, add, f"note:{index}")
