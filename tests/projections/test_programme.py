"""The programme projection: what counts toward each planned outcome, per programme."""

from __future__ import annotations

from domain import board, decisions, programme, solution, workshop
from domain.board_state import Origin
from domain.streams import board_stream, programme_stream, solution_stream, workshop_stream
from projections.base import fold
from projections.programme import KEY, PROGRAMME, ProgrammeView, members, outcomes
from tests.factories import Log


def _workshop(
    log: Log, wid: str, kind: workshop.WorkshopKind, programme_id: str = "p", included: bool = True
) -> None:
    """Workshop ``wid`` naming ``programme_id`` (included by it unless told otherwise), with a
    plenary board ``<wid>-plenary``."""
    stream = programme_stream(programme_id)
    if included:
        if not log.versions.get(stream):
            created = programme.ProgrammeCreated(programme_id=programme_id, title="P", owner="o")
            log.append(stream, [created])
        log.append(stream, [programme.WorkshopIncluded(workshop_id=wid)])
    log.append(
        workshop_stream(wid),
        [
            workshop.WorkshopCreated(
                workshop_id=wid, title=wid, kind=kind, facilitator="f", programme=programme_id
            ),
            workshop.BoardAdded(board_id=f"{wid}-plenary", title="P", kind="plenary"),
        ],
    )
    log.append(
        board_stream(f"{wid}-plenary"),
        [board.BoardCreated(board_id=f"{wid}-plenary", workshop_id=wid, title="P", kind="plenary")],
    )


def _note(log: Log, board_id: str, note_id: str) -> None:
    log.append(
        board_stream(board_id),
        [board.NoteAdded(note_id=note_id, text="t", x=0, y=0, colour="yellow", author="a")],
    )


def _track(log: Log, track_id: str, wid: str, *events: solution.Event) -> None:
    started = solution.TrackStarted(
        track_id=track_id,
        workshop_id=wid,
        board_id=f"{wid}-plenary",
        decision_id="d1",
        title="T",
        summary="",
        lead="f",
    )
    log.append(solution_stream(track_id), [started, *events])


def _view(log: Log) -> ProgrammeView:
    return fold(PROGRAMME, KEY, log.events)


def _counts(view: ProgrammeView, programme: str = "p") -> dict[str, tuple[int, bool]]:
    return {o.name: (o.actual, o.met) for o in outcomes(view, programme)}


SPRINT = solution.SprintPlanned(
    sprint_id="s1", goal="G", starts_on="2026-01-01", ends_on="2026-01-09"
)
UPDATE = solution.SprintUpdated(
    update_id="u1", sprint_id="s1", status="on_track", done="", next="", blockers=""
)


def test_each_outcome_counts_only_what_its_rule_names() -> None:
    log = Log()
    _workshop(log, "init", "initiatives")
    _workshop(log, "chal", "challenges")
    _workshop(log, "idea", "ideation")
    for n in ("n1", "n2", "n3"):
        _note(log, "init-plenary", n)
    log.append(board_stream("init-plenary"), [board.NoteDeleted(note_id="n3")])
    _note(log, "chal-plenary", "c1")  # a challenge, not an initiative
    origin = Origin(board_id="b", item_id="x", version=1)
    cluster = decisions.PromotedCluster(cluster_id="pc", label="L", x=0, y=0, origin=origin)

    def copy(nid: str, cid: str | None) -> decisions.PromotedNote:
        return decisions.PromotedNote(
            note_id=nid,
            text="t",
            x=0,
            y=0,
            colour="yellow",
            author="",
            cluster_id=cid,
            origin=origin,
        )

    promoted = decisions.ItemsPromoted(
        promotion_id="p1",
        source_board_id="b",
        source_version=1,
        clusters=(cluster,),
        notes=(copy("pn1", "pc"), copy("pn2", "pc"), copy("pn3", None)),
    )
    log.append(board_stream("idea-plenary"), [promoted])
    log.append(board_stream("chal-plenary"), [promoted])  # challenges present no ideas
    practice = solution.PracticeDocumented(practice_id="pr", title="T", description="D")
    _track(log, "t1", "idea", SPRINT, UPDATE, practice)
    _track(log, "t2", "idea", SPRINT)  # started, never developed
    assert _counts(_view(log)) == {
        "initiatives_identified": (2, False),
        "ideas_presented": (2, True),  # one cluster and one loose note
        "ideas_developed": (1, True),
        "practices_documented": (1, False),
    }


