"""``/api/workshops/{id}…``: a workshop, its overview and decision log; its boards, groups,
assignments and solution tracks, each created through ``service.commands``.

The reads answer structs of many fields, one field a line (``get_workshop``, ``overview``);
past 15 lines they still only read, cut for the viewer and encode. Just over 300 lines on
purpose, for the same reason.
"""

from __future__ import annotations

import msgspec

from domain import board, solution, workshop
from domain.board import Id
from projections.board_view import BoardView
from projections.visibility import present_view
from service.commands.handle import Answer, handle
from service.http import answers
from service.http.endpoints import Call, Endpoint
from service.http.present import command_answer
from service.ids import new_id

# --------------------------------------------------------------------------- request shapes


class CreateBoardIn(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    kind: board.BoardKind = "breakout"
    board_id: Id | None = None
    command_id: Id | None = None


class CreateGroupIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    group_id: Id | None = None


class AssignIn(msgspec.Struct, frozen=True, kw_only=True):
    actor_id: Id
    group_id: Id | None
    command_id: Id | None = None


class StartTrackIn(msgspec.Struct, frozen=True, kw_only=True):
    board_id: Id
    decision_id: Id
    title: str | None = None
    """Defaults to the decided item's title."""
    summary: str = ""
    track_id: Id | None = None
    command_id: Id | None = None


# --------------------------------------------------------------------------- reads


async def get_workshop(call: Call[None]) -> answers.WorkshopAnswer:
    """The workshop: its boards, the people who joined, its groups, and who you are in it.

    Boards are those whose own stream names this workshop (and the token's one board, if it
    is narrowed). On a pseudonymous board's group, people other than facilitators see how many
    are in it, not who: with so few people, knowing who is there unmasks the pseudonyms.
    """
    ctx, claims = call.ctx, call.claims
    state = await ctx.reads.workshop_state(claims.wid)
    boards = await ctx.reads.workshop_boards(claims.wid, claims.board)
    masked = await _masked_groups(call, state)
    me = state.participants.get(claims.sub)
    you = answers.You(
        id=claims.sub,
        role=claims.role,
        name=claims.name,
        group=None if me is None else me.group_id,
        board=claims.board,
    )
    return answers.WorkshopAnswer(
        id=claims.wid,
        title=state.title,
        kind=state.kind,
        date=state.date,
        agenda=state.agenda,
        programme=state.programme,
        group_size_limit=state.group_size_limit,
        boards=[answers.BoardRef(id=b, title=r.title, kind=r.kind) for b, r in boards.items()],
        participants=_people(state, masked, claims.sub),
        groups=_groups(state, masked),
        you=you,
        agenda_current=state.agenda_current,
        prework=state.prework,
    )


async def _masked_groups(call: Call[None], state: workshop.Workshop) -> set[str]:
    if call.claims.role == "facilitator":
        return set()
    anonymity = call.ctx.reads.anonymity_of
    return {gid for gid, g in state.groups.items() if await anonymity(g.board_id) == "pseudonymous"}


def _people(state: workshop.Workshop, masked: set[str], me: str) -> list[answers.Person]:
    return [
        answers.Person(
            id=pid,
            name=p.name,
            organisation=p.organisation,
            role=p.role,
            group=None if p.group_id in masked and pid != me else p.group_id,
            erased=p.erased,
        )
        for pid, p in state.participants.items()
        if not p.removed or p.erased
    ]


def _groups(state: workshop.Workshop, masked: set[str]) -> list[answers.Group]:
    return [
        answers.Group(
            id=gid,
            name=g.name,
            board_id=g.board_id,
            members=[] if gid in masked else state.members(gid),
            size=len(state.members(gid)),
        )
        for gid, g in state.groups.items()
    ]


async def _boards_seen(call: Call[None]) -> list[tuple[str, BoardView]]:
    """The workshop's boards the token opens, each as its viewer may see it."""
    reads, claims = call.ctx.reads, call.claims
    return [
        (board_id, present_view(await reads.board_view(board_id), call.viewer))
        for board_id in await reads.workshop_boards(claims.wid, claims.board)
    ]


async def overview(call: Call[None]) -> answers.Overview:
    """Every board's phase, activity and group, the workshop's solution tracks, its agenda."""
    reads, claims = call.ctx.reads, call.claims
    state = await reads.workshop_state(claims.wid)
    cards = [_card(state, board_id, view) for board_id, view in await _boards_seen(call)]
    tracks = [
        t
        for t in (await reads.programme_view()).tracks.values()
        if t.workshop_id == claims.wid and claims.board in (None, t.board_id)
    ]
    people: dict[str, int] = {}
    for person in state.participants.values():
        if not person.removed:
            people[person.role] = people.get(person.role, 0) + 1
    return answers.Overview(
        id=claims.wid,
        title=state.title,
        kind=state.kind,
        date=state.date,
        agenda=state.agenda,
        programme=state.programme,
        people=people,
        boards=cards,
        tracks=tracks,
        agenda_current=state.agenda_current,
    )


def _card(state: workshop.Workshop, board_id: str, view: BoardView) -> answers.BoardCard:
    group = next(
        (
            answers.GroupOfBoard(id=gid, name=g.name, members=len(state.members(gid)))
            for gid, g in state.groups.items()
            if g.board_id == board_id
        ),
        None,
    )
    return answers.BoardCard(
        id=board_id,
        title=view.title,
        kind=view.kind,
        group=group,
        phase=view.phase,
        locked=view.locked,
        private_writing=view.private_writing,
        anonymity=view.anonymity,
        timer=view.timer,
        notes=len(view.notes),
        clusters=len(view.clusters),
        open_round=next((r.id for r in view.rounds.values() if r.open), None),
        rounds=len(view.rounds),
        decisions=len(view.decisions),
        version=view.version,
    )


async def decision_log(call: Call[None]) -> answers.DecisionLog:
    """Every decision on the workshop's boards, oldest first, with its board and evidence."""
    logged = [
        answers.LoggedDecision(
            **msgspec.structs.asdict(d), board_id=board_id, board_title=view.title
        )
        for board_id, view in await _boards_seen(call)
        for d in view.decisions
    ]
    logged.sort(key=lambda d: (d.decided_at, d.position))
    return answers.DecisionLog(workshop_id=call.claims.wid, decisions=logged)


# --------------------------------------------------------------------------- commands


async def create_board(call: Call[CreateBoardIn]) -> answers.BoardCreated:
    """A new board of the workshop (facilitators only)."""
    body = call.body
    board_id = body.board_id or new_id()
    command = workshop.AddBoard(board_id=board_id, title=body.title, kind=body.kind)
    done = await handle(call.ctx, call.caller, command, body.command_id or new_id())
    return answers.BoardCreated(
        id=board_id,
        workshop_id=call.claims.wid,
        title=body.title,
        kind=body.kind,
        version=done.version,
    )


async def create_group(call: Call[CreateGroupIn]) -> answers.GroupCreated:
    """A breakout group and its new breakout board (facilitators only)."""
    group_id, board_id = call.body.group_id or new_id(), new_id()
    command = workshop.CreateGroup(group_id=group_id, name=call.body.name, board_id=board_id)
    done = await handle(call.ctx, call.caller, command, new_id())
    return answers.GroupCreated(
        group_id=group_id, board_id=board_id, name=call.body.name, version=done.version
    )


async def assign(call: Call[AssignIn]) -> answers.Assignment:
    """Put a person in a group, move them, or take them out (facilitators only)."""
    body = call.body
    command = workshop.AssignParticipant(actor_id=body.actor_id, group_id=body.group_id)
    done: Answer = await handle(call.ctx, call.caller, command, body.command_id or new_id())
    shown = await command_answer(call.ctx, call.viewer, done)
    return answers.Assignment(
        actor_id=body.actor_id,
        group_id=body.group_id,
        version=shown.version,
        duplicate=shown.duplicate,
        events=shown.events,
    )


async def start_track(call: Call[StartTrackIn]) -> answers.TrackCreated:
    """A solution track started from a decision that selected its item (facilitators)."""
    body = call.body
    command = solution.StartTrack(
        track_id=body.track_id or new_id(),
        workshop_id=call.claims.wid,
        board_id=body.board_id,
        decision_id=body.decision_id,
        title=body.title or "",
        summary=body.summary,
    )
    done = await handle(call.ctx, call.caller, command, body.command_id or new_id())
    started = solution.DECIDER.decode_event(done.events[0].data)
    assert isinstance(started, solution.TrackStarted)
    return answers.TrackCreated(id=started.track_id, version=done.version, title=started.title)


W = "/api/workshops/{workshop_id}"
ENDPOINTS = (
    Endpoint("GET", W, get_workshop, answers.WorkshopAnswer, errors=("workshop_not_found",)),
    Endpoint("GET", f"{W}/overview", overview, answers.Overview, errors=("workshop_not_found",)),
    Endpoint(
        "GET", f"{W}/decisions", decision_log, answers.DecisionLog, errors=("workshop_not_found",)
    ),
    Endpoint(
        "POST",
        f"{W}/boards",
        create_board,
        answers.BoardCreated,
        CreateBoardIn,
        201,
        errors=("board_exists", "too_many_boards", "invalid_title", "duplicate_id"),
    ),
    Endpoint(
        "POST",
        f"{W}/groups",
        create_group,
        answers.GroupCreated,
        CreateGroupIn,
        201,
        errors=("group_limit_reached", "invalid_name", "duplicate_id", "too_many_boards"),
    ),
    Endpoint(
        "POST",
        f"{W}/assignments",
        assign,
        answers.Assignment,
        AssignIn,
        errors=("unknown_participant", "unknown_group", "group_full"),
    ),
    Endpoint(
        "POST",
        f"{W}/tracks",
        start_track,
        answers.TrackCreated,
        StartTrackIn,
        201,
        errors=(
            "board_not_found",
            "decision_not_found",
            "decision_not_selected",
            "decision_has_track",
            "track_exists",
        ),
    ),
)
