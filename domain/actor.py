"""Who issues a command."""

from __future__ import annotations

import msgspec

from domain.types import Role


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated person behind a command: a stable id, a role, a display name."""

    id: str
    role: Role
    name: str = ""
