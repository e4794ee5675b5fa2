"""The board's rules as given/when/then: given these events, when this command by this actor,
then these events, nothing, or a ``DomainError`` with this exact ``code``."""

from __future__ import annotations

import math
from typing import Any, cast

import msgspec
import pytest

from domain import board
from domain.actor import Actor
from domain.codec import event_type
from domain.errors import AlreadyExists, Forbidden, InvalidCommand, NotFound
from tests.domain.builders import BOARD, CREATED, added, cluster, clustered, given
from tests.factories import ALICE, AUDITOR, BOARD_ID, BOB, FACILITATOR, OBSERVER

# --------------------------------------------------------------------------- creating a board


def test_a_facilitator_creates_a_board() -> None:
    given().when(
        board.CreateBoard(board_id="b", workshop_id="w", title="Plenary", kind="plenary")
    ).then(board.BoardCreated(board_id="b", workshop_id="w", title="Plenary", kind="plenary"))


def test_a_board_is_a_breakout_board_unless_told_otherwise() -> None:
    state = (
        given()
        .when(board.CreateBoard(board_id="b", workshop_id="w", title="T"))
        .then(board.BoardCreated(board_id="b", workshop_id="w", title="T", kind="breakout"))
    )
    assert state.created
    assert (state.board_id, state.workshop_id, state.kind) == ("b", "w", "breakout")


def test_a_board_is_created_once() -> None:
    given(CREATED).when(
        board.CreateBoard(board_id=BOARD_ID, workshop_id="w", title="Again")
    ).then_refused(AlreadyExists, "board_exists")


def test_a_participant_may_not_create_a_board() -> None:
    given().when(
        board.CreateBoard(board_id="b", workshop_id="w", title="T"), by=ALICE
    ).then_refused(Forbidden, "forbidden")


@pytest.mark.parametrize("title", ["", "   ", "\n\t", "t" * 201])
def test_a_board_title_has_1_to_200_characters(title: str) -> None:
    given().when(board.CreateBoard(board_id="b", workshop_id="w", title=title)).then_refused(
        InvalidCommand, "invalid_title"
    )


@pytest.mark.parametrize("title", ["t", "t" * 200])
def test_a_board_title_of_1_or_200_characters_is_fine(title: str) -> None:
    given().when(board.CreateBoard(board_id="b", workshop_id="w", title=title)).then(
        board.BoardCreated(board_id="b", workshop_id="w", title=title)
    )


# --------------------------------------------------------------------------- roles

ON_BOARD: list[tuple[board.Command, str]] = [
    (board.AddNote(note_id="n2", text="more", x=1.0, y=2.0), "note.added"),
    (board.EditNote(note_id="n1", text="better"), "note.edited"),
    (board.MoveNote(note_id="n1", x=5.0, y=6.0), "note.moved"),
    (board.RecolourNote(note_id="n1", colour="pink"), "note.recoloured"),
    (board.DeleteNote(note_id="n1"), "note.deleted"),
    (board.ClusterNote(note_id="n1", cluster_id="c1"), "note.clustered"),
    (board.CreateCluster(cluster_id="c2", label="Other", x=1.0, y=1.0), "cluster.created"),
    (board.RenameCluster(cluster_id="c1", label="Renamed"), "cluster.renamed"),
    (board.MoveCluster(cluster_id="c1", x=-3.0, y=4.0), "cluster.moved"),
    (board.DeleteCluster(cluster_id="c1"), "cluster.deleted"),
]
"""One command of every kind a facilitator may issue on ``BOARD``, with its event's tag."""

COMMANDS = [command for command, _ in ON_BOARD]
ids_of_commands = [type(command).__name__ for command in COMMANDS]


@pytest.mark.parametrize(("command", "tag"), ON_BOARD, ids=ids_of_commands)
def test_a_facilitator_may_issue_every_command(command: board.Command, tag: str) -> None:
    state = board.fold(list(BOARD))
    assert [event_type(event) for event in board.decide(state, command, FACILITATOR)] == [tag]


@pytest.mark.parametrize("looker", [OBSERVER, AUDITOR], ids=["observer", "auditor"])
@pytest.mark.parametrize("command", COMMANDS, ids=ids_of_commands)
def test_observers_and_auditors_may_change_nothing(command: board.Command, looker: Actor) -> None:
    given(*BOARD).when(command, by=looker).then_refused(Forbidden, "forbidden")


