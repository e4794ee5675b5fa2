"""Every read the service answers: board, track and programme views (the stored read model
plus the stream's tail), decider states, a board's policy, and history as a viewer may see it.

Handlers, the socket and exports read through one ``Reads``; nothing else folds a stream for a
reader. Views hold everything; ``projections.visibility`` cuts them down for each person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import TypeVar

from msgspec.structs import replace

from domain import board, prework, workshop
from domain.actor import Actor
from domain.board_state import Anonymity
from domain.errors import no_such_board, no_such_track, no_such_workshop
from domain.recorded import RecordedEvent
from domain.streams import board_stream, prework_stream, solution_stream, workshop_stream
from projections.base import Projection, fold
from projections.board_view import BOARD_VIEW, BoardView
from projections.programme import KEY as PROGRAMME_KEY
from projections.programme import PROGRAMME, ProgrammeView
from projections.solution_timeline import SOLUTION_TIMELINE, SolutionTimeline
from projections.timeline import BOARD_LANE, LaneView
from projections.visibility import Viewer, chain, present_event, private_to, still_private
from service.commands.runner import CommandRunner
from service.readside import history
from service.readside.readmodels import SqlViewStore
from service.settings import Settings
from service.store import EventStore

V = TypeVar("V")
TAIL_PAGE = 1000


class Reads:
    """The read side of one service: views, states, policies and history, per viewer."""

    def __init__(
        self,
        store: EventStore,
        runner: CommandRunner,
        views: SqlViewStore,
        pseudonym_key: bytes,
    ) -> None:
        self.store = store
        self.runner = runner
        self.views = views
        self.pseudonym_key = pseudonym_key
        """The key behind every pseudonym (``pseudonym_key``)."""

    async def board_view(self, board_id: str, at_most_version: int | None = None) -> BoardView:
        """The board now (stored read model plus the stream's tail) or at a past version.

        Raises ``NotFound`` (``board_not_found``) when the board does not exist (yet).
        """
        view = await self._stream_view(
            BOARD_VIEW, board_id, board_stream(board_id), at_most_version
        )
        if not view.workshop_id:
            raise no_such_board()
        return view

    async def board_views(self, board_ids: Sequence[str]) -> list[BoardView]:
        """``board_view`` of each of ``board_ids`` now, in that order, their stored views read
        in one query; ``NotFound`` (``board_not_found``) if one does not exist (yet)."""
        stored = await self.views.load_views(BOARD_VIEW.name, list(board_ids))
        found = []
        for board_id in board_ids:
            view = BOARD_VIEW.decode(stored[board_id]) if board_id in stored else None
            tail = await self.store.read_stream(board_stream(board_id), _version_of(view))
            found.append(fold(BOARD_VIEW, board_id, tail, view))
            if not found[-1].workshop_id:
                raise no_such_board()
        return found

    async def track_view(self, track_id: str) -> SolutionTimeline:
        """The solution track now; ``NotFound`` (``track_not_found``) if it was never started."""
        view = await self._stream_view(SOLUTION_TIMELINE, track_id, solution_stream(track_id))
        if view.origin is None:
            raise no_such_track()
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

    async def board_lanes(self, versions: Mapping[str, int]) -> dict[str, LaneView]:
        """Each board's lane (stored read model plus the stream's tail) as of at least the
        version given for it: the caller cuts it there (``LaneView.instants``, ``marks_to``)."""
        stored = await self.views.load_views(BOARD_LANE.name, list(versions))
        lanes = {}
        for board_id, version in versions.items():
            lane = BOARD_LANE.decode(stored[board_id]) if board_id in stored else None
            after = 0 if lane is None else lane.version
            tail = (
                []
                if after >= version
                else await self.store.read_stream(board_stream(board_id), after, version)
            )
            lanes[board_id] = fold(BOARD_LANE, board_id, tail, lane)
        return lanes

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

    async def board_state_or_none(self, board_id: str) -> board.Board:
        """The board's decider state, not created (``created`` false) if it does not exist;
        as this process holds it (a board's workshop and kind never change)."""
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)
        return loaded.state

    async def board_state(self, board_id: str) -> board.Board:
        """The board's decider state (as this process holds it: for its workshop and kind,
        which never change); raises ``NotFound`` when it does not exist."""
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id), trust_cache=True)
        if not loaded.state.created:
            raise no_such_board()
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
            raise no_such_workshop()
        return loaded.state

    async def prework_state(self, workshop_id: str) -> prework.Prework:
        """The workshop's prework (its form and everyone's answers): the caller cuts it for
        the viewer (``service.http.prework``)."""
        return (await self.runner.load(prework.DECIDER, prework_stream(workshop_id))).state

    def viewer(self, actor: Actor) -> Viewer:
        """``actor`` as someone who looks at boards."""
        return Viewer(id=actor.id, role=actor.role, pseudonym_key=self.pseudonym_key)

    async def anonymity_of(self, board_id: str) -> Anonymity:
        """The board's anonymity policy now (``named`` for a board that does not exist), as its
        decider's state says; read through to the store, as another instance may have just
        changed it. The one place the service asks how a board shows people."""
        loaded = await self.runner.load(board.DECIDER, board_stream(board_id))
        return loaded.state.anonymity

    async def board_at(self, board_id: str, version: int) -> BoardView:
        """The board as it was at ``version``, under the policy it has now: a board made
        pseudonymous later hides the names in its past too. From the view's checkpoints
        (``service.readside.history``); raises ``NotFound`` when the board does not exist."""
        then = await history.view_at(self.store, board_id, version)
        if not then.workshop_id:
            raise no_such_board()
        anonymity = await self.anonymity_of(board_id)
        return then if then.anonymity == anonymity else replace(then, anonymity=anonymity)

    async def history_between(
        self, board_id: str, after: int, last: int, viewer: Viewer
    ) -> list[RecordedEvent]:
        """The board's events after version ``after`` up to ``last``, as ``viewer`` may see
        them (``present_history``)."""
        events = await self.store.read_stream(board_stream(board_id), after, last)
        return await self.present_history(board_id, events, viewer)

    async def present_history(
        self,
        board_id: str,
        events: list[RecordedEvent],
        viewer: Viewer,
        anonymity: Anonymity | None = None,
    ) -> list[RecordedEvent]:
        """Past ``events`` of ``board_id`` as ``viewer`` may see them: a private event whose
        privacy has since ended (its note revealed, its round closed) is shown whole; a
        ``prev_hash`` only where it links two events shown (``visibility.chain``). People are
        shown under ``anonymity`` if given (the caller read the policy), else the policy now."""
        now: BoardView | None = None
        if any(private_to(r) not in (None, viewer.id) for r in events):
            now = await self.board_view(board_id)
        current = now
        if anonymity is None:
            anonymity = now.anonymity if now is not None else await self.anonymity_of(board_id)

        def lifted(rec: RecordedEvent) -> bool:
            return current is not None and not still_private(rec, current)

        return chain([present_event(r, viewer, anonymity=anonymity, lifted=lifted) for r in events])


def _version_of(view: object) -> int:
    version = getattr(view, "version", 0)
    assert isinstance(version, int)
    return version


def pseudonym_key(settings: Settings) -> bytes:
    """The key behind every pseudonym: derived from the secret, so stable across restarts and
    the same on every instance."""
    return hmac.new(settings.secret, b"plenary pseudonyms", hashlib.sha256).digest()
