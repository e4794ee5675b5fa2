"""What happened in a workshop, for someone who missed it: its agenda, what each board found
(clusters with their notes, vote rounds with their results, decisions with their rationale),
what came into the plenary from which group, the solution tracks started, and the timeline of
every board side by side, each step at the board version a replay opens at.

It reads what the workshop report reads (``report.workshop_views``, ``report.tracks_from``) and
cuts every board for its reader as every read is (``present_view``): hidden notes, an open
round's hidden tallies and pseudonyms stay as the board page shows them. The timeline's marks
and counts carry nothing personal (``projections.timeline``); they come from each board's stored
lane (``board_lane``) plus its newest events, cut at the version of the board's view, and a
decision's mark takes its title from that view, so no text is kept beside the boards'.

Just over 300 lines on purpose: the answer's shapes are declared here, one field a line, beside
the functions that fill them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime

import msgspec

from domain import workshop
from domain.streams import workshop_stream
from projections.board_view import BoardView, DecisionView, NoteView, RoundView
from projections.timeline import Mark, counted, instant, micros
from projections.visibility import Viewer, present_view
from service.context import Plenary
from service.readside.report import tracks_from, workshop_views

TOP = 3
"""The notes shown under each cluster."""
SLICES = 48
"""The slices of the day a lane counts its events in."""


class AgendaBlock(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    title: str
    minutes: int
    starts: int
    """Minutes into the day, by the agenda."""
    started_at: datetime | None
    """When a facilitator last started it (``agenda.start``), if ever."""
    versions: dict[str, int]
    """Each board's version when it was started (boards that existed by then): where its
    replay shows the block beginning."""


class ClusterFound(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    notes: int
    top: tuple[str, ...]
    """The texts of its first notes (at most ``TOP``), those that changed last first."""
    votes: int | None
    """Its dots in the board's last closed round on clusters that had it on the ballot."""


class RoundFound(RoundView, frozen=True, kw_only=True):
    """A round as its reader may see it, with its ballot's titles and where it sits."""

    titles: dict[str, str]
    opened_version: int
    closed_version: int | None


