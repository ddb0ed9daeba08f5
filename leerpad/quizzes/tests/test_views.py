"""The quiz pages through the test client: the learner's flow and the L&D bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.lrs.models import Statement
from leerpad.quizzes import services
from leerpad.quizzes.models import Attempt, Question, Quiz, QuizQuestion
from leerpad.quizzes.tests.helpers import make_question, make_quiz, make_skill, right, wrong

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def _quiz() -> tuple[Quiz, Question, Question]:
    skill = make_skill()
    single = make_question(
        skill,
        "Lift with?",
        answers=[("Legs", True), ("Back", False)],
        explanation="The legs are the strongest muscles.",
        feedback={"Back": "The back is easily hurt."},
    )
    multiple = make_question(
        skill,
        "Safe habits?",
        kind="multiple",
        answers=[("Close", True), ("Far", False), ("Slow", True)],
    )
    return make_quiz(questions=[single, multiple], skill=skill, pass_percent=50), single, multiple


# --- access ----------------------------------------------------------------------------------


def test_pages_need_a_login(client: Client) -> None:
    quiz, _, _ = _quiz()
    for url in (quiz.get_absolute_url(), "/quizzes/manage/", "/quizzes/manage/banks/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login" in response["Location"]


def test_bank_and_quiz_management_are_for_ld_only(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    quiz, single, _ = _quiz()
    skill = single.skill
    gets = [
        "/quizzes/manage/",
        "/quizzes/manage/new",
        "/quizzes/manage/banks/",
        f"/quizzes/manage/banks/{skill.key}/",
        f"/quizzes/manage/banks/{skill.key}/new",
        f"/quizzes/manage/questions/{single.pk}/",
        f"/quizzes/manage/questions/{single.pk}/deactivate",
        f"/quizzes/manage/{quiz.key}/",
        f"/quizzes/manage/{quiz.key}/pick",
    ]
    posts = [
        f"/quizzes/manage/questions/{single.pk}/deactivate",
        f"/quizzes/manage/questions/{single.pk}/activate",
        f"/quizzes/manage/{quiz.key}/add",
        f"/quizzes/manage/{quiz.key}/{single.pk}/move",
        f"/quizzes/manage/{quiz.key}/{single.pk}/remove",
        f"/quizzes/manage/{quiz.key}/reorder",
    ]
    learner = client_for(lena)
    for url in gets:
        assert learner.get(url).status_code == 403, url
    for url in posts:
        assert learner.post(url).status_code == 403, url
    assert Question.objects.get(pk=single.pk).is_active
    assert QuizQuestion.objects.filter(quiz=quiz).count() == 2
    specialist = client_for(dirk)
    for url in gets:
        assert specialist.get(url).status_code == 200, url


# --- the learner's flow ----------------------------------------------------------------------


def test_take_a_quiz_from_start_to_result(client_for: ClientFor, lena: Person) -> None:
    quiz, single, multiple = _quiz()
    client = client_for(lena)
    page = client.get(quiz.get_absolute_url()).content.decode()
    assert "Lifting check" in page and "Start the quiz" in page and "50%" in page

    start = client.post(f"/quizzes/{quiz.key}/start")
    attempt = Attempt.objects.get(person=lena)
    assert start["Location"] == f"/quizzes/attempts/{attempt.uid}/"
    form = client.get(start["Location"]).content.decode()
    assert f'type="radio" name="q{single.pk}"' in form
    assert f'type="checkbox" name="q{multiple.pk}"' in form

    back = next(c for c in single.choices.all() if not c.correct)
    sent = client.post(
        start["Location"], {f"q{single.pk}": [back.pk], f"q{multiple.pk}": right(multiple)}
    )
    assert sent.status_code == 302
    assert sent["Location"] == f"/quizzes/attempts/{attempt.uid}/result"
    result = client.get(sent["Location"]).content.decode()
    assert "1 of 2 right (50%)" in result and "Passed" in result
    assert "The back is easily hurt." in result  # feedback of the chosen answer
    assert "The legs are the strongest muscles." in result  # the explanation
    assert "Back to the path" not in result
    # A finished attempt's page leads to its result.
    assert client.get(start["Location"])["Location"].endswith("/result")


def test_the_attempt_is_shown_in_the_persons_language(client_for: ClientFor, lena: Person) -> None:
    quiz, _single, _ = _quiz()
    client = client_for(lena)
    client.cookies["leerpad_language"] = "nl"
    start = client.post(f"/quizzes/{quiz.key}/start")
    page = client.get(start["Location"]).content.decode()
    assert "NL Lift with?" in page and "NL Legs" in page
    assert ">Lift with?<" not in page


def test_missing_answers_show_errors_and_store_nothing(client_for: ClientFor, lena: Person) -> None:
    quiz, single, _multiple = _quiz()
    client = client_for(lena)
    start = client.post(f"/quizzes/{quiz.key}/start")
    response = client.post(start["Location"], {f"q{single.pk}": right(single)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose an answer." in page
    assert f'value="{right(single)[0]}" checked' in page  # what was chosen stays chosen
    attempt = Attempt.objects.get(person=lena)
    assert attempt.finished_at is None
    assert not Statement.objects.exists()


def test_someone_elses_attempt_does_not_exist(
    client_for: ClientFor, lena: Person, dirk: Person
) -> None:
    quiz, single, _ = _quiz()
    attempt = services.start_attempt(quiz, lena)
    client = client_for(dirk)
    assert client.get(f"/quizzes/attempts/{attempt.uid}/").status_code == 404
    assert (
        client.post(
            f"/quizzes/attempts/{attempt.uid}/", {f"q{single.pk}": right(single)}
        ).status_code
        == 404
    )
    assert client.get(f"/quizzes/attempts/{attempt.uid}/result").status_code == 404


def test_a_damaged_registration_is_refused(client_for: ClientFor, lena: Person) -> None:
    quiz, _, _ = _quiz()
    client = client_for(lena)
    response = client.get(f"{quiz.get_absolute_url()}?registration=not-a-uuid")
    assert response.status_code == 400
    assert "Start the quiz" not in response.content.decode()
    client.post(f"/quizzes/{quiz.key}/start", {"registration": "12345"})
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    ("next_url", "shown"),
    [
        ("/paths/lifting/", True),
        ("https://evil.example/phish", False),
        ("//evil.example/phish", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_local_next_links_are_followed(
    client_for: ClientFor, lena: Person, next_url: str, shown: bool
) -> None:
    quiz, single, multiple = _quiz()
    client = client_for(lena)
    page = client.get(quiz.get_absolute_url(), {"next": next_url}).content.decode()
    assert ("Back to the path" in page) is shown
    if not shown:
        # (The language switcher echoes the whole address, escaped; that is not a link.)
        assert f'href="{next_url}"' not in page and f'value="{next_url}"' not in page
    attempt = services.start_attempt(quiz, lena)
    services.submit(attempt, {single.pk: right(single), multiple.pk: wrong(multiple)})
    result = client.get(f"/quizzes/attempts/{attempt.uid}/result", {"next": next_url})
    assert ('href="/paths/lifting/"' in result.content.decode()) is shown


def test_an_open_attempt_can_be_continued(client_for: ClientFor, lena: Person) -> None:
    quiz, _, _ = _quiz()
    attempt = services.start_attempt(quiz, lena)
    page = client_for(lena).get(quiz.get_absolute_url()).content.decode()
    assert f"/quizzes/attempts/{attempt.uid}/" in page and "Continue where you left off" in page


# --- L&D: the bank ---------------------------------------------------------------------------


def _question_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "single",
        "text_en": "Where do you stand?",
        "text_nl": "Waar sta je?",
        "explanation_en": "Close to the load.",
        "choices-TOTAL_FORMS": "4",
        "choices-INITIAL_FORMS": "0",
        "choices-0-text_en": "Close",
        "choices-0-correct": "on",
        "choices-0-feedback_en": "Yes.",
        "choices-1-text_en": "Far",
        "choices-2-text_nl": "Ver weg",
    }
    data.update(overrides)
    return data


def test_create_a_question_with_its_answers(client_for: ClientFor, dirk: Person) -> None:
    skill = make_skill()
    response = client_for(dirk).post(f"/quizzes/manage/banks/{skill.key}/new", _question_form())
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.skill == skill and question.created_by == dirk
    assert question.texts == {"en": "Where do you stand?", "nl": "Waar sta je?"}
    assert [(c.texts, c.correct) for c in question.choices.all()] == [
        ({"en": "Close"}, True),
        ({"en": "Far"}, False),
        ({"nl": "Ver weg"}, False),
    ]
    assert response["Location"] == f"/quizzes/manage/questions/{question.pk}/"


def test_an_invalid_question_saves_nothing(client_for: ClientFor, dirk: Person) -> None:
    skill = make_skill()
    response = client_for(dirk).post(
        f"/quizzes/manage/banks/{skill.key}/new", _question_form(**{"choices-1-correct": "on"})
    )
    assert response.status_code == 400
    assert "exactly one right answer" in response.content.decode()
    assert not Question.objects.exists()


def test_edit_a_question_and_remove_an_answer(client_for: ClientFor, dirk: Person) -> None:
    question = make_question(make_skill())
    a, b, c = question.choices.all()
    data = {
        "kind": "single",
        "text_en": "Edited?",
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "3",
        "choices-0-id": a.pk,
        "choices-0-text_en": "Right",
        "choices-0-correct": "on",
        "choices-1-id": b.pk,
        "choices-1-text_en": "Wrong",
        "choices-2-id": c.pk,
        "choices-2-text_en": "Also wrong",
        "choices-2-DELETE": "on",
    }
    response = client_for(dirk).post(f"/quizzes/manage/questions/{question.pk}/", data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.texts == {"en": "Edited?"}
    assert [ch.pk for ch in question.choices.all()] == [a.pk, b.pk]


def test_deactivate_asks_first(client_for: ClientFor, dirk: Person) -> None:
    quiz, single, _ = _quiz()
    client = client_for(dirk)
    confirm = client.get(f"/quizzes/manage/questions/{single.pk}/deactivate").content.decode()
    assert "Take this question out of use?" in confirm and quiz.title() in confirm
    assert Question.objects.get(pk=single.pk).is_active
    client.post(f"/quizzes/manage/questions/{single.pk}/deactivate")
    assert not Question.objects.get(pk=single.pk).is_active
    assert Question.objects.filter(pk=single.pk).exists()


def test_banks_list_skills_with_counts_and_an_empty_state(
    client_for: ClientFor, dirk: Person
) -> None:
    client = client_for(dirk)
    assert "No bank has questions yet." in client.get("/quizzes/manage/banks/").content.decode()
    skill = make_skill()
    make_question(skill, "One")
    services.deactivate_question(make_question(skill, "Two"))
    make_skill("empty-skill", "Nobody asked")
    page = client.get("/quizzes/manage/banks/").content.decode()
    assert "Safe lifting" in page and "Nobody asked" not in page
    assert "<td>1</td>" in page  # one in use, one not
    found = client.get("/quizzes/manage/banks/", {"q": "nobody"}).content.decode()
    assert "Nobody asked" in found


def test_question_stats_need_k_people(
    client_for: ClientFor, dirk: Person, make_person: Callable[..., Person], settings: Any
) -> None:
    settings.LEERPAD_MIN_GROUP_SIZE = 3
    quiz, single, multiple = _quiz()
    people = [make_person(f"P{i}") for i in range(3)]
    for index, person in enumerate(people[:2]):
        services.submit(
            services.start_attempt(quiz, person),
            {single.pk: right(single) if index else wrong(single), multiple.pk: right(multiple)},
        )
    client = client_for(dirk)
    bank = client.get(f"/quizzes/manage/banks/{single.skill.key}/").content.decode()
    assert "fewer than 3 answers" in bank and "people answered" not in bank
    detail = client.get(f"/quizzes/manage/questions/{single.pk}/").content.decode()
    assert "Fewer than 3 people answered" in detail
    services.submit(
        services.start_attempt(quiz, people[2]),
        {single.pk: right(single), multiple.pk: right(multiple)},
    )
    bank = client.get(f"/quizzes/manage/banks/{single.skill.key}/").content.decode()
    assert "3 people answered · 67% right" in bank
    detail = client.get(f"/quizzes/manage/questions/{single.pk}/").content.decode()
    assert "Fewer than 3 people" not in detail and "66%" in detail  # 2 of 3 chose "Legs"


# --- L&D: quizzes ----------------------------------------------------------------------------


def test_create_a_quiz_and_pick_its_questions(client_for: ClientFor, dirk: Person) -> None:
    skill = make_skill()
    a, b = make_question(skill, "A?"), make_question(skill, "B?")
    client = client_for(dirk)
    response = client.post(
        "/quizzes/manage/new",
        {
            "key": "forklift",
            "title_en": "Forklift",
            "intro_nl": "Korte test.",
            "skill": skill.key,
            "pass_percent": "80",
            "draw_from_bank": "0",
            "evidence_level": "3",
        },
    )
    assert response.status_code == 302
    quiz = Quiz.objects.get(key="forklift")
    assert (quiz.titles, quiz.intros, quiz.skill, quiz.pass_percent, quiz.evidence_level) == (
        {"en": "Forklift"},
        {"nl": "Korte test."},
        skill,
        80,
        3,
    )
    assert quiz.created_by == dirk
    page = client.get(response["Location"]).content.decode()
    assert "A?" in page and 'name="questions"' in page
    client.post(f"/quizzes/manage/{quiz.key}/add", {"questions": [b.pk, a.pk]})
    assert services.quiz_question_ids(quiz) == [b.pk, a.pk]
    client.post(f"/quizzes/manage/{quiz.key}/{a.pk}/move", {"direction": "up"})
    assert services.quiz_question_ids(quiz) == [a.pk, b.pk]
    client.post(f"/quizzes/manage/{quiz.key}/reorder", {"order": [b.pk, a.pk]})
    assert services.quiz_question_ids(quiz) == [b.pk, a.pk]
    client.post(f"/quizzes/manage/{quiz.key}/{b.pk}/remove")
    assert services.quiz_question_ids(quiz) == [a.pk]


def test_quiz_form_errors_save_nothing(client_for: ClientFor, dirk: Person) -> None:
    response = client_for(dirk).post(
        "/quizzes/manage/new",
        {
            "key": "attempts",
            "title_en": "X",
            "pass_percent": "70",
            "draw_from_bank": "2",
            "evidence_level": "2",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "reserved" in page
    assert not Quiz.objects.exists()


def test_quiz_list_paginates_and_has_an_empty_state(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    assert "There are no quizzes yet." in client.get("/quizzes/manage/").content.decode()
    for i in range(26):
        make_quiz(f"quiz-{i:02d}")
    first = client.get("/quizzes/manage/").content.decode()
    assert "quiz-00" in first and "quiz-25" not in first and "Page 1 of 2" in first
    assert "quiz-25" in client.get("/quizzes/manage/", {"page": 2}).content.decode()


def test_a_refused_record_keeps_the_answers_on_the_page(
    client_for: ClientFor, lena: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leerpad.lrs import services as lrs_services

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise lrs_services.XapiValidationError("refused", path="statement")

    monkeypatch.setattr(lrs_services, "record_statements", refuse)
    quiz, single, multiple = _quiz()
    client = client_for(lena)
    start = client.post(f"/quizzes/{quiz.key}/start")
    response = client.post(
        start["Location"], {f"q{single.pk}": right(single), f"q{multiple.pk}": right(multiple)}
    )
    assert response.status_code == 503
    assert "could not be saved" in response.content.decode()
    assert f'value="{right(single)[0]}" checked' in response.content.decode()
    assert Attempt.objects.get(person=lena).finished_at is None