@pytest.mark.parametrize("looker", [OBSERVER, AUDITOR], ids=["observer", "auditor"])
def test_observers_and_auditors_may_not_create_a_board(looker: Actor) -> None:
    given().when(
        board.CreateBoard(board_id="b", workshop_id="w", title="T"), by=looker
    ).then_refused(Forbidden, "forbidden")


@pytest.mark.parametrize("command", COMMANDS, ids=ids_of_commands)
def test_no_command_applies_before_the_board_exists(command: board.Command) -> None:
    given().when(command).then_refused(NotFound, "board_not_found")


# --------------------------------------------------------------------------- authorship

AUTHOR_ONLY: list[board.Command] = [
    board.EditNote(note_id="n1", text="hijacked"),
    board.RecolourNote(note_id="n1", colour="grey"),
    board.DeleteNote(note_id="n1"),
]


@pytest.mark.parametrize("command", AUTHOR_ONLY, ids=lambda c: type(c).__name__)
def test_a_participant_may_not_change_anothers_note(command: board.Command) -> None:
    given(*BOARD).when(command, by=BOB).then_refused(Forbidden, "not_author")


@pytest.mark.parametrize("author", [ALICE, FACILITATOR], ids=["author", "facilitator"])
def test_the_author_or_a_facilitator_may_edit_a_note(author: Actor) -> None:
    given(*BOARD).when(board.EditNote(note_id="n1", text="better"), by=author).then(
        board.NoteEdited(note_id="n1", text="better")
    )


@pytest.mark.parametrize("author", [ALICE, FACILITATOR], ids=["author", "facilitator"])
def test_the_author_or_a_facilitator_may_recolour_a_note(author: Actor) -> None:
    given(*BOARD).when(board.RecolourNote(note_id="n1", colour="blue"), by=author).then(
        board.NoteRecoloured(note_id="n1", colour="blue")
    )


@pytest.mark.parametrize("author", [ALICE, FACILITATOR], ids=["author", "facilitator"])
def test_the_author_or_a_facilitator_may_delete_a_note(author: Actor) -> None:
    state = (
        given(*BOARD)
        .when(board.DeleteNote(note_id="n1"), by=author)
        .then(board.NoteDeleted(note_id="n1"))
    )
    assert state.notes["n1"].deleted


def test_any_participant_may_move_and_cluster_anothers_note() -> None:
    given(*BOARD).when(board.MoveNote(note_id="n1", x=7.0, y=8.0), by=BOB).then(
        board.NoteMoved(note_id="n1", x=7.0, y=8.0)
    )
    given(*BOARD).when(board.ClusterNote(note_id="n1", cluster_id="c1"), by=BOB).then(
        clustered("n1", "c1")
    )


def test_a_participants_note_is_theirs() -> None:
    state = (
        given(CREATED)
        .when(board.AddNote(note_id="n1", text="t", x=1, y=2), by=BOB)
        .then(board.NoteAdded(note_id="n1", text="t", x=1, y=2, colour="yellow", author="bob"))
    )
    assert state.notes["n1"].author == "bob"


# --------------------------------------------------------------------------- values

BAD_TEXTS = ["", " ", "   \n\t ", "\u00a0", "x" * 501]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_a_new_note_needs_1_to_500_characters_of_text(text: str) -> None:
    given(CREATED).when(board.AddNote(note_id="n1", text=text, x=0, y=0)).then_refused(
        InvalidCommand, "invalid_text"
    )


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_an_edit_needs_1_to_500_characters_of_text(text: str) -> None:
    given(*BOARD).when(board.EditNote(note_id="n1", text=text), by=ALICE).then_refused(
        InvalidCommand, "invalid_text"
    )


@pytest.mark.parametrize("text", ["x", "x" * 500, " padded "])
def test_a_note_of_1_to_500_characters_is_fine(text: str) -> None:
    given(CREATED).when(board.AddNote(note_id="n1", text=text, x=0, y=0), by=ALICE).then(
        added("n1", ALICE, text=text)
    )
    given(*BOARD).when(board.EditNote(note_id="n1", text=text), by=ALICE).then(
        board.NoteEdited(note_id="n1", text=text)
    )


BAD_LABELS = ["", "  ", "\t", "l" * 121]


@pytest.mark.parametrize("label", BAD_LABELS)
def test_a_new_cluster_needs_a_label_of_1_to_120_characters(label: str) -> None:
    given(CREATED).when(board.CreateCluster(cluster_id="c1", label=label, x=0, y=0)).then_refused(
        InvalidCommand, "invalid_label"
    )


@pytest.mark.parametrize("label", BAD_LABELS)
def test_a_rename_needs_a_label_of_1_to_120_characters(label: str) -> None:
    given(*BOARD).when(board.RenameCluster(cluster_id="c1", label=label)).then_refused(
        InvalidCommand, "invalid_label"
    )


