"""The path builder's pages: who may use them, the whole journey, and refused input."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem
from leerpad.catalog.tests.ui_helpers import make_item
from leerpad.paths import services
from leerpad.paths import services_builder as builder
from leerpad.paths.models import Enrolment, Path, PathVersion, Step
from leerpad.quizzes.models import Quiz
from leerpad.search import service as search_service

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]
HTMX = {"HX-Request": "true"}
BASE = "/paths/manage/"


def _indexed(title: str, **fields: object) -> ContentItem:
    item = make_item(title, **fields)  # type: ignore[arg-type]
    search_service.index_items([item.pk])
    return item


def _order(version: PathVersion) -> list[int]:
    return list(
        Step.objects.filter(version=version).order_by("position", "id").values_list("pk", flat=True)
    )


def _new_path(dirk: Person, key: str = "kassa") -> tuple[Path, PathVersion]:
    path = builder.create_path(key, {"nl": "Kassa leren"}, by=dirk)
    draft = builder.current_draft(path)
    assert draft is not None
    return path, draft


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- who may use it --------------------------------------------------------------------------


def test_builder_is_for_people_who_manage_paths(
    client: Client, client_for: ClientFor, lena: Person, mira: Person, dirk: Person, greet: Person
) -> None:
    _path, draft = _new_path(dirk)
    pages = [
        BASE,
        f"{BASE}new",
        f"{BASE}kassa/",
        f"{BASE}kassa/preview",
        f"{BASE}kassa/versions",
        f"{BASE}kassa/archive",
    ]
    response = client.get(BASE)
    assert response.status_code == 302 and "/login" in response["Location"]
    for person in (lena, mira):
        signed_in = client_for(person)
        for url in pages:
            assert signed_in.get(url).status_code == 403, url
        assert signed_in.post(f"{BASE}kassa/steps/order", {"order": []}).status_code == 403
        assert signed_in.post(f"{BASE}kassa/publish", {"change_note": ""}).status_code == 403
    for person in (dirk, greet):
        signed_in = client_for(person)
        for url in pages:
            assert signed_in.get(url).status_code == 200, url
    draft.refresh_from_db()
    assert draft.status == PathVersion.Status.DRAFT


# --- the journey -------------------------------------------------------------------------------


def test_create_add_from_search_reorder_publish_preview(
    client_for: ClientFor, dirk: Person
) -> None:
    welcome = _indexed("Welkom in de winkel", duration_minutes=15)
    till = _indexed("De kassa openen", duration_minutes=10)
    _indexed("Veilig heffen")
    client = client_for(dirk)

    response = client.post(
        f"{BASE}new", {"key": "eerste-weken", "title_nl": "Je eerste weken", "summary_nl": "Start"}
    )
    assert response.status_code == 302
    path = Path.objects.get(key="eerste-weken")
    assert response["Location"] == f"{BASE}eerste-weken/"
    page = _text(client.get(response["Location"]))
    assert "Editing draft version 1" in page
    assert "paths/builder.js" in page
    assert "No steps yet" in page

    # Search the catalogue from the builder, as htmx does while typing.
    found = _text(client.get(f"{BASE}eerste-weken/search", {"q": "kassa"}, headers=HTMX))
    assert "De kassa openen" in found and "Veilig heffen" not in found
    assert f'name="item" value="{till.pk}"' in found
    # Without htmx the same search lands on the builder page with the results in it.
    plain = client.get(f"{BASE}eerste-weken/search", {"q": "kassa"})
    assert plain.status_code == 302
    assert "De kassa openen" in _text(client.get(plain["Location"]))

    added = _text(
        client.post(f"{BASE}eerste-weken/steps/add-item", {"item": till.pk}, headers=HTMX)
    )
    assert 'id="steps-panel"' in added and "De kassa openen" in added
    assert f'id="add-item-{till.pk}"' in added and "hx-swap-oob" in added
    client.post(f"{BASE}eerste-weken/steps/add-item", {"item": welcome.pk}, headers=HTMX)
    draft = builder.current_draft(path)
    assert draft is not None
    first, second = _order(draft)
    assert Step.objects.get(pk=first).item == till
    # Already in the path: the search says so instead of offering "Add".
    found = _text(client.get(f"{BASE}eerste-weken/search", {"q": "kassa"}, headers=HTMX))
    assert f'name="item" value="{till.pk}"' not in found and "In the path" in found

    # Drag and drop posts the whole order; the list comes back in that order.
    reordered = _text(
        client.post(f"{BASE}eerste-weken/steps/order", {"order": [second, first]}, headers=HTMX)
    )
    assert _order(draft) == [second, first]
    assert reordered.index("Welkom in de winkel") < reordered.index("De kassa openen")
    assert "The new order was saved." in reordered
    # The arrow buttons (keyboard, phones) do the same one place at a time.
    client.post(f"{BASE}eerste-weken/steps/{first}/move", {"direction": "up"}, headers=HTMX)
    assert _order(draft) == [first, second]
    response = client.post(f"{BASE}eerste-weken/steps/{first}/move", {"direction": "down"})
    assert response.status_code == 302  # without htmx: back to the builder
    assert _order(draft) == [second, first]

    # An assignment and a quiz.
    quiz = Quiz.objects.create(key="kassa-quiz", titles={"nl": "Kassaquiz"})
    response = client.post(
        f"{BASE}eerste-weken/steps/add-assignment",
        {"title_nl": "Sluit de kassa af met je coach", "minutes": "30", "optional": "on"},
        headers=HTMX,
    )
    assert response["HX-Trigger"] == "builderStepAdded"
    client.post(f"{BASE}eerste-weken/steps/add-quiz", {"quiz": quiz.pk}, headers=HTMX)
    kinds = list(Step.objects.filter(version=draft).values_list("kind", flat=True))
    assert kinds == ["item", "item", "assignment", "quiz"]

    response = client.post(f"{BASE}eerste-weken/publish", {"change_note": ""})
    assert response.status_code == 302 and response["Location"].endswith("/versions")
    path.refresh_from_db()
    assert path.current == draft
    draft.refresh_from_db()
    assert draft.status == PathVersion.Status.PUBLISHED

    preview = _text(client.get(f"{BASE}eerste-weken/preview"))
    assert "Preview of version 1" in preview
    titles = ["Welkom in de winkel", "De kassa openen", "Sluit de kassa af", "Kassaquiz"]
    steps = preview[preview.index('class="preview-steps"') :]
    positions = [steps.index(t) for t in titles]
    assert positions == sorted(positions)
    assert steps.count("Start here") == 1
    # The list page shows the path as published.
    listing = _text(client.get(BASE))
    assert "Je eerste weken" in listing and "Published: version 1" in listing


def test_preview_shows_the_draft_with_locks_and_branches(
    client_for: ClientFor, dirk: Person
) -> None:
    _path, draft = _new_path(dirk)
    a = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Eerst dit"))
    b = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Daarna dat"))
    builder.add_step(draft, Step.Kind.ITEM, item=make_item("Video A"), branch=1)
    builder.add_step(draft, Step.Kind.ITEM, item=make_item("Video B"), branch=1)
    builder.set_prerequisites(b, [a.pk])
    page = _text(client_for(dirk).get(f"{BASE}kassa/preview"))
    assert "Preview of draft version 1" in page
    assert "Opens after:" in page and "Eerst dit" in page
    assert page.count("Choose one of these") == 1
    assert page.count("Locked") == 1


# --- refused input -----------------------------------------------------------------------------


def test_bad_order_shows_an_error_and_changes_nothing(client_for: ClientFor, dirk: Person) -> None:
    _path, draft = _new_path(dirk)
    a = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Een"))
    b = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Twee"))
    client = client_for(dirk)
    for order in ([b.pk], [b.pk, b.pk], [b.pk, a.pk, 99999], ["x", "y"]):
        page = _text(client.post(f"{BASE}kassa/steps/order", {"order": order}, headers=HTMX))
        assert 'role="alert"' in page
        assert "reload the page" in page
        assert _order(draft) == [a.pk, b.pk]
    response = client.post(f"{BASE}kassa/steps/order", {"order": [a.pk]}, follow=True)
    assert "does not match the steps" in _text(response)
    assert _order(draft) == [a.pk, b.pk]


def test_bad_steps_are_refused_with_a_message(client_for: ClientFor, dirk: Person) -> None:
    _path, _draft = _new_path(dirk)
    draft_item = make_item("Nog in opmaak", status="draft")
    client = client_for(dirk)
    page = _text(client.post(f"{BASE}kassa/steps/add-item", {"item": draft_item.pk}, headers=HTMX))
    assert "is not published" in page
    page = _text(client.post(f"{BASE}kassa/steps/add-item", {"item": 424242}, headers=HTMX))
    assert "does not exist" in page
    page = _text(client.post(f"{BASE}kassa/steps/add-assignment", {"minutes": "5"}, headers=HTMX))
    assert "title in at least one language" in page
    page = _text(client.post(f"{BASE}kassa/steps/add-quiz", {"quiz": ""}, headers=HTMX))
    assert "Choose a quiz" in page
    assert not Step.objects.exists()


def test_create_refuses_reserved_and_taken_keys(client_for: ClientFor, dirk: Person) -> None:
    client = client_for(dirk)
    page = _text(client.post(f"{BASE}new", {"key": "manage", "title_en": "Manage"}))
    assert "is reserved" in page
    page = _text(client.post(f"{BASE}new", {"key": "kassa"}))
    assert "title in at least one language" in page
    assert not Path.objects.exists()
    _new_path(dirk)
    page = _text(client.post(f"{BASE}new", {"key": "kassa", "title_en": "Till"}))
    assert "already has the key" in page
    assert Path.objects.count() == 1


def test_publish_refuses_an_unfinished_draft(client_for: ClientFor, dirk: Person) -> None:
    path, _draft = _new_path(dirk)
    response = client_for(dirk).post(f"{BASE}kassa/publish", {"change_note": "x"})
    assert response.status_code == 400
    assert "Add at least one step." in _text(response)
    path.refresh_from_db()
    assert path.current is None


def test_republishing_needs_a_change_note(client_for: ClientFor, dirk: Person) -> None:
    path, draft = _new_path(dirk)
    builder.add_step(draft, Step.Kind.ITEM, item=make_item("Een"))
    builder.publish(draft, "", by=dirk)
    client = client_for(dirk)
    page = _text(client.get(f"{BASE}kassa/"))
    assert "Edit: start a new draft" in page and "data-reorder-url" not in page
    # Nothing can be added while there is no draft.
    client.post(f"{BASE}kassa/steps/add-assignment", {"title_nl": "Stiekem"})
    response = client.post(
        f"{BASE}kassa/steps/add-assignment", {"title_nl": "Stiekem"}, headers=HTMX
    )
    assert response["HX-Redirect"] == f"{BASE}kassa/"
    assert Step.objects.count() == 1
    client.post(f"{BASE}kassa/draft")
    v2 = builder.current_draft(path)
    assert v2 is not None and v2.number == 2
    response = client.post(f"{BASE}kassa/publish", {"change_note": ""})
    assert response.status_code == 400 and "Say what changed" in _text(response)
    v2.refresh_from_db()
    assert v2.status == PathVersion.Status.DRAFT
    client.post(f"{BASE}kassa/publish", {"change_note": "Niets veranderd"})
    v2.refresh_from_db()
    assert v2.status == PathVersion.Status.PUBLISHED


def test_step_edit_sets_prerequisites_and_refuses_loops(
    client_for: ClientFor, dirk: Person
) -> None:
    _path, draft = _new_path(dirk)
    a = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Een"))
    b = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Twee"))
    client = client_for(dirk)
    form = _text(client.get(f"{BASE}kassa/steps/{b.pk}/"))
    assert "1. Een" in form and "2. Twee" not in form  # a step cannot need itself
    response = client.post(
        f"{BASE}kassa/steps/{b.pk}/",
        {"prerequisites": [a.pk], "optional": "on", "branch": "", "minutes": "12"},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert list(b.prerequisites.all()) == [a] and b.optional and b.minutes == 12
    response = client.post(
        f"{BASE}kassa/steps/{a.pk}/", {"prerequisites": [b.pk], "title_en": "Renamed"}
    )
    assert response.status_code == 400 and "loop" in _text(response)
    a.refresh_from_db()
    assert a.titles == {} and not a.prerequisites.exists()
    assert "Needs first:" in _text(client.get(f"{BASE}kassa/"))


def test_details_form_saves_and_refuses(client_for: ClientFor, dirk: Person) -> None:
    from leerpad.skills.models import Skill

    _path, draft = _new_path(dirk)
    skill = Skill.objects.create(key="kassa", names={"nl": "Kassa"})
    client = client_for(dirk)
    form = {
        "title_nl": "Kassa",
        "title_fr": "Caisse",
        "min_optional": "0",
        "skills-TOTAL_FORMS": "1",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "50",
        "skills-0-skill": str(skill.pk),
        "skills-0-level": "3",
    }
    assert client.post(f"{BASE}kassa/details", form).status_code == 302
    draft.refresh_from_db()
    assert draft.titles == {"nl": "Kassa", "fr": "Caisse"}
    assert [(ps.skill_id, ps.level) for ps in draft.path_skills.all()] == [(skill.pk, 3)]
    response = client.post(f"{BASE}kassa/details", {**form, "title_nl": "", "title_fr": ""})
    assert response.status_code == 400 and "title in at least one language" in _text(response)
    draft.refresh_from_db()
    assert draft.titles == {"nl": "Kassa", "fr": "Caisse"}


def test_remove_asks_first(client_for: ClientFor, dirk: Person) -> None:
    _path, draft = _new_path(dirk)
    a = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Een"))
    b = builder.add_step(draft, Step.Kind.ITEM, item=make_item("Twee"))
    builder.set_prerequisites(b, [a.pk])
    client = client_for(dirk)
    page = _text(client.get(f"{BASE}kassa/steps/{a.pk}/remove"))
    assert "Remove this step?" in page and "Twee" in page
    assert Step.objects.filter(pk=a.pk).exists()
    client.post(f"{BASE}kassa/steps/{a.pk}/remove")
    assert _order(draft) == [b.pk]
    assert not b.prerequisites.exists()


# --- versions, moving, archiving ---------------------------------------------------------------


def test_move_learners_asks_to_confirm(client_for: ClientFor, dirk: Person, lena: Person) -> None:
    path, v1 = _new_path(dirk)
    builder.add_step(v1, Step.Kind.ITEM, item=make_item("Een"))
    builder.publish(v1, "", by=dirk)
    path.refresh_from_db()
    services.enrol(lena, path)
    v2 = builder.draft_of(path, by=dirk)
    builder.add_step(v2, Step.Kind.ASSIGNMENT, titles={"nl": "Oefen"})
    builder.publish(v2, "Oefening erbij", by=dirk)
    client = client_for(dirk)
    page = _text(client.get(f"{BASE}kassa/versions"))
    assert "Oefening erbij" in page and "Next: check and confirm" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">v(\d)</th>.*?</tr>", page, re.S)
    assert rows == ["2", "1"]
    response = client.post(
        f"{BASE}kassa/versions/move", {"from_version": v1.pk, "to_version": v2.pk}
    )
    assert "1 active or paused learners move" in _text(response)
    assert Enrolment.objects.get(person=lena).version == v1
    # The published version cannot be a source, a retired one cannot be a target.
    bad = client.post(
        f"{BASE}kassa/versions/move",
        {"from_version": v2.pk, "to_version": v1.pk, "confirmed": "True"},
    )
    assert bad.status_code == 400
    assert Enrolment.objects.get(person=lena).version == v1
    response = client.post(
        f"{BASE}kassa/versions/move",
        {"from_version": v1.pk, "to_version": v2.pk, "confirmed": "True"},
        follow=True,
    )
    assert "1 learners moved to version 2" in _text(response)
    assert Enrolment.objects.get(person=lena).version == v2
    assert "Nobody needs moving" in _text(client.get(f"{BASE}kassa/versions"))


def test_archive_asks_to_confirm(client_for: ClientFor, dirk: Person) -> None:
    path, _draft = _new_path(dirk)
    client = client_for(dirk)
    assert "Archive this path?" in _text(client.get(f"{BASE}kassa/archive"))
    client.post(f"{BASE}kassa/archive")  # no confirmation: nothing happens
    path.refresh_from_db()
    assert not path.is_archived
    client.post(f"{BASE}kassa/archive", {"confirmed": "True"})
    path.refresh_from_db()
    assert path.is_archived
    assert "Archived" in _text(client.get(BASE))
    client.post(f"{BASE}kassa/unarchive")
    path.refresh_from_db()
    assert not path.is_archived


def test_list_counts_learners_per_version(
    client_for: ClientFor, dirk: Person, lena: Person, cas: Person
) -> None:
    path, v1 = _new_path(dirk)
    builder.add_step(v1, Step.Kind.ITEM, item=make_item("Een"))
    builder.publish(v1, "", by=dirk)
    path.refresh_from_db()
    services.enrol(lena, path)
    v2 = builder.draft_of(path, by=dirk)
    builder.publish(v2, "Tweede", by=dirk)
    path.refresh_from_db()
    services.enrol(cas, path)
    builder.draft_of(path, by=dirk)
    page = _text(client_for(dirk).get(BASE))
    assert "v1: 1 learner" in page and "v2: 1 learner" in page
    assert "Draft changes pending (version 3)" in page
    assert "Published: version 2" in page
