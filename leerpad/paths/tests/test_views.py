"""The learner's and coach's pages through the test client: what each shows, who may open
it, and the actions behind their buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leerpad.accounts.models import JobRole, Person
from leerpad.catalog.models import Registration
from leerpad.catalog.tracking import activity_id
from leerpad.paths import services
from leerpad.paths.models import Enrolment, Invitation, Path, SignOff, Step
from leerpad.paths.tests.learner_helpers import (
    Capture,
    article,
    complete,
    make_path,
    package,
    quiz,
    session_item,
    steps_of,
)

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


def page(client: Client, url: str, **kwargs: Any) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def step_url(path: Path, index: int, action: str = "") -> str:
    step = steps_of(path)[index]
    return f"/paths/{path.key}/steps/{step.uid}/{action + '/' if action else ''}"


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/paths/", "/paths/welkom/", "/paths/signoffs/", "/paths/welkom/invite/"]
)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, url: str) -> None:
    make_path("welkom", [{"item": article()}])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_step_pages_need_a_login_too(client: Client) -> None:
    path = make_path("welkom", [{"item": article()}])
    response = client.get(step_url(path, 0))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_drafts_and_unknown_paths_are_not_found(client_for: ClientFor, lena: Person) -> None:
    make_path("klad", [{"item": article()}], published=False)
    client = client_for(lena)
    assert client.get("/paths/klad/").status_code == 404
    assert client.get("/paths/bestaat-niet/").status_code == 404


# --- the list ------------------------------------------------------------------------------


def test_the_list_is_empty_at_first(client_for: ClientFor, lena: Person) -> None:
    html = page(client_for(lena), "/paths/")
    assert "No learning paths are published yet" in html
    assert "My paths" not in html


def test_the_list_shows_mine_on_top_badges_and_search(client_for: ClientFor, lena: Person) -> None:
    make_path("verkoop", [{"item": article()}], titles={"nl": "Verkopen aan de kassa"})
    mine = make_path("welkom", [{"item": article("Welkom")}], titles={"nl": "Welkom in de winkel"})
    meant = make_path("voor-jou", [{"item": article("Rol")}], titles={"nl": "Voor verkopers"})
    assert lena.job_role is not None
    meant.current.audience_roles.add(lena.job_role)  # type: ignore[union-attr]
    meant.current.audience_roles.add(JobRole.objects.create(name="Other"))  # type: ignore[union-attr]
    make_path("klad", [{"item": article("Klad")}], titles={"nl": "Nog niet klaar"}, published=False)
    services.enrol(lena, mine)
    client = client_for(lena)

    html = page(client, "/paths/")
    assert html.index("My paths") < html.index("All paths")
    assert html.index("Welkom in de winkel") < html.index("All paths")
    assert "Verkopen aan de kassa" in html and "Nog niet klaar" not in html
    assert html.count("For your role") == 1
    assert "3 paths" in html

    found = page(client, "/paths/?q=kassa", headers={"HX-Request": "true"})
    assert "Verkopen aan de kassa" in found and "Voor verkopers" not in found
    assert "<html" not in found
    assert "No path matches" in page(client, "/paths/?q=onbestaand")


def test_the_list_pages(client_for: ClientFor, lena: Person) -> None:
    for i in range(14):
        make_path(f"pad-{i:02d}", [{"item": article(f"Item {i}")}])
    client = client_for(lena)
    assert "Page 1 of 2" in page(client, "/paths/")
    assert page(client, "/paths/?page=2").count('class="path-card"') == 2


# --- the path page -------------------------------------------------------------------------


def _rich_path() -> Path:
    return make_path(
        "winkel",
        [
            {"item": article("Welkom in het team", minutes=20)},
            {"item": article("Kassa via video", minutes=30), "branch": 1},
            {"item": article("Kassa via tekst", minutes=50), "branch": 1},
            {"item": article("Klanten helpen", minutes=30), "needs": [0]},
            {"item": article("Extra: etalage", minutes=15), "optional": True},
        ],
        titles={"nl": "Je eerste weken", "en": "Your first weeks"},
        summaries={"nl": "Alles voor een goede start."},
    )


def test_before_enrolling_the_page_offers_to_enrol(client_for: ClientFor, lena: Person) -> None:
    path = _rich_path()
    html = page(client_for(lena), "/paths/winkel/")
    assert "Your first weeks" in html  # the page speaks the visitor's language (English here)
    assert f'action="/paths/{path.key}/enrol/"' in html
    assert "Continue" not in html
    assert "1 h 20 min" in html  # 20 + the quickest alternative (30) + 30 required


def test_the_path_page_shows_where_i_am_what_is_next_and_how_long(
    client_for: ClientFor, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    path = _rich_path()
    client = client_for(lena)
    response = client.post("/paths/winkel/enrol/")
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person=lena)
    first = steps_of(path)[0]
    complete(django_capture_on_commit_callbacks, lena, activity_id(first.item))  # type: ignore[arg-type]

    html = page(client, "/paths/winkel/")
    assert "33%" in html and "1 of 5 steps done" in html
    assert "About 1 h left" in html
    # Continue goes to the next open step: the first alternative of the branch.
    assert f'href="{step_url(path, 1)}">Continue' in html
    assert "One of these" in html and "Optional" in html
    assert "Welkom in het team" in html
    assert 'id="reminders"' in html and "Leave the path" in html
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_locked_steps_say_what_they_wait_for(client_for: ClientFor, lena: Person) -> None:
    _rich_path()
    html = page(client_for(lena), "/paths/winkel/")
    waits = html.index("Waits for:")
    assert "Welkom in het team" in html[waits : waits + 200]
    assert "Locked" in html


def test_the_path_page_query_count_does_not_grow_with_steps(
    client_for: ClientFor,
    lena: Person,
    cas: Person,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    def build(key: str, count: int) -> None:
        specs: list[dict[str, Any]] = []
        for i in range(count):
            kind = i % 4
            if kind == 0:
                specs.append({"item": article(f"{key} artikel {i}"), "needs": [i - 1] if i else []})
            elif kind == 1:
                specs.append({"kind": Step.Kind.QUIZ, "quiz": quiz(f"{key}-quiz-{i}"), "branch": i})
            elif kind == 2:
                specs.append({"kind": Step.Kind.ASSIGNMENT, "titles": {"nl": f"Opdracht {i}"}})
            else:
                specs.append(
                    {"item": package(f"{key} pakket {i}", f"https://tool.example/{key}/{i}")}
                )
        services.enrol(lena, make_path(key, specs))

    build("klein", 4)
    build("groot", 24)
    client = client_for(lena)
    client.get("/paths/klein/")  # warm up what is cached per process
    with CaptureQueriesContext(connection) as small:
        page(client, "/paths/klein/")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page(client, "/paths/groot/")


# --- enrol, pause, leave, reminders ---------------------------------------------------------


def test_pause_resume_and_leave_with_a_confirmation(client_for: ClientFor, lena: Person) -> None:
    make_path("pauze", [{"item": article()}])
    client = client_for(lena)
    client.post("/paths/pauze/enrol/")
    client.post("/paths/pauze/pause/")
    enrolment = Enrolment.objects.get(person=lena)
    assert enrolment.status == Enrolment.Status.PAUSED
    assert "Resume" in page(client, "/paths/pauze/")
    client.post("/paths/pauze/resume/")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    confirm = page(client, "/paths/pauze/leave/")
    assert "Leave the path?" in confirm and 'method="post"' in confirm
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE  # asking is not leaving
    client.post("/paths/pauze/leave/")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.LEFT
    assert "Enrol again" in page(client, "/paths/pauze/")


def test_actions_on_a_path_one_does_not_follow_are_not_found(
    client_for: ClientFor, lena: Person
) -> None:
    make_path("niet-van-mij", [{"item": article()}])
    client = client_for(lena)
    assert client.post("/paths/niet-van-mij/pause/").status_code == 404
    assert client.get("/paths/niet-van-mij/leave/").status_code == 404
    assert client.get("/paths/niet-van-mij/enrol/").status_code == 405


def test_reminders_form_saves_and_rejects_a_past_date(client_for: ClientFor, lena: Person) -> None:
    make_path("herinner", [{"item": article()}])
    client = client_for(lena)
    client.post("/paths/herinner/enrol/")
    soon = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        "/paths/herinner/reminders/", {"reminder": "fortnightly", "target_date": soon.isoformat()}
    )
    enrolment = Enrolment.objects.get(person=lena)
    assert enrolment.reminder == "fortnightly" and enrolment.target_date == soon
    assert enrolment.next_reminder_at is not None
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        "/paths/herinner/reminders/",
        {"reminder": "weekly", "target_date": past.isoformat()},
        follow=True,
    )
    assert "not in the past" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.target_date == soon
    home = page(client, "/")
    assert "Due soon" in home


# --- steps ---------------------------------------------------------------------------------


def test_an_item_step_is_marked_done_with_its_button(
    client_for: ClientFor, lena: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    path = make_path("lezen", [{"item": article("Lees dit")}, {"item": article("En dit")}])
    client = client_for(lena)
    client.post("/paths/lezen/enrol/")
    html = page(client, step_url(path, 0))
    assert "Lees dit" in html and "Mark as done" in html
    assert f'href="/catalogue/{steps_of(path)[0].item_id}/?via=path"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(path, 0, "done"))
    assert response.status_code == 302
    html = page(client, "/paths/lezen/")
    assert "1 of 2 steps done" in html
    assert "Mark as done" not in page(client, step_url(path, 0))


def test_an_items_page_says_which_step_of_my_path_it_is(
    client_for: ClientFor,
    lena: Person,
    cas: Person,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    path = make_path("lezen", [{"item": article("Lees dit")}, {"item": article("En dit")}])
    first, second = (s.item_id for s in steps_of(path))
    client = client_for(lena)
    assert "in your path" not in page(client, f"/catalogue/{second}/")  # not enrolled yet
    client.post("/paths/lezen/enrol/")
    html = page(client, f"/catalogue/{second}/")
    assert "Step 2 of 2 in your path" in html
    assert "Mark as done" in html and "Back to the path" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url(path, 0, "done"))
    html = page(client, f"/catalogue/{first}/")
    assert "Step 1 of 2 in your path" in html and "Mark as done" not in html
    # Someone else reading the same item sees nothing of Lena's path.
    assert "in your path" not in page(client_for(cas), f"/catalogue/{first}/")


def test_a_package_step_explains_it_counts_by_itself(client_for: ClientFor, lena: Person) -> None:
    path = make_path("pakket", [{"item": package()}])
    client = client_for(lena)
    client.post("/paths/pakket/enrol/")
    html = page(client, step_url(path, 0))
    assert "counts as done by itself" in html and "Mark as done" not in html
    assert client.post(step_url(path, 0, "done"), follow=True).status_code == 200
    assert Enrolment.objects.get(person=lena).status == Enrolment.Status.ACTIVE


def test_a_quiz_step_links_to_the_quiz_with_the_registration(
    client_for: ClientFor, lena: Person
) -> None:
    path = make_path("quizpad", [{"kind": Step.Kind.QUIZ, "quiz": quiz("veilig")}])
    client = client_for(lena)
    client.post("/paths/quizpad/enrol/")
    registration = Enrolment.objects.get(person=lena).registration
    html = page(client, step_url(path, 0))
    assert f"/quizzes/veilig/?registration={registration}" in html


def test_a_session_step_shows_dates_and_how_attendance_counts(
    client_for: ClientFor, lena: Person
) -> None:
    training = session_item("Kassatraining", days=5)
    path = make_path("sessie", [{"kind": Step.Kind.SESSION, "item": training}])
    client = client_for(lena)
    client.post("/paths/sessie/enrol/")
    html = page(client, step_url(path, 0))
    assert f'href="/catalogue/{training.pk}/?via=path#sessions"' in html
    assert "your coach confirms that you attended" in html
    assert "<time" in html


def test_assignment_sign_off_from_request_to_done(
    client_for: ClientFor, lena: Person, cas: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    path = make_path(
        "opdracht",
        [
            {
                "kind": Step.Kind.ASSIGNMENT,
                "titles": {"en": "Hold a feedback talk"},
                "instructions": {"en": "Plan it with a colleague."},
            }
        ],
    )
    client = client_for(lena)
    client.post("/paths/opdracht/enrol/")
    html = page(client, step_url(path, 0))
    assert "Plan it with a colleague." in html and "Ask my coach to sign off" in html
    client.post(step_url(path, 0, "signoff"), {"note": "Gedaan op dinsdag."})
    signoff = SignOff.objects.get()
    assert "Waiting for your coach" in page(client, step_url(path, 0))

    assert client.get("/paths/signoffs/").status_code == 403  # Lena is no coach
    coach = client_for(cas)
    html = page(coach, "/paths/signoffs/")
    assert "Gedaan op dinsdag." in html and "Lena Test" in html
    response = coach.post(
        f"/paths/signoffs/{signoff.pk}/", {"decision": "return", "comment": ""}, follow=True
    )
    assert "still missing" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(f"/paths/signoffs/{signoff.pk}/", {"decision": "sign", "comment": "Top"})
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.SIGNED
    assert Enrolment.objects.get(person=lena).status == Enrolment.Status.COMPLETED
    assert "No requests waiting" in page(coach, "/paths/signoffs/")


def test_another_coach_cannot_decide(
    client_for: ClientFor, lena: Person, cas: Person, make_person: Callable[..., Person]
) -> None:
    from leerpad.core.access import Role

    path = make_path("ander", [{"kind": Step.Kind.ASSIGNMENT, "titles": {"en": "Do it"}}])
    enrolment = services.enrol(lena, path)
    signoff = services.request_signoff(enrolment, steps_of(path)[0], "Klaar")
    other = make_person("Otto", Role.COACH)
    client = client_for(other)
    assert "Klaar" not in page(client, "/paths/signoffs/")
    assert client.post(f"/paths/signoffs/{signoff.pk}/", {"decision": "sign"}).status_code == 404


def test_a_learner_without_a_coach_is_told_so(
    client_for: ClientFor, make_person: Callable[..., Person]
) -> None:
    alone = make_person("Ali")
    path = make_path("alleen", [{"kind": Step.Kind.ASSIGNMENT, "titles": {"en": "Do it"}}])
    client = client_for(alone)
    client.post("/paths/alleen/enrol/")
    assert "You have no coach in Leerpad yet" in page(client, step_url(path, 0))


def test_a_coach_confirms_attendance_from_the_list(
    client_for: ClientFor, lena: Person, cas: Person, django_capture_on_commit_callbacks: Capture
) -> None:
    training = session_item("Kassatraining", days=-1)
    path = make_path("aanwezig", [{"kind": Step.Kind.SESSION, "item": training}])
    enrolment = services.enrol(lena, path)
    Registration.objects.create(
        session=training.sessions.get(), person=lena, state=Registration.State.REGISTERED
    )
    coach = client_for(cas)
    html = page(coach, "/paths/signoffs/")
    assert "Kassatraining" in html and "Sessions to confirm" in html
    bad = {"enrolment": enrolment.pk, "step": "not-a-uid"}
    assert coach.post("/paths/signoffs/attended/", bad).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(
            "/paths/signoffs/attended/", {"enrolment": enrolment.pk, "step": steps_of(path)[0].uid}
        )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert "No sessions to confirm" in page(coach, "/paths/signoffs/")


# --- invitations ---------------------------------------------------------------------------


def test_invitations_from_coach_to_learner(
    client_for: ClientFor, lena: Person, cas: Person
) -> None:
    make_path("voorstel", [{"item": article()}], titles={"en": "Giving feedback"})
    assert client_for(lena).get("/paths/voorstel/invite/").status_code == 403

    coach = client_for(cas)
    form = page(coach, "/paths/voorstel/invite/")
    assert f'<option value="{lena.pk}">' in form
    response = coach.post("/paths/voorstel/invite/", {"person": lena.pk, "reason": ""})
    assert response.status_code == 200 and not Invitation.objects.exists()
    coach.post(
        "/paths/voorstel/invite/", {"person": lena.pk, "reason": "Je vroeg erom in ons gesprek."}
    )
    invitation = Invitation.objects.get()

    learner = client_for(lena)
    for url in ("/paths/", "/paths/voorstel/", "/"):
        html = page(learner, url)
        assert "Je vroeg erom in ons gesprek." in html and "Cas Test" in html
    learner.post(f"/paths/invitations/{invitation.pk}/accept/")
    enrolment = Enrolment.objects.get(person=lena)
    assert enrolment.via == Enrolment.Via.INVITATION
    assert "Je vroeg erom" not in page(learner, "/paths/")


def test_l_and_d_invites_anyone_by_e_mail_address(
    client_for: ClientFor, dirk: Person, mira: Person
) -> None:
    make_path("iedereen", [{"item": article()}])
    client = client_for(dirk)
    assert 'type="email"' in page(client, "/paths/iedereen/invite/")
    client.post(
        "/paths/iedereen/invite/", {"person": "nobody@example.test", "reason": "Waarom niet"}
    )
    assert not Invitation.objects.exists()
    client.post(
        "/paths/iedereen/invite/", {"person": mira.email.upper(), "reason": "Voor de campagne."}
    )
    assert Invitation.objects.get().person == mira


def test_declining_from_home_returns_home(client_for: ClientFor, lena: Person, cas: Person) -> None:
    path = make_path("nee", [{"item": article()}])
    invitation = services.invite(cas, lena, path, "Misschien iets voor jou")
    response = client_for(lena).post(
        f"/paths/invitations/{invitation.pk}/decline/", {"next": "home"}
    )
    assert response["Location"] == "/"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    # Someone else's invitation is not found.
    assert client_for(cas).post(f"/paths/invitations/{invitation.pk}/accept/").status_code == 404


# --- home ----------------------------------------------------------------------------------


def test_home_continue_panel_lists_active_paths_with_their_next_step(
    client_for: ClientFor, lena: Person
) -> None:
    path = make_path(
        "verder", [{"item": article("Eerste stap", minutes=45)}], titles={"en": "Carry on"}
    )
    client = client_for(lena)
    assert "Continue where you left off" not in page(client, "/")
    services.enrol(lena, path)
    html = page(client, "/")
    assert "Continue where you left off" in html and "Carry on" in html
    assert "Next: Eerste stap" in html and "45 min left" in html
    assert step_url(path, 0) in html


def test_home_shows_coaches_what_waits_for_them(
    client_for: ClientFor, lena: Person, cas: Person
) -> None:
    path = make_path("wacht", [{"kind": Step.Kind.ASSIGNMENT, "titles": {"en": "Do it"}}])
    enrolment = services.enrol(lena, path)
    services.request_signoff(enrolment, steps_of(path)[0], "Klaar")
    assert "Waiting for your sign-off" in page(client_for(cas), "/")


def test_the_continue_tag_renders_anywhere(rf: Any, lena: Person) -> None:
    from django.template import Context, Template

    path = make_path("strook", [{"item": article("Eerste stap")}], titles={"en": "Strip"})
    template = Template("{% load paths_extras %}{% continue_learning limit=2 %}")
    request = rf.get("/")
    request.user = lena
    assert "Strip" not in template.render(Context({"request": request}))
    services.enrol(lena, path)
    html = template.render(Context({"request": request}))
    assert "Strip" in html and step_url(path, 0) in html
