"""``plenary demo`` seeds a whole programme, so a newcomer sees every feature populated."""

from __future__ import annotations

from domain import layout
from projections.programme import outcomes
from service.app import close_plenary, open_plenary
from service.settings import Settings
from service.tools import demo
from service.tools.demo_data import PROGRAMME


async def test_the_demo_programme_populates_every_feature(app_settings: Settings) -> None:
    ctx = await open_plenary(app_settings)
    try:
        seeded = await demo.seed(ctx)
        head = (await ctx.store.head()).position
        assert (await demo.seed(ctx)).board_id == seeded.board_id
        assert (await ctx.store.head()).position == head  # seeding again appends nothing

        workshop = await ctx.reads.workshop_state(seeded.workshop_id)
        assert workshop.kind == "challenges"
        assert workshop.agenda
        assert len(workshop.groups) == 4
        assert all(4 <= len(workshop.members(gid)) <= 5 for gid in workshop.groups)
        kinds = sorted(ref.kind for ref in workshop.boards.values())
        assert kinds == ["breakout"] * 4 + ["plenary"]

        for group in workshop.groups.values():
            view = await ctx.reads.board_view(group.board_id)
            assert view.notes
            assert len(view.clusters) == 2
            assert all(n.cluster_id is not None and not n.hidden for n in view.notes.values())
            (round_,) = view.rounds.values()
            assert not round_.open
            assert round_.results
            assert round_.hide_tallies
            assert len(view.grid) == 2
            (decision,) = view.decisions
            assert decision.outcome == "select"
            assert decision.evidence.round_id == round_.id
        policies = [
            (await ctx.reads.board_view(g.board_id)).anonymity for g in workshop.groups.values()
        ]
        assert "pseudonymous" in policies

        plenary = await ctx.reads.board_view(seeded.board_id)
        assert len(plenary.promotions) == 4
        assert all(c.origin is not None for c in plenary.clusters.values())
        assert all(n.origin is not None for n in plenary.notes.values())
        # Readable: the four groups' clusters in rows a screen wide, no item over another.
        assert (
            layout.overlapping(
                ((c.id, c.x, c.y) for c in plenary.clusters.values()),
                (((n.id, n.x, n.y), n.cluster_id) for n in plenary.notes.values()),
            )
            == []
        )
        drawn = layout.covered(
            ((c.id, c.x, c.y) for c in plenary.clusters.values()),
            (((n.id, n.x, n.y), n.cluster_id) for n in plenary.notes.values()),
        )
        assert max(r.x1 for r in drawn) <= layout.MARGIN + layout.ROW_WIDTH  # no sideways scroll
        groups = {c.origin.group for c in plenary.clusters.values() if c.origin}
        titles = {(await ctx.reads.board_view(g.board_id)).title for g in workshop.groups.values()}
        assert groups == titles
        assert [d.outcome for d in plenary.decisions] == ["select", "park"]
        assert plenary.decisions[0].evidence.rank == 1

        track = await ctx.reads.track_view(demo.TRACK_ID)
        assert track.origin is not None
        assert track.origin.decision_id == plenary.decisions[0].id
        assert len(track.sprints) == 2
        assert any(v.result is not None for v in track.validations)
        assert track.presentation is not None

        counts = {o.name: o.actual for o in outcomes(await ctx.reads.programme_view(), PROGRAMME)}
        assert counts == {
            "initiatives_identified": 6,
            "ideas_presented": 0,
            "ideas_developed": 1,
            "practices_documented": 2,
        }
    finally:
        await close_plenary(ctx)


def test_the_demo_data_is_consistent() -> None:
    for group in demo.GROUPS:
        assert len(group.members) == len(group.notes)
        indexes = sorted(i for _label, notes in group.clusters for i in notes)
        assert indexes == list(range(len(group.notes)))