class BoardFound(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    kind: str
    group: str | None
    phase: str
    anonymity: str
    version: int
    notes: int
    loose: int
    """Notes in no cluster."""
    clusters: tuple[ClusterFound, ...]
    rounds: tuple[RoundFound, ...]
    decisions: tuple[DecisionView, ...]


class PromotionFound(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    board_id: str
    version: int
    """The plenary board's version just after the promotion."""
    source_board_id: str
    source_title: str
    source_group: str | None
    source_version: int
    clusters: tuple[str, ...]
    """The labels of the clusters brought in."""
    notes: int
    promoted_at: datetime


class TrackFound(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    status: str
    board_id: str
    decision_id: str


class Lane(msgspec.Struct, frozen=True, kw_only=True):
    board_id: str
    title: str
    group: str | None
    version: int
    marks: tuple[Mark, ...]
    activity: tuple[int, ...]
    """Events per slice of the timeline's span (``SLICES`` slices)."""


class Timeline(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime | None
    """The first event on any of its boards; ``None`` before there is one."""
    end: datetime | None
    lanes: tuple[Lane, ...]


class WorkshopSummary(msgspec.Struct, frozen=True, kw_only=True):
    workshop_id: str
    title: str
    kind: str
    date: str | None
    agenda: tuple[AgendaBlock, ...]
    agenda_current: int | None
    boards: tuple[BoardFound, ...]
    promotions: tuple[PromotionFound, ...]
    tracks: tuple[TrackFound, ...]
    timeline: Timeline


async def workshop_summary(
    ctx: Plenary, workshop_id: str, viewer: Viewer, scope: str | None = None
) -> WorkshopSummary:
    """What happened in ``workshop_id`` as ``viewer`` may see it (only board ``scope`` if the
    token opens one); ``NotFound`` if there is no such workshop."""
    state = await ctx.reads.workshop_state(workshop_id)
    views = await workshop_views(ctx, workshop_id, scope)
    shown = [present_view(v, viewer) for v in views]
    groups = {g.board_id: g.name for g in state.groups.values()}
    lanes = await ctx.reads.board_lanes({v.id: v.version for v in views})
    instants = {v.id: lanes[v.id].instants(v.version) for v in views}
    marks = {v.id: _titled(lanes[v.id].marks_to(v.version), v) for v in views}
    tracks = []
    for track_id in tracks_from(views, viewer):
        track = await ctx.reads.track_view(track_id)
        assert track.origin is not None  # track_view raises for a track never started
        tracks.append(
            TrackFound(
                id=track_id,
                title=track.title,
                status=track.status,
                board_id=track.origin.board_id,
                decision_id=track.origin.decision_id,
            )
        )
    return WorkshopSummary(
        workshop_id=workshop_id,
        title=state.title,
        kind=state.kind,
        date=state.date,
        agenda=tuple(await _agenda(ctx, workshop_id, state, instants)),
        agenda_current=state.agenda_current,
        boards=tuple(_found(v, groups.get(v.id), marks[v.id]) for v in shown),
        promotions=tuple(_promotions(shown, groups, marks)),
        tracks=tuple(tracks),
        timeline=_timeline(shown, groups, marks, instants),
    )


def _titled(marks: Iterable[Mark], view: BoardView) -> list[Mark]:
    """The lane's marks, each decision's with its title as the board's view holds it now (the
    read model keeps no text, so an erased writer's title reads erased here too)."""
    titles = {d.id: d.title for d in view.decisions}
    return [
        msgspec.structs.replace(m, title=titles.get(m.ref, ""))
        if m.type == "decision.recorded"
        else m
        for m in marks
    ]


class _Started(msgspec.Struct):
    index: int = -1


_started = msgspec.json.Decoder(_Started).decode


async def _agenda(
    ctx: Plenary,
    workshop_id: str,
    state: workshop.Workshop,
    instants: dict[str, list[int]],
) -> list[AgendaBlock]:
    """The agenda's blocks, each with when it was last started (from the workshop's log) and
    each board's version then (from ``instants``, each board's events' in version order)."""
    started: dict[int, datetime] = {}
    for rec in await ctx.store.read_stream(workshop_stream(workshop_id)):
        if rec.type == "agenda.started":
            started[_started(rec.data).index] = rec.recorded_at
    blocks, starts = [], 0
    for index, item in enumerate(state.agenda):
        at = started.get(index)
        versions = {}
        if at is not None:
            versions = {b: bisect_right(times, micros(at)) for b, times in instants.items()}
        blocks.append(
            AgendaBlock(
                index=index,
                title=item.title,
                minutes=item.minutes,
                starts=starts,
                started_at=at,
                versions={b: v for b, v in versions.items() if v > 0},
            )
        )
        starts += item.minutes
    return blocks


def item_title(view: BoardView, item_id: str) -> str:
    """An item's label or text as the reader sees it; empty if it is gone or hidden."""
    if item_id in view.clusters:
        return view.clusters[item_id].label
    note = view.notes.get(item_id)
    return "" if note is None else note.text


def _found(view: BoardView, group: str | None, marks: list[Mark]) -> BoardFound:
    """One board as its reader may see it (``view`` is presented already)."""
    opened = {m.ref: m.version for m in marks if m.type == "vote.opened"}
    closed = {m.ref: m.version for m in marks if m.type == "vote.closed"}
    rounds = tuple(
        RoundFound(
            **msgspec.structs.asdict(r),
            titles={item: item_title(view, item) for item in r.item_ids},
            opened_version=opened.get(r.id, 0),
            closed_version=closed.get(r.id),
        )
        for r in view.rounds.values()
    )
    last = next((r for r in reversed(rounds) if not r.open and r.target == "clusters"), None)
    members: dict[str | None, list[NoteView]] = {}
    for note in view.notes.values():  # once, not once per cluster: boards hold thousands
        members.setdefault(note.cluster_id, []).append(note)
    clusters = []
    for cluster in view.clusters.values():
        notes = sorted(members.get(cluster.id, ()), key=lambda n: (-n.version, n.id))
        votes = (
            None
            if last is None or cluster.id not in last.item_ids
            else last.tallies.get(cluster.id, 0)
        )
        clusters.append(
            ClusterFound(
                id=cluster.id,
                label=cluster.label,
                notes=len(notes),
                top=tuple(n.text for n in notes[:TOP]),
                votes=votes,
            )
        )
    clusters.sort(key=lambda c: (-(c.votes or 0), -c.notes, c.label))
    return BoardFound(
        id=view.id,
        title=view.title,
        kind=view.kind,
        group=group,
        phase=view.phase,
        anonymity=view.anonymity,
        version=view.version,
        notes=len(view.notes),
        loose=sum(len(notes) for c, notes in members.items() if c not in view.clusters),
        clusters=tuple(clusters),
        rounds=rounds,
        decisions=view.decisions,
    )


def _promotions(
    views: list[BoardView], groups: dict[str, str], marks: dict[str, list[Mark]]
) -> list[PromotionFound]:
    """What came into each plenary from which board, in the order it came."""
    titles = {v.id: v.title for v in views}
    found = []
    for view in views:
        # A board's promotions and its ``items.promoted`` marks come in the same order.
        at = [m.version for m in marks[view.id] if m.type == "items.promoted"]
        for p, version in zip(view.promotions, at, strict=False):
            found.append(
                PromotionFound(
                    id=p.id,
                    board_id=view.id,
                    version=version,
                    source_board_id=p.source_board_id,
                    source_title=titles.get(p.source_board_id, ""),
                    source_group=groups.get(p.source_board_id),
                    source_version=p.source_version,
                    clusters=tuple(item_title(view, c) or "(removed since)" for c in p.cluster_ids),
                    notes=len(p.note_ids),
                    promoted_at=p.promoted_at,
                )
            )
    found.sort(key=lambda p: p.promoted_at)
    return found


def _timeline(
    views: list[BoardView],
    groups: dict[str, str],
    marks: dict[str, list[Mark]],
    instants: dict[str, list[int]],
) -> Timeline:
    """Every board's lane over the span of the workshop's board events."""
    ends = [at for times in instants.values() for at in times[:1] + times[-1:]]
    if not ends:
        return Timeline(start=None, end=None, lanes=())
    start, end = instant(min(ends)), instant(max(ends))
    lanes = tuple(
        Lane(
            board_id=v.id,
            title=v.title,
            group=groups.get(v.id),
            version=v.version,
            marks=tuple(marks[v.id]),
            activity=tuple(counted(instants[v.id], start, end, SLICES)),
        )
        for v in views
    )
    return Timeline(start=start, end=end, lanes=lanes)
