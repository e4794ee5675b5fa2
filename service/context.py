"""The composition root's product: what handlers, the socket and the command line share.

Built once by ``service.app.open_plenary``; handlers reach it as
``request.app.state.plenary``. It only holds the service's parts: reads go through ``reads``
(``service.readside.reads``), commands through ``service.commands.handle``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from service.access.auth import Auth
from service.commands.rates import Rates
from service.commands.runner import CommandRunner
from service.integrity.desk import AuditDesk
from service.live.hub import Hub
from service.privacy.store import PrivateStore
from service.readside.projector import Projector
from service.readside.readmodels import SqlViewStore
from service.readside.reads import Reads
from service.settings import Settings


@dataclass(slots=True)
class Plenary:
    """One running service's parts."""

    settings: Settings
    store: PrivateStore
    runner: CommandRunner
    views: SqlViewStore
    projector: Projector
    hub: Hub
    auth: Auth
    rates: Rates
    """Commands a second, per socket and per person (``service.commands.rates``)."""
    reads: Reads
    desk: AuditDesk
    """The chain's state and the signed checkpoints, for auditors (``service.integrity.desk``)."""
    clock: Callable[[], float] = field(default=time.time)