def test_another_programme_counts_apart() -> None:
    log = Log()
    _workshop(log, "ours", "initiatives", programme_id="p")
    _workshop(log, "theirs", "initiatives", programme_id="q")
    _note(log, "theirs-plenary", "n1")
    view = _view(log)
    assert _counts(view)["initiatives_identified"] == (0, False)
    assert _counts(view, "q")["initiatives_identified"] == (1, False)


def test_a_presented_track_stays_presented_after_a_late_update() -> None:
    log = Log()
    _workshop(log, "w", "consolidation")
    presented = solution.PresentationRecorded(presented_on="2026-02-01", summary="S", link="")
    _track(log, "t1", "w", SPRINT, presented, UPDATE)
    track = _view(log).tracks["t1"]
    assert (track.status, track.presented, track.updates) == ("presented", True, 1)


def test_fed_event_by_event_through_storage_equals_rebuilt_from_zero() -> None:
    log = Log()
    _workshop(log, "init", "initiatives")
    _note(log, "init-plenary", "n1")
    _track(log, "t1", "init", SPRINT, UPDATE)
    view = PROGRAMME.initial(KEY)
    for rec in log.events:
        if PROGRAMME.key_of(rec) == KEY:
            view = PROGRAMME.decode(PROGRAMME.encode(PROGRAMME.apply(view, rec)))
    assert view == _view(log)


def test_a_workshop_naming_a_programme_that_does_not_include_it_counts_for_nothing() -> None:
    log = Log()
    _workshop(log, "ours", "initiatives", programme_id="p")
    _workshop(log, "squatter", "initiatives", programme_id="p", included=False)
    _note(log, "squatter-plenary", "n1")
    view = _view(log)
    assert _counts(view)["initiatives_identified"] == (0, False)
    assert [w.id for w in members(view, "p")] == ["ours"]


def test_a_board_claimed_by_another_workshop_counts_only_where_its_stream_says() -> None:
    log = Log()
    _workshop(log, "ours", "initiatives", programme_id="p")
    _workshop(log, "theirs", "initiatives", programme_id="q")
    claim = workshop.BoardAdded(board_id="ours-plenary", title="Mine now", kind="plenary")
    log.append(workshop_stream("theirs"), [claim])
    _note(log, "ours-plenary", "n1")
    view = _view(log)
    assert _counts(view, "p")["initiatives_identified"] == (1, False)
    assert _counts(view, "q")["initiatives_identified"] == (0, False)


def test_a_board_whose_stream_came_first_counts_once_its_workshop_lists_it() -> None:
    log = Log()
    _workshop(log, "w", "initiatives")
    created = board.BoardCreated(board_id="b2", workshop_id="w", title="B", kind="breakout")
    log.append(board_stream("b2"), [created])
    log.append(
        workshop_stream("w"), [workshop.BoardAdded(board_id="b2", title="B", kind="breakout")]
    )
    _note(log, "b2", "n1")
    assert _counts(_view(log))["initiatives_identified"] == (1, False)


def test_the_tracker_counts_against_the_programme_s_own_targets() -> None:
    log = Log()
    aims = programme.OutcomeTargets(initiatives_identified=2, practices_documented=1)
    created = programme.ProgrammeCreated(programme_id="p", title="P", owner="o", targets=aims)
    log.append(programme_stream("p"), [created])
    _workshop(log, "init", "initiatives")
    for n in ("n1", "n2"):
        _note(log, "init-plenary", n)
    _workshop(log, "lone", "initiatives", programme_id="lone")  # a default programme
    tracked = {o.name: (o.target, o.actual, o.met) for o in outcomes(_view(log), "p")}
    assert tracked == {
        "initiatives_identified": (2, 2, True),
        "ideas_presented": (2, 0, False),
        "ideas_developed": (1, 0, False),
        "practices_documented": (1, 0, False),
    }
    assert [o.target for o in outcomes(_view(log), "lone")] == [5, 2, 1, 5]
    assert [o.target for o in outcomes(_view(log), "never-created")] == [5, 2, 1, 5]