@pytest.mark.parametrize("label", ["l", "l" * 120])
def test_a_label_of_1_or_120_characters_is_fine(label: str) -> None:
    given(CREATED).when(board.CreateCluster(cluster_id="c1", label=label, x=0, y=0)).then(
        board.ClusterCreated(cluster_id="c1", label=label, x=0, y=0)
    )
    given(*BOARD).when(board.RenameCluster(cluster_id="c1", label=label)).then(
        board.ClusterRenamed(cluster_id="c1", label=label)
    )


def _placed(kind: str, x: float, y: float) -> board.Command:
    """A command of ``kind`` that puts something at (``x``, ``y``) on ``BOARD``."""
    if kind == "note.add":
        return board.AddNote(note_id="n2", text="t", x=x, y=y)
    if kind == "note.move":
        return board.MoveNote(note_id="n1", x=x, y=y)
    if kind == "cluster.create":
        return board.CreateCluster(cluster_id="c2", label="L", x=x, y=y)
    return board.MoveCluster(cluster_id="c1", x=x, y=y)


PLACING = ["note.add", "note.move", "cluster.create", "cluster.move"]
BAD_COORDS = [math.inf, -math.inf, math.nan, 1_000_000.5, -1_000_001.0, 1e300]


@pytest.mark.parametrize("kind", PLACING)
@pytest.mark.parametrize("bad", BAD_COORDS)
def test_coordinates_are_finite_and_within_a_million(kind: str, bad: float) -> None:
    given(*BOARD).when(_placed(kind, bad, 0.0)).then_refused(InvalidCommand, "invalid_coordinates")
    given(*BOARD).when(_placed(kind, 0.0, bad)).then_refused(InvalidCommand, "invalid_coordinates")


@pytest.mark.parametrize("kind", PLACING)
def test_coordinates_of_plus_or_minus_a_million_are_fine(kind: str) -> None:
    [event] = board.decide(board.fold(list(BOARD)), _placed(kind, 1e6, -1e6), FACILITATOR)
    assert isinstance(
        event, board.NoteAdded | board.NoteMoved | board.ClusterCreated | board.ClusterMoved
    )
    assert (event.x, event.y) == (1e6, -1e6)


# --------------------------------------------------------------------------- ids


