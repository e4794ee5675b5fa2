"""What request handlers share: the store, the runner, the read models, the settings, a clock.

Built once by ``create_app``; handlers reach it as ``request.app.state.plenary``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import msgspec

from domain import board, decisions, workshop
from domain.actor import Actor
from domain.codec import tag_of
from domain.errors import DomainError, NotFound
from domain.recorded import RecordedEvent
from domain.roles import authorize
from domain.streams import board_stream, solution_stream, workshop_stream
from projections.base import Projection, fold
from projections.board_view import BOARD_VIEW, BoardView
from projections.programme import KEY as PROGRAMME_KEY
from projections.programme import PROGRAMME, ProgrammeView
from projections.solution_timeline import SOLUTION_TIMELINE, SolutionTimeline
from projections.visibility import Viewer, chain, present_event, private_to, still_private
from service.access.auth import Auth
from service.commands.rates import Rates
from service.commands.runner import CommandRunner
from service.live.hub import Hub
from service.privacy.store import PrivateStore
from service.readside.projector import Projector
from service.readside.readmodels import SqlViewStore
from service.settings import Settings

V = TypeVar("V")
TAIL_PAGE = 1000


@dataclass(slots=True)
class Plenary:
    """The composition root's product: one per running service."""

    settings: Settings
    store: PrivateStore
    runner: CommandRunner
    views: SqlViewStore
    projector: Projector
    hub: Hub
    auth: Auth
    rates: Rates
    """Commands a second, per socket and per person (``service/ratelimit.py``)."""
    clock: Callable[[], float] = field(default=time.time)

    async def board_view(self, board_id: str, at_most_version: int | None = None) -> BoardView:
        """The board now (stored read model plus the stream's tail) or at a past version.

        Raises ``NotFound`` (``board_not_found``) when the board does not exist (yet).
        """
        view = await self._stream_view(
            BOARD_VIEW, board_id, board_stream(board_id), at_most_version
        )
        if not view.workshop_id:
            raise NotFound("There is no such board.", code="board_not_found")
        return view

    async def track_view(self, track_id: str) -> SolutionTimeline:
        """The solution track now; ``NotFound`` (``track_not_found``) if it was never started."""
        view = await self._stream_view(SOLUTION_TIMELINE, track_id, solution_stream(track_id))
        if view.origin is None:
            raise NotFound("There is no such solution track.", code="track_not_found")
        return view

    async def programme_view(self) -> ProgrammeView:
        """The programme overview now: the stored view plus every counted event after it."""
        stored = await self.views.load_views(PROGRAMME.name, [PROGRAMME_KEY])
        view = PROGRAMME.decode(stored[PROGRAMME_KEY]) if PROGRAMME_KEY in stored else None
        after = 0 if view is None else view.position
        while True:
            tail = await self.store.read_all(after, TAIL_PAGE)
            view = fold(PROGRAMME, PROGRAMME_KEY, tail, view)
            if len(tail) < TAIL_PAGE:
                return view
            after = tail[-1].position

    async def _stream_view(
        self, projection: Projection[V], key: str, stream: str, at_most_version: int | None = None
    ) -> V:
        """``projection``'s view of ``key`` (one stream): stored view plus tail, or replayed
        from the start up to ``at_most_version``."""
        view: V | None = None
        if at_most_version is None:
            stored = await self.views.load_views(projection.name, [key])
            if key in stored:
                view = projection.decode(stored[key])
        after = 0 if view is None else _version_of(view)
        tail = await self.store.read_stream(stream, after, at_most_version)
        return fold(projection, key, tail, view)

    async def board_state(self, board_id: str) -> board.Board:
        """The board's decider state (as this process holds it: for its workshop and kind,
        which never change); raises ``NotFound`` when it does not exist."""
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)
        if not loaded.state.created:
            raise NotFound("There is no such board.", code="board_not_found")
        return loaded.state

    async def workshop_boards(
        self, workshop_id: str, scope: str | None = None
    ) -> dict[str, workshop.BoardRef]:
        """The workshop's boards whose own stream names the workshop (a ``board.added`` that
        claims someone else's board counts for nothing), narrowed to ``scope`` if given."""
        state = await self.workshop_state(workshop_id)
        boards = {}
        for board_id, ref in state.boards.items():
            if scope is not None and board_id != scope:
                continue
            own = await self.runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)
            if own.state.workshop_id == workshop_id:
                boards[board_id] = ref
        return boards

    async def workshop_state(self, workshop_id: str) -> workshop.Workshop:
        """The workshop's decider state; raises ``NotFound`` when it does not exist."""
        loaded = await self.runner.load(workshop.DECIDER, workshop_stream(workshop_id))
        if not loaded.state.created:
            raise NotFound("There is no such workshop.", code="workshop_not_found")
        return loaded.state

    @property
    def pseudonym_key(self) -> bytes:
        """The key behind every pseudonym (see ``pseudonym_key``)."""
        return pseudonym_key(self.settings)

    def viewer(self, actor: Actor) -> Viewer:
        """``actor`` as someone who looks at boards."""
        return Viewer(id=actor.id, role=actor.role, pseudonym_key=self.pseudonym_key)

    async def anonymity_of(self, board_id: str) -> str:
        """The board's anonymity policy now (``named`` for a board that does not exist); read
        through to the store, as another instance may have just changed it."""
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id))
        return loaded.state.anonymity

    async def present_history(
        self, board_id: str, events: list[RecordedEvent], viewer: Viewer
    ) -> list[RecordedEvent]:
        """Past ``events`` of ``board_id`` as ``viewer`` may see them: a private event whose
        privacy has since ended (its note revealed, its round closed) is shown whole; a
        ``prev_hash`` only where it links two events shown (``visibility.chain``)."""
        now: BoardView | None = None
        if any(private_to(r) not in (None, viewer.id) for r in events):
            now = await self.board_view(board_id)
        current = now
        anonymity = now.anonymity if now is not None else await self.anonymity_of(board_id)

        def lifted(rec: RecordedEvent) -> bool:
            return current is not None and not still_private(rec, current)

        return chain([present_event(r, viewer, anonymity=anonymity, lifted=lifted) for r in events])

    async def prepare(
        self,
        board_id: str,
        command: board.Command,
        actor: Actor,
        command_id: str,
        scope: str | None = None,
    ) -> board.Command:
        """``command`` ready for the board's decider: a promotion gets its plan, read from
        its source board by ``decisions.plan_promotion`` (the rule lives there).

        ``scope`` is the one board the caller's token opens, if it is narrowed to one: a
        source outside it is ``board_not_found``. A resent promotion whose plan no longer
        holds (its source cluster since deleted) is left to the runner, which answers it as
        the first time.
        """
        if not isinstance(command, decisions.PromoteItems):
            return command
        authorize(actor, tag_of(command))  # before reading another board for anyone
        try:
            return await self._planned(board_id, command, scope)
        except DomainError:
            if await self.store.command_events(command_id):
                return command
            raise

    async def _planned(
        self, board_id: str, command: decisions.PromoteItems, scope: str | None
    ) -> decisions.PromoteItems:
        source_id = command.source_board_id
        if scope is not None and scope != source_id:
            raise NotFound("There is no such board.", code="board_not_found")
        target = await self.board_state(board_id)
        # Read through to the store: the plan must hold the source as it is now.
        source = (await self.runner.load(board.DECIDER, board_stream(source_id))).state
        if not source.created:
            raise NotFound("There is no such board.", code="board_not_found")
        plan = decisions.plan_promotion(source, command, workshop_id=target.workshop_id)
        return msgspec.structs.replace(command, plan=plan)


def _version_of(view: object) -> int:
    version = getattr(view, "version", 0)
    assert isinstance(version, int)
    return version


def pseudonym_key(settings: Settings) -> bytes:
    """The key behind every pseudonym: derived from the secret, so stable across restarts and
    the same on every instance."""
    return hmac.new(settings.secret, b"plenary pseudonyms", hashlib.sha256).digest()


def encode(value: object) -> bytes:
    """JSON bytes for a response body."""
    return msgspec.json.encode(value)
