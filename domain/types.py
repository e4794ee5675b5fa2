"""Aliases shared across the domain."""

from __future__ import annotations

from typing import Literal

Role = Literal["facilitator", "participant", "observer", "auditor"]
ROLES: tuple[Role, ...] = ("facilitator", "participant", "observer", "auditor")

Colour = Literal["yellow", "pink", "blue", "green", "orange", "purple", "grey"]
COLOURS: tuple[Colour, ...] = ("yellow", "pink", "blue", "green", "orange", "purple", "grey")

EntityId = str
"""A client-chosen identifier (a UUID string in practice; 1–64 URL-safe characters)."""
