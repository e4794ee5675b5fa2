"""``plenary demo``: a challenges workshop as a real one looks after its first hour.

Seeding goes through the same command runner as every person does, so the demo's events
are ordinary, hash-chained events. Ids are fixed, so seeding twice changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain import board, workshop
from domain.actor import Actor
from domain.streams import board_stream, workshop_stream
from domain.types import Colour
from service.context import Plenary
from service.tokens import Claims

WORKSHOP_ID = "demo-challenges"
BOARD_ID = "demo-challenges-board"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "plenary:demo")

CLUSTERS: dict[str, tuple[str, float, float]] = {
    "mobility": ("Mobility and public space", 80.0, 80.0),
    "housing": ("Housing and energy", 620.0, 80.0),
    "digital": ("Digital services and data", 80.0, 520.0),
    "trust": ("Participation and trust", 620.0, 520.0),
}

CITIES = ("Lisbon", "Tampere", "Ghent", "Kraków", "Bilbao", "Turin")

CHALLENGES: tuple[tuple[str, str, Colour, str], ...] = (
    ("Lisbon", "mobility", "pink", "School streets close at 8:30 but parents still drive in"),
    ("Tampere", "mobility", "yellow", "Winter cycling drops by 70% once the snow comes"),
    ("Ghent", "mobility", "yellow", "Delivery vans block the new low-traffic zone"),
    ("Turin", "mobility", "blue", "Squares redesigned for people are still used as car parks"),
    ("Bilbao", "mobility", "yellow", "Older residents cannot reach the new metro stations"),
    ("Kraków", "housing", "green", "Short-term rentals empty the old town of residents"),
    ("Lisbon", "housing", "green", "Energy poverty: flats too hot in summer, cold in winter"),
    ("Tampere", "housing", "yellow", "District heating prices doubled in two years"),
    ("Ghent", "housing", "orange", "Renovation grants go mostly to owners, not tenants"),
    ("Turin", "housing", "yellow", "Vacant social housing waits years for repair"),
    ("Ghent", "digital", "blue", "Open data portal is used by almost nobody"),
    ("Bilbao", "digital", "blue", "Every department keeps its own copy of address data"),
    ("Kraków", "digital", "yellow", "Online services assume a smartphone and a bank ID"),
    ("Tampere", "digital", "purple", "Sensor pilots end when the project money ends"),
    ("Lisbon", "digital", "yellow", "Citizens cannot follow the status of a request"),
    ("Turin", "trust", "pink", "Consultations attract the same 40 people every time"),
    ("Bilbao", "trust", "pink", "Young people do not see their ideas taken up"),
    ("Kraków", "trust", "yellow", "Participatory budget winners are built years later"),
    ("Ghent", "trust", "orange", "Neighbourhood councils and the city speak past each other"),
    ("Tampere", "trust", "yellow", "Migrant residents are missing from every workshop"),
)


@dataclass(frozen=True, slots=True)
class Demo:
    workshop_id: str
    board_id: str
    facilitator: Claims


def _id(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


def facilitator_claims() -> Claims:
    """The demo facilitator, the same on every run so the printed link keeps working."""
    return Claims(sub=_id("facilitator"), wid=WORKSHOP_ID, role="facilitator", name="Ana (host)")


async def seed(ctx: Plenary) -> Demo:
    """Create the demo workshop, board, clusters and notes unless they exist already."""
    host = facilitator_claims().actor()
    await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(WORKSHOP_ID),
        workshop.CreateWorkshop(
            workshop_id=WORKSHOP_ID,
            title="Challenges workshop: cities",
            kind="challenges",
            date="2026-11-27",
        ),
        host,
        _id("cmd:workshop"),
    )
    await ctx.runner.execute(
        workshop.DECIDER,
        workshop_stream(WORKSHOP_ID),
        workshop.AddBoard(board_id=BOARD_ID, title="Our cities' challenges", kind="plenary"),
        host,
        _id("cmd:board-added"),
    )
    await _board(
        ctx,
        host,
        board.CreateBoard(
            board_id=BOARD_ID,
            workshop_id=WORKSHOP_ID,
            title="Our cities' challenges",
            kind="plenary",
        ),
        "board",
    )
    for key, (label, x, y) in CLUSTERS.items():
        await _board(
            ctx,
            host,
            board.CreateCluster(cluster_id=f"cluster-{key}", label=label, x=x, y=y),
            f"cluster:{key}",
        )
    people = {
        city: Actor(id=_id(f"person:{city}"), role="participant", name=city) for city in CITIES
    }
    for index, (city, _cluster, colour, text) in enumerate(CHALLENGES):
        note_id = f"note-{index + 1:02d}"
        x, y = 900.0 + (index % 5) * 170.0, 80.0 + (index // 5) * 150.0
        await _board(
            ctx,
            people[city],
            board.AddNote(note_id=note_id, text=text, x=x, y=y, colour=colour),
            f"note:{index}",
        )
    for index, (_city, cluster, _colour, _text) in enumerate(CHALLENGES):
        _label, cx, cy = CLUSTERS[cluster]
        slot = sum(1 for c in CHALLENGES[:index] if c[1] == cluster)
        note_id = f"note-{index + 1:02d}"
        await _board(
            ctx,
            host,
            board.MoveNote(
                note_id=note_id, x=cx + 20 + (slot % 3) * 170, y=cy + 60 + (slot // 3) * 150
            ),
            f"move:{index}",
        )
        await _board(
            ctx,
            host,
            board.ClusterNote(note_id=note_id, cluster_id=f"cluster-{cluster}"),
            f"cluster-note:{index}",
        )
    return Demo(workshop_id=WORKSHOP_ID, board_id=BOARD_ID, facilitator=facilitator_claims())


async def _board(ctx: Plenary, actor: Actor, command: board.Command, key: str) -> None:
    await ctx.runner.execute(
        board.DECIDER, board_stream(BOARD_ID), command, actor, _id(f"cmd:{key}")
    )
