"""Sealing at append (both backends): each personal string is sealed with its writer's key,
copies included: a decision's title and evidence, a promoted copy of a pseudonymous board's
note (whose copy names no author), a cluster's label, a track's title taken from a decision."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest

from domain import workshop
from domain.streams import board_stream, solution_stream, workshop_stream
from service.access import organisers
from service.app import close_plenary, open_plenary
from service.commands import flows
from service.context import Plenary
from service.privacy import marker
from service.settings import Settings
from tests.service.privacy import scenario
from tests.service.privacy.scenario import BEN, FAY, PIA


@pytest.fixture
async def ctx(app_settings: Settings) -> AsyncIterator[Plenary]:
    opened = await open_plenary(app_settings)
    try:
        await scenario.seed(opened)
        yield opened
    finally:
        await close_plenary(opened)


def sealed_by(value: Any, path: str = "") -> dict[str, str]:
    """Every sealed string in ``value`` (decoded JSON): its path → whose key sealed it."""
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in sealed_by(item, f"{path}.{key}").items()
        }
    if isinstance(value, list):
        return {
            k: v for i, item in enumerate(value) for k, v in sealed_by(item, f"{path}.{i}").items()
        }
    owner = marker.owner_of(value) if isinstance(value, str) else None
    return {} if owner is None else {path.lstrip("."): owner}


async def stored(ctx: Plenary, stream_id: str, kind: str) -> list[dict[str, str]]:
    """The sealed strings of each stored event of ``kind`` in ``stream_id``."""
    records = await ctx.store.read_stream_stored(stream_id)
    return [sealed_by(msgspec.json.decode(r.data)) for r in records if r.type == kind]


async def test_people_are_sealed_with_their_own_key(ctx: Plenary) -> None:
    joined = await stored(ctx, workshop_stream(scenario.W), "participant.joined")
    assert joined == [
        {"name": FAY.id},  # her organisation is empty: nothing to seal
        {"name": PIA.id, "organisation": PIA.id},
        {"name": BEN.id, "organisation": BEN.id},
    ]


async def test_notes_and_labels_by_their_writer_and_a_decision_by_the_items_writer(
    ctx: Plenary,
) -> None:
    named = board_stream(scenario.NAMED)
    assert await stored(ctx, named, "note.added") == [{"text": PIA.id}, {"text": BEN.id}]
    assert await stored(ctx, named, "cluster.created") == [{"label": BEN.id}]
    on_note, on_cluster = await stored(ctx, named, "decision.recorded")
    assert on_note == {
        "title": PIA.id,
        "rationale": FAY.id,
        "evidence.notes.0.text": PIA.id,
    }
    assert on_cluster == {
        "title": BEN.id,  # the label's writer, not the facilitator who decided
        "rationale": FAY.id,
        "evidence.notes.0.text": BEN.id,
    }


async def test_copies_of_a_pseudonymous_boards_items_keep_their_writers_keys(
    ctx: Plenary,
) -> None:
    plenary = board_stream(scenario.PLENARY)
    [promoted] = await stored(ctx, plenary, "items.promoted")
    assert promoted == {"clusters.0.label": BEN.id, "notes.0.text": PIA.id}
    copy = next(r for r in await ctx.store.read_stream(plenary) if r.type == "items.promoted")
    assert msgspec.json.decode(copy.data)["notes"][0]["author"] == ""  # pseudonymous source
    [decided] = await stored(ctx, plenary, "decision.recorded")
    assert decided == {"title": PIA.id, "rationale": FAY.id, "evidence.notes.0.text": PIA.id}


async def test_a_tracks_title_is_the_decided_items_writers_unless_typed(ctx: Plenary) -> None:
    [from_note] = await stored(ctx, solution_stream(scenario.TRACK_FROM_NOTE), "track.started")
    [typed] = await stored(ctx, solution_stream(scenario.TRACK_TYPED), "track.started")
    assert from_note == {"title": PIA.id}
    assert typed == {"title": FAY.id}
    [update] = await stored(ctx, solution_stream(scenario.TRACK_FROM_NOTE), "sprint.updated")
    assert update == {"done": PIA.id}


async def test_what_everyone_reads_is_the_plaintext(ctx: Plenary) -> None:
    view = await ctx.reads.board_view(scenario.PLENARY)
    assert view.notes[scenario.PROMOTED_NOTE].text == scenario.PIA_ANON_NOTE
    assert view.clusters[scenario.PROMOTED_CLUSTER].label == scenario.BEN_ANON_LABEL
    people = (await ctx.reads.workshop_state(scenario.W)).participants
    assert people[PIA.id].name == PIA.name
    assert (await ctx.reads.track_view(scenario.TRACK_FROM_NOTE)).title == scenario.PIA_NOTE


async def test_a_workshop_made_in_one_step_seals_its_facilitators_name(ctx: Plenary) -> None:
    """Commands spanning streams (``service.flows``) are sealed as single ones are."""
    oda = await organisers.add(ctx, "Oda Lindgren")
    command = workshop.CreateWorkshop(workshop_id="w-flow", title="Flow", programme="w-flow")
    await flows.create_workshop(ctx.runner, oda, command, "Oda Lindgren", "flow-1")
    log = [r.data for r in await ctx.store.read_all_stored(0, 10_000)]
    assert not any(b"Oda Lindgren" in data for data in log)
    joined = await stored(ctx, workshop_stream("w-flow"), "participant.joined")
    assert joined == [{"name": oda.id}]
    assert (await ctx.reads.workshop_state("w-flow")).participants[oda.id].name == "Oda Lindgren"
