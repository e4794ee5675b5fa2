"""What the demo programme holds: cities, people, their challenges, initiatives and the solution
track that came out of it. Plain data; ``service.demo`` turns it into commands."""

from __future__ import annotations

from dataclasses import dataclass

from domain.types import Colour

PROGRAMME = "cities-co-design-2026"
PROGRAMME_TITLE = "Cities co-design programme 2026"


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    name: str
    members: tuple[str, ...]
    """Display names, ``First (City)``."""
    clusters: tuple[tuple[str, tuple[int, ...]], ...]
    """Each cluster's label and the indexes of its notes in ``notes``; the first one wins."""
    notes: tuple[tuple[Colour, str], ...]
    """Each member writes the note at their own index."""
    pseudonymous: bool = False


GROUPS: tuple[Group, ...] = (
    Group(
        key="mobility",
        name="Mobility and public space",
        members=(
            "Marta (Lisbon)",
            "Eero (Tampere)",
            "Lien (Ghent)",
            "Paolo (Turin)",
            "Ane (Bilbao)",
        ),
        clusters=(
            ("Streets for people", (0, 2, 3)),
            ("Access in every season and at every age", (1, 4)),
        ),
        notes=(
            ("pink", "School streets close at 8:30 but parents still drive in"),
            ("yellow", "Winter cycling drops by 70% once the snow comes"),
            ("yellow", "Delivery vans block the new low-traffic zone"),
            ("blue", "Squares redesigned for people are still used as car parks"),
            ("yellow", "Older residents cannot reach the new metro stations"),
        ),
    ),
    Group(
        key="housing",
        name="Housing and energy",
        members=(
            "Kasia (Kraków)",
            "João (Lisbon)",
            "Aino (Tampere)",
            "Wout (Ghent)",
            "Chiara (Turin)",
        ),
        clusters=(("Homes people can live in", (0, 3, 4)), ("Energy costs", (1, 2))),
        notes=(
            ("green", "Short-term rentals empty the old town of residents"),
            ("green", "Energy poverty: flats too hot in summer, cold in winter"),
            ("yellow", "District heating prices doubled in two years"),
            ("orange", "Renovation grants go mostly to owners, not tenants"),
            ("yellow", "Vacant social housing waits years for repair"),
        ),
    ),
    Group(
        key="digital",
        name="Digital services and data",
        members=(
            "Bram (Ghent)",
            "Iker (Bilbao)",
            "Zofia (Kraków)",
            "Ville (Tampere)",
            "Rita (Lisbon)",
        ),
        clusters=(("Services people can use", (2, 4, 0)), ("Data and pilots that last", (1, 3))),
        notes=(
            ("blue", "The open data portal is used by almost nobody"),
            ("blue", "Every department keeps its own copy of address data"),
            ("yellow", "Online services assume a smartphone and a bank ID"),
            ("purple", "Sensor pilots end when the project money ends"),
            ("yellow", "Citizens cannot follow the status of a request"),
        ),
    ),
    Group(
        key="trust",
        name="Participation and trust",
        members=(
            "Luca (Turin)",
            "Maite (Bilbao)",
            "Piotr (Kraków)",
            "Noor (Ghent)",
            "Sanna (Tampere)",
        ),
        clusters=(("Who takes part", (0, 1, 4)), ("Promises kept", (2, 3))),
        notes=(
            ("pink", "Consultations attract the same 40 people every time"),
            ("pink", "Young people do not see their ideas taken up"),
            ("yellow", "Participatory budget winners are built years later"),
            ("orange", "Neighbourhood councils and the city speak past each other"),
            ("yellow", "Migrant residents are missing from every workshop"),
        ),
        pseudonymous=True,
    ),
)

PLENARY_WINNER = "trust"
PLENARY_PARKED = "digital"

INITIATIVES: tuple[tuple[str, str], ...] = (
    ("Ghent", "Neighbourhood budgets decided in street assemblies"),
    ("Lisbon", "School streets closed to cars at drop-off time"),
    ("Tampere", "Winter maintenance of cycle lanes before roads"),
    ("Bilbao", "Digital mentors in every public library"),
    ("Kraków", "Caps on short-term rentals in the old town"),
    ("Turin", "Co-managed public spaces through civic pacts"),
)

AGENDA: tuple[tuple[str, int], ...] = (
    ("Welcome and the day's goal", 15),
    ("Private writing: our cities' challenges", 20),
    ("Cluster in breakout groups", 25),
    ("Dot vote and decide per group", 20),
    ("Plenary: groups present, vote, decide", 40),
)

SPRINTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "sprint-1",
        "Map who is missing from participation, district by district",
        "2026-10-05",
        "2026-10-16",
    ),
    ("sprint-2", "Pilot pop-up sessions in three neighbourhoods", "2026-10-19", "2026-10-30"),
)

PRACTICES: tuple[tuple[str, str], ...] = (
    (
        "Meet people where they already are",
        "Run sessions at markets, schools and sports clubs, not the town hall.",
    ),
    (
        "Close the loop within a month",
        "Tell every participant what happened to their idea within 30 days.",
    ),
)
