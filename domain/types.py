"""Aliases shared across the domain."""

from __future__ import annotations

from typing import Literal, get_args

WorkshopRole = Literal["facilitator", "participant", "observer", "auditor"]
"""What a person is in one workshop; invites and joins carry one of these."""
WORKSHOP_ROLES: tuple[WorkshopRole, ...] = ("facilitator", "participant", "observer", "auditor")

Role = WorkshopRole | Literal["organiser", "operator"]
"""Who issues a command: a workshop role, an organiser (creates programmes and workshops), or
the operator (whoever runs ``plenary`` on the server: adds and removes organisers)."""
ROLES: tuple[Role, ...] = (*WORKSHOP_ROLES, "organiser", "operator")

WorkshopKind = Literal[
    "challenges",
    "initiatives",
    "ideation",
    "consolidation",
    "kickoff",
    "work_sprint",
    "validation_sprint",
    "final_presentation",
]
"""The programme's workshop kinds; each has a built-in template (``docs/templates.md``)."""
WORKSHOP_KINDS: tuple[WorkshopKind, ...] = get_args(WorkshopKind)

Colour = Literal["yellow", "pink", "blue", "green", "orange", "purple", "grey"]
COLOURS: tuple[Colour, ...] = ("yellow", "pink", "blue", "green", "orange", "purple", "grey")

EntityId = str
"""A client-chosen identifier (a UUID string in practice; 1–64 URL-safe characters)."""
