"""A co-design programme's planned outcomes, and what counts toward each.

A programme is the set of workshops that name it (``workshop.create {programme}``) and the
solution tracks started from their decisions. The counting rules are domain knowledge, so they
live here; ``projections.programme`` applies them to the log.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

OutcomeName = Literal[
    "initiatives_identified", "ideas_presented", "ideas_developed", "practices_documented"
]


class PlannedOutcome(msgspec.Struct, frozen=True, kw_only=True):
    name: OutcomeName
    label: str
    target: int
    counts: str
    """What counts toward it, in words people read in the outcome tracker."""


PLANNED_OUTCOMES: Final[tuple[PlannedOutcome, ...]] = (
    PlannedOutcome(
        name="initiatives_identified",
        label="Initiatives identified",
        target=5,
        counts="notes on the boards of initiatives workshops (not deleted, not copies)",
    ),
    PlannedOutcome(
        name="ideas_presented",
        label="Ideas presented",
        target=2,
        counts=(
            "clusters and loose notes promoted to the plenary of an ideation or "
            "consolidation workshop"
        ),
    ),
    PlannedOutcome(
        name="ideas_developed",
        label="Ideas chosen and developed",
        target=1,
        counts="solution tracks started from a decision that have at least one sprint update",
    ),
    PlannedOutcome(
        name="practices_documented",
        label="Good practices documented",
        target=5,
        counts="good practices documented in solution tracks",
    ),
)

INITIATIVE_KINDS: Final = frozenset({"initiatives"})
"""Workshop kinds whose notes are initiatives."""
IDEA_KINDS: Final = frozenset({"ideation", "consolidation"})
"""Workshop kinds whose promotions to the plenary present ideas."""