def test_a_note_id_is_not_reused_for_a_note() -> None:
    given(*BOARD).when(board.AddNote(note_id="n1", text="t", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_a_cluster_id_is_not_reused_for_a_cluster() -> None:
    given(*BOARD).when(board.CreateCluster(cluster_id="c1", label="L", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_notes_and_clusters_share_one_id_space() -> None:
    given(*BOARD).when(board.AddNote(note_id="c1", text="t", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )
    given(*BOARD).when(board.CreateCluster(cluster_id="n1", label="L", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )


def test_the_id_of_a_deleted_note_or_cluster_stays_taken() -> None:
    history = (*BOARD, board.NoteDeleted(note_id="n1"), board.ClusterDeleted(cluster_id="c1"))
    given(*history).when(board.AddNote(note_id="n1", text="t", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )
    given(*history).when(board.CreateCluster(cluster_id="c1", label="L", x=0, y=0)).then_refused(
        AlreadyExists, "duplicate_id"
    )


NOTE_COMMANDS: list[board.Command] = [
    board.EditNote(note_id="n1", text="t"),
    board.MoveNote(note_id="n1", x=1, y=1),
    board.RecolourNote(note_id="n1", colour="green"),
    board.DeleteNote(note_id="n1"),
    board.ClusterNote(note_id="n1", cluster_id="c1"),
    board.ClusterNote(note_id="n1", cluster_id=None),
]


@pytest.mark.parametrize("command", NOTE_COMMANDS, ids=repr)
def test_a_note_command_needs_a_known_note(command: board.Command) -> None:
    given(CREATED, cluster("c1")).when(command).then_refused(NotFound, "unknown_note")


@pytest.mark.parametrize("command", NOTE_COMMANDS, ids=repr)
def test_a_deleted_note_takes_no_more_commands(command: board.Command) -> None:
    given(*BOARD, board.NoteDeleted(note_id="n1")).when(command).then_refused(
        NotFound, "note_deleted"
    )


def test_a_cluster_id_is_not_a_note_id() -> None:
    given(*BOARD).when(board.EditNote(note_id="c1", text="t")).then_refused(
        NotFound, "unknown_note"
    )


CLUSTER_COMMANDS: list[board.Command] = [
    board.RenameCluster(cluster_id="c1", label="L"),
    board.MoveCluster(cluster_id="c1", x=1, y=1),
    board.DeleteCluster(cluster_id="c1"),
    board.ClusterNote(note_id="n1", cluster_id="c1"),
]


@pytest.mark.parametrize("command", CLUSTER_COMMANDS, ids=repr)
def test_a_cluster_command_needs_a_known_cluster(command: board.Command) -> None:
    given(CREATED, added("n1")).when(command).then_refused(NotFound, "unknown_cluster")


@pytest.mark.parametrize("command", CLUSTER_COMMANDS, ids=repr)
def test_a_deleted_cluster_takes_no_more_commands(command: board.Command) -> None:
    given(*BOARD, board.ClusterDeleted(cluster_id="c1")).when(command).then_refused(
        NotFound, "cluster_deleted"
    )


def test_an_unknown_command_type_is_refused() -> None:
    class Bogus(board.BoardCommand, frozen=True, kw_only=True, tag="bogus"):
        pass

    given(*BOARD).when(cast(board.Command, Bogus())).then_refused(InvalidCommand, "unknown_command")


# --------------------------------------------------------------------------- no-ops


def test_editing_to_the_same_text_changes_nothing() -> None:
    given(*BOARD).when(board.EditNote(note_id="n1", text="idea"), by=ALICE).then_nothing()


def test_moving_to_the_same_place_changes_nothing() -> None:
    given(*BOARD, board.NoteMoved(note_id="n1", x=3.0, y=4.0)).when(
        board.MoveNote(note_id="n1", x=3.0, y=4.0), by=BOB
    ).then_nothing()


def test_recolouring_to_the_same_colour_changes_nothing() -> None:
    given(*BOARD).when(board.RecolourNote(note_id="n1", colour="yellow"), by=ALICE).then_nothing()


def test_renaming_or_moving_a_cluster_to_what_it_is_changes_nothing() -> None:
    given(*BOARD).when(board.RenameCluster(cluster_id="c1", label="Theme")).then_nothing()
    given(*BOARD).when(board.MoveCluster(cluster_id="c1", x=10.0, y=10.0)).then_nothing()


def test_clustering_a_note_into_its_own_cluster_changes_nothing() -> None:
    given(*BOARD, clustered("n1", "c1")).when(
        board.ClusterNote(note_id="n1", cluster_id="c1")
    ).then_nothing()


def test_taking_an_unclustered_note_out_changes_nothing() -> None:
    given(*BOARD).when(board.ClusterNote(note_id="n1", cluster_id=None)).then_nothing()


# --------------------------------------------------------------------------- clusters


def test_a_note_joins_a_cluster() -> None:
    state = (
        given(*BOARD)
        .when(board.ClusterNote(note_id="n1", cluster_id="c1"), by=ALICE)
        .then(clustered("n1", "c1"))
    )
    assert state.notes["n1"].cluster_id == "c1"


def test_a_note_moves_straight_from_one_cluster_to_another() -> None:
    state = (
        given(*BOARD, cluster("c2"), clustered("n1", "c1"))
        .when(board.ClusterNote(note_id="n1", cluster_id="c2"))
        .then(clustered("n1", "c2"))
    )
    assert state.notes["n1"].cluster_id == "c2"


def test_a_null_cluster_takes_a_note_out_of_its_cluster() -> None:
    state = (
        given(*BOARD, clustered("n1", "c1"))
        .when(board.ClusterNote(note_id="n1", cluster_id=None))
        .then(clustered("n1", None))
    )
    assert state.notes["n1"].cluster_id is None
    assert not state.notes["n1"].deleted


def test_deleting_a_cluster_releases_its_live_notes_in_id_order() -> None:
    state = (
        given(
            *BOARD,
            cluster("c2"),
            added("zeta"),
            added("alpha"),
            added("gone"),
            added("other"),
            clustered("zeta"),
            clustered("n1"),
            clustered("alpha"),
            clustered("gone"),
            clustered("other", "c2"),
            board.NoteDeleted(note_id="gone"),
        )
        .when(board.DeleteCluster(cluster_id="c1"), by=BOB)
        .then(board.ClusterDeleted(cluster_id="c1", released_note_ids=("alpha", "n1", "zeta")))
    )
    assert state.clusters["c1"].deleted
    assert all(state.notes[nid].cluster_id is None for nid in ("alpha", "n1", "zeta"))
    assert not any(state.notes[nid].deleted for nid in ("alpha", "n1", "zeta"))
    assert state.notes["other"].cluster_id == "c2"


def test_deleting_an_empty_cluster_releases_nothing() -> None:
    given(*BOARD).when(board.DeleteCluster(cluster_id="c1")).then(
        board.ClusterDeleted(cluster_id="c1", released_note_ids=())
    )


def test_a_note_leaves_a_cluster_before_it_is_deleted() -> None:
    given(*BOARD, clustered("n1"), clustered("n1", None)).when(
        board.DeleteCluster(cluster_id="c1")
    ).then(board.ClusterDeleted(cluster_id="c1"))


# ---------------------------------------------------------------- the decoder at the edge

decode_command = msgspec.json.Decoder(board.Command).decode


def _json(**fields: Any) -> bytes:
    return msgspec.json.encode(fields)


def test_the_decoder_reads_a_command_and_fills_defaults() -> None:
    command = decode_command(_json(type="note.add", note_id="n1", text="t", x=1, y=2.5))
    assert command == board.AddNote(note_id="n1", text="t", x=1.0, y=2.5, colour="yellow")
    assert isinstance(command, board.AddNote)
    assert isinstance(command.x, float)


def test_the_decoder_reads_a_null_cluster_as_taking_a_note_out() -> None:
    command = decode_command(_json(type="note.cluster", note_id="n1", cluster_id=None))
    assert command == board.ClusterNote(note_id="n1", cluster_id=None)


GOOD_IDS = ["a", "x" * 64, "0b6f1c5e-8f0a-4a8e-9d6b-2d1c8e4f7a10", "a-b_c.d:e"]
BAD_IDS = ["", "x" * 65, "a b", " a", "a/b", "a\n", "\na", "é", "a\u200b"]


@pytest.mark.parametrize("good", GOOD_IDS)
def test_the_decoder_accepts_1_to_64_url_safe_characters_as_an_id(good: str) -> None:
    assert decode_command(_json(type="note.delete", note_id=good)) == board.DeleteNote(note_id=good)


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize(
    "fields",
    [
        {"type": "note.delete"},
        {"type": "note.add", "text": "t", "x": 0, "y": 0},
        {"type": "cluster.create", "label": "L", "x": 0, "y": 0},
        {"type": "note.cluster", "note_id": "n1"},
        {"type": "board.create", "workshop_id": "w", "title": "T"},
    ],
    ids=lambda fields: fields["type"],
)
def test_the_decoder_rejects_bad_ids(bad: str, fields: dict[str, Any]) -> None:
    id_field = {
        "note.delete": "note_id",
        "note.add": "note_id",
        "cluster.create": "cluster_id",
        "note.cluster": "cluster_id",
        "board.create": "board_id",
    }[fields["type"]]
    with pytest.raises(msgspec.ValidationError, match=id_field):
        decode_command(_json(**fields, **{id_field: bad}))


@pytest.mark.parametrize("colour", ["red", "Yellow", "", "#ff0", None])
def test_the_decoder_rejects_unknown_colours(colour: object) -> None:
    with pytest.raises(msgspec.ValidationError, match="colour"):
        decode_command(_json(type="note.recolour", note_id="n1", colour=colour))
    with pytest.raises(msgspec.ValidationError, match="colour"):
        decode_command(_json(type="note.add", note_id="n1", text="t", x=0, y=0, colour=colour))


@pytest.mark.parametrize("tag", ["note.destroy", "note.added", "NOTE.ADD", ""])
def test_the_decoder_rejects_unknown_types(tag: str) -> None:
    with pytest.raises(msgspec.ValidationError, match="Invalid value"):
        decode_command(_json(type=tag, note_id="n1"))


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"note_id": "n1"}, "type"),
        ({"type": "note.add", "note_id": "n1", "x": 0, "y": 0}, "text"),
        ({"type": "note.move", "note_id": "n1", "x": 0}, "y"),
        ({"type": "note.edit", "text": "t"}, "note_id"),
        ({"type": "note.cluster", "note_id": "n1"}, "cluster_id"),
        ({"type": "cluster.rename", "cluster_id": "c1"}, "label"),
        ({"type": "board.create", "board_id": "b", "title": "T"}, "workshop_id"),
    ],
)
def test_the_decoder_rejects_missing_fields(fields: dict[str, Any], missing: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=f"missing required field `{missing}`"):
        decode_command(_json(**fields))


def test_the_decoder_rejects_non_numbers_as_coordinates() -> None:
    with pytest.raises(msgspec.ValidationError, match="Expected `float`"):
        decode_command(_json(type="note.move", note_id="n1", x="1", y=0))
