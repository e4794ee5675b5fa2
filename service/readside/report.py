"""The workshop report: the draft of a workshop's good-practice documentation, in Markdown.

The workshop's facts and agenda; each board (the plenary first) as its board export shows it to
the reader (``export.board_document``: notes by cluster, vote rounds with their results,
decisions with their rationale and evidence), a heading level down; what came into the
plenary from which group; and the solution tracks started from the workshop's decisions, with
their sprints and updates, validations and verdicts, good practices and presentation. What
people wrote is escaped as in the board export (``export_markdown``), and cut for the reader
as every read is.
"""

from __future__ import annotations

from projections.board_view import BoardView
from projections.solution_timeline import SolutionTimeline
from projections.visibility import Viewer, present_view
from service.context import Plenary
from service.readside.export import board_document
from service.readside.export_markdown import block, inline, plural

KINDS = {
    "challenges": "Challenges",
    "initiatives": "Initiatives",
    "ideation": "Ideation",
    "consolidation": "Consolidation",
    "kickoff": "Co-design kick-off",
    "work_sprint": "Work sprint",
    "validation_sprint": "Validation sprint",
    "final_presentation": "Final presentation",
}
VERDICTS = {"validated": "validated", "needs_changes": "needs changes", "rejected": "rejected"}


async def workshop_report(ctx: Plenary, workshop_id: str, viewer: Viewer) -> str:
    """The report of ``workshop_id`` as ``viewer`` may see it; ``NotFound`` if there is none."""
    state = await ctx.reads.workshop_state(workshop_id)
    views = await workshop_views(ctx, workshop_id)
    out = [f"# {inline(state.title)}", ""]
    kind = KINDS.get(state.kind, state.kind)
    day = f" on {state.date}" if state.date else ""
    out += [f"{kind} workshop{day}: {len(views)} boards, {len(state.groups)} groups.", ""]
    if state.agenda:
        out += ["## Agenda", "", "| Starts | Block | Minutes |", "| ---: | --- | ---: |"]
        start = 0
        for item in state.agenda:
            out.append(
                f"| +{start // 60}:{start % 60:02d} | {inline(item.title)} | {item.minutes} |"
            )
            start += item.minutes
        out.append("")
    for view in views:
        document = await board_document(ctx, view.id, "md", viewer, view)
        out += [_down(document), ""]
    out += _promotions(views, {v.id: v.title for v in views})
    for track_id in tracks_from(views, viewer):
        out += _track(await ctx.reads.track_view(track_id))
    return "\n".join(out).rstrip() + "\n"


async def workshop_views(
    ctx: Plenary, workshop_id: str, scope: str | None = None
) -> list[BoardView]:
    """The workshop's boards now (only ``scope`` if the token opens one), whole: the plenary
    first, then by title. Cut each for its reader before it leaves the service."""
    refs = await ctx.reads.workshop_boards(workshop_id, scope)
    views = await ctx.reads.board_views(list(refs))
    views.sort(key=lambda v: (v.kind != "plenary", v.title))
    return views


def _down(document: str) -> str:
    """``document``'s headings one level down (a board's ``#`` under the workshop's)."""
    return "\n".join(f"#{line}" if line.startswith("#") else line for line in document.splitlines())


def _promotions(views: list[BoardView], titles: dict[str, str]) -> list[str]:
    promoted = [(v, p) for v in views for p in v.promotions]
    if not promoted:
        return []
    out = ["## What came into the plenary", ""]
    for view, p in promoted:
        source = inline(titles.get(p.source_board_id, "another workshop's board"))
        counts = f"{plural(len(p.cluster_ids), 'cluster')}, {plural(len(p.note_ids), 'note')}"
        out.append(
            f"- Into {inline(view.title)} from {source}: {counts} (its version {p.source_version})"
        )
    return [*out, ""]


def tracks_from(views: list[BoardView], viewer: Viewer) -> list[str]:
    """The tracks started from the decisions the reader sees, in decision order."""
    found: list[str] = []
    for view in views:
        for decision in present_view(view, viewer).decisions:
            if decision.track_id and decision.track_id not in found:
                found.append(decision.track_id)
    return found


def _track(track: SolutionTimeline) -> list[str]:
    out = [
        f"## Solution track: {inline(track.title)}",
        "",
        f"Status: {track.status.replace('_', ' ')}.",
    ]
    if track.summary:
        out += ["", block(track.summary, "")]
    for n, sprint in enumerate(track.sprints, start=1):
        out += [
            "",
            f"### Sprint {n}: {inline(sprint.goal)} ({sprint.starts_on} to {sprint.ends_on})",
            "",
        ]
        for update in sprint.updates:
            done, then = inline(update.done) or "—", inline(update.next) or "—"
            blockers = inline(update.blockers) or "none"
            said = update.status.replace("_", " ")
            out.append(f"- {said}: done {done}; next {then}; blockers {blockers}")
        if sprint.closed:
            out.append(f"- Closed: {inline(sprint.outcome)}")
    for validation in track.validations:
        groups = ", ".join(inline(s) for s in validation.stakeholders) or "no group named"
        out += ["", f"### Validation: {inline(validation.method)} with {groups}", ""]
        if validation.result is None:
            out.append("- No verdict yet.")
        else:
            verdict = VERDICTS.get(validation.result.verdict, validation.result.verdict)
            out.append(f"- Verdict: {verdict}. {inline(validation.result.findings)}")
    for practice in track.practices:
        out += ["", f"### Good practice: {inline(practice.title)}", ""]
        for label, text in (
            ("Context", practice.context),
            ("What was done", practice.description),
            ("Result", practice.result),
            ("What others can reuse", practice.reuse),
        ):
            if text:
                out.append(f"- {label}: {block(text, '  ')}")
    if track.presentation is not None:
        shown = track.presentation
        out += ["", f"### Presented on {shown.presented_on}", "", block(shown.summary, "")]
    return [*out, ""]
