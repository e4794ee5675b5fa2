"""The prework decider, given/when/then: the form, answering until the due date, imports all or
none, placing once; the plan of notes; and ``notes.place`` on a board."""

from __future__ import annotations

from domain import board, facilitation, prework, workshop
from domain.actor import Actor
from domain.errors import InvalidCommand, NotFound
from tests.domain.harness import given

FACILITATOR = Actor(id="fay", role="facilitator", name="Fay")
ANA = Actor(id="ana", role="participant", name="Ana")
SURVEY = prework.PreworkSet(
    questions=(
        prework.Question(id="city", label="Your city"),
        prework.Question(id="challenge", label="Biggest challenge", hint="One sentence"),
    ),
    due="2026-11-20",
)
CARD = prework.PreworkSet(
    kind="card",
    due="2026-11-20",
    questions=tuple(
        prework.Question(id=q, label=label)
        for q, label in [("city", "City"), ("title", "Title"), ("problem", "Problem")]
    ),
)


def said(**texts: str) -> tuple[prework.Answer, ...]:
    return tuple(prework.Answer(question_id=q, text=t) for q, t in texts.items())


def answer(day: str, **texts: str) -> prework.AnswerPrework:
    return prework.AnswerPrework(answers=said(**texts), today=day)


def test_a_facilitator_sets_the_form() -> None:
    command = prework.SetPrework(questions=SURVEY.questions, due=SURVEY.due)
    given(prework.DECIDER).when(command, by=FACILITATOR).then(SURVEY)


def test_a_form_of_no_question_or_a_question_twice_is_refused() -> None:
    for questions in ((), (SURVEY.questions[0],) * 2):
        command = prework.SetPrework(questions=questions, due="2026-11-20")
        given(prework.DECIDER).when(command, by=FACILITATOR).then_refused(
            InvalidCommand, "invalid_questions"
        )
    bad_day = prework.SetPrework(questions=SURVEY.questions, due="20 Nov")
    given(prework.DECIDER).when(bad_day, by=FACILITATOR).then_refused(
        InvalidCommand, "invalid_date"
    )


def test_a_participant_answers_until_the_due_date_and_not_after() -> None:
    answered = prework.PreworkAnswered(author="ana", answers=said(city="Lyon"), by="ana")
    given(prework.DECIDER, SURVEY).when(answer("2026-11-20", city="Lyon"), by=ANA).then(answered)
    given(prework.DECIDER, SURVEY).when(answer("2026-11-21", city="Lyon"), by=ANA).then_refused(
        InvalidCommand, "prework_closed"
    )


def test_answers_must_fit_the_form() -> None:
    given(prework.DECIDER).when(answer("2026-11-01", city="Lyon"), by=ANA).then_refused(
        NotFound, "no_prework"
    )
    given(prework.DECIDER, SURVEY).when(answer("2026-11-01", town="Lyon"), by=ANA).then_refused(
        NotFound, "unknown_question"
    )
    too_long = answer("2026-11-01", city="x" * 501)
    given(prework.DECIDER, SURVEY).when(too_long, by=ANA).then_refused(
        InvalidCommand, "invalid_answer"
    )


def test_an_import_records_each_row_for_its_author_or_nothing() -> None:
    rows = (
        prework.ImportedAnswers(author="ana", answers=said(city="Lyon")),
        prework.ImportedAnswers(author="ben", answers=said(city="Bonn")),
    )
    given(prework.DECIDER, SURVEY).when(prework.ImportPrework(rows=rows), by=FACILITATOR).then(
        prework.PreworkAnswered(author="ana", answers=said(city="Lyon"), by="fay"),
        prework.PreworkAnswered(author="ben", answers=said(city="Bonn"), by="fay"),
    )
    twice = prework.ImportPrework(rows=(rows[0], rows[0]))
    given(prework.DECIDER, SURVEY).when(twice, by=FACILITATOR).then_refused(
        InvalidCommand, "invalid_answer"
    )


def test_placed_authors_are_placed_once_and_cannot_answer_again() -> None:
    placed = prework.PreworkPlaced(
        placement_id="p1", placed=(prework.Placed(author="ana", board_id="b1"),)
    )
    again = prework.PlacePrework(placement_id="p2", plan=placed.placed)
    history = (SURVEY, placed)
    given(prework.DECIDER, *history).when(again, by=FACILITATOR).then_nothing()
    given(prework.DECIDER, *history).when(answer("2026-11-01", city="x"), by=ANA).then_refused(
        InvalidCommand, "prework_placed"
    )


def test_a_survey_makes_a_note_per_answer_and_a_card_one_note_with_fields() -> None:
    state = prework.DECIDER.fold(
        [
            SURVEY,
            prework.PreworkAnswered(
                author="ana", answers=said(city="Lyon", challenge="Heat"), by="ana"
            ),
        ]
    )
    plan = prework.plan_notes(state, "p1", {"ana": "b1"}, {"b1": 100.0})
    assert [(n.text, n.author, n.y) for n in plan["b1"]] == [
        ("Lyon", "ana", 100.0),
        ("Heat", "ana", 100.0),
    ]
    assert plan["b1"][0].x != plan["b1"][1].x
    card = prework.DECIDER.fold(
        [
            CARD,
            prework.PreworkAnswered(
                author="ana", answers=said(city="Lyon", title="Roofs"), by="ana"
            ),
        ]
    )
    (note,) = prework.plan_notes(card, "p1", {"ana": "b1"}, {})["b1"]
    assert note.text == "Roofs"
    assert [(f.label, f.text) for f in note.fields] == [("City", "Lyon"), ("Title", "Roofs")]


def test_answers_go_to_the_group_board_else_the_plenary() -> None:
    people = workshop.DECIDER.fold(
        [
            workshop.WorkshopCreated(
                workshop_id="w", title="W", kind="challenges", facilitator="f"
            ),
            workshop.BoardAdded(board_id="plen", title="P", kind="plenary"),
            workshop.BoardAdded(board_id="b1", title="A", kind="breakout"),
            workshop.GroupCreated(group_id="g1", name="A", board_id="b1"),
            *(
                workshop.ParticipantJoined(actor_id=a, name=a, organisation="", role="participant")
                for a in ("ana", "ben", "gone")
            ),
            workshop.ParticipantAssigned(actor_id="ana", group_id="g1"),
            workshop.ParticipantRemoved(actor_id="gone"),
        ]
    )
    targets = prework.target_boards(people, ["ana", "ben", "gone", "invited"])
    assert targets == {"ana": "b1", "ben": "plen", "invited": "plen"}


CREATED = board.BoardCreated(board_id="b1", workshop_id="w", title="A")
PLACED = board.PlacedNote(
    note_id="pw1",
    author="ana",
    text="Roofs",
    x=0,
    y=0,
    fields=(board.NoteField(key="city", label="City", text="Lyon"),),
)


def test_placing_notes_starts_private_writing_and_records_them_as_their_authors() -> None:
    given(board.DECIDER, CREATED).when(board.PlaceNotes(notes=(PLACED,)), by=FACILITATOR).then(
        facilitation.PrivateWritingStarted(),
        board.NoteAdded(
            note_id="pw1",
            text="Roofs",
            x=0,
            y=0,
            colour="yellow",
            author="ana",
            private_to="ana",
            fields=PLACED.fields,
        ),
    )


def test_the_reveal_carries_a_cards_fields() -> None:
    history = (
        CREATED,
        *board.decide(board.fold([CREATED]), board.PlaceNotes(notes=(PLACED,)), FACILITATOR),
    )
    (revealed,) = (
        given(board.DECIDER, *history)
        .when(facilitation.RevealNotes(), by=FACILITATOR)
        .then_accepted()
    )
    assert isinstance(revealed, facilitation.NotesRevealed)
    assert revealed.notes[0].fields == PLACED.fields
    assert revealed.notes[0].author == "ana"


def test_an_old_note_event_without_fields_still_decodes() -> None:
    old = (
        b'{"type":"note.added","note_id":"n1","text":"t","x":0.0,"y":0.0,'
        b'"colour":"yellow","author":"a","private_to":null}'
    )
    event = board.DECIDER.decode_event(old)
    assert isinstance(event, board.NoteAdded)
    assert event.fields == ()
