from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from leerpad.accounts.models import Person
from leerpad.catalog import services as catalog
from leerpad.catalog.models import ContentItem
from leerpad.search import service
from leerpad.search.models import SynonymGroup
from leerpad.skills.models import Skill

pytestmark = pytest.mark.django_db

MakeItem = Callable[..., ContentItem]


def titles(text: str, **kwargs: object) -> list[str]:
    found = service.search(text, **kwargs)  # type: ignore[arg-type]
    return [r.item.title() for r in found.results]


def test_finds_by_stem_and_ranks_title_first(make_item: MakeItem) -> None:
    make_item("Veilig werken met de heftruck", summary="Een opleiding over behandelen van lasten.")
    make_item("Klachten behandelen aan de kassa")
    assert titles("klacht behandeling")[0] == "Klachten behandelen aan de kassa"


def test_dutch_compound_finds_separate_words_and_back(make_item: MakeItem) -> None:
    make_item("Klachten behandelen aan de kassa")
    make_item("Klachtenbehandeling voor teamleiders")
    assert set(titles("klachtenbehandeling")) == {
        "Klachten behandelen aan de kassa",
        "Klachtenbehandeling voor teamleiders",
    }
    assert "Klachtenbehandeling voor teamleiders" in titles("klachten behandelen")


def test_accents_fold(make_item: MakeItem) -> None:
    make_item("Traiter les réclamations", language="fr")
    assert titles("reclamation") == ["Traiter les réclamations"]


def test_typo_is_tolerated_and_corrected(make_item: MakeItem) -> None:
    make_item("Vriendelijke klantenservice aan de telefoon")
    found = service.search("klantenservcie")
    assert [r.item.title() for r in found.results] == [
        "Vriendelijke klantenservice aan de telefoon"
    ]
    assert found.suggestion == "klantenservice"


def test_synonyms_cross_languages_and_edits_count_at_once(make_item: MakeItem) -> None:
    make_item("Welcome to the store: your first week", language="en", summary="Onboarding.")
    make_item("Eerste hulp bij ongevallen", summary="Wat je doet bij een ongeval.")
    SynonymGroup.objects.all().delete()  # start without the default list
    assert titles("onthaal") == []
    SynonymGroup.objects.create(terms=["onthaal", "onboarding", "accueil"])
    assert titles("onthaal") == ["Welcome to the store: your first week"]
    SynonymGroup.objects.create(terms=["EHBO", "eerste hulp", "first aid", "premiers secours"])
    assert titles("premiers secours") == ["Eerste hulp bij ongevallen"]


def test_skill_names_in_every_language_bridge_languages(make_item: MakeItem) -> None:
    Skill.objects.create(key="fire-safety", names={"nl": "Brandveiligheid", "en": "Fire safety"})
    make_item("Evacuation drill for store staff", language="en", skills=["fire-safety"])
    assert titles("brandveiligheid") == ["Evacuation drill for store staff"]


def test_phrase_outranks_scattered_words(make_item: MakeItem) -> None:
    make_item("Time for a new management style", language="en", summary="Plan your day.")
    make_item("Time management for cashiers", language="en")
    assert titles("time management")[0] == "Time management for cashiers"


def test_only_published_items_unless_asked(make_item: MakeItem) -> None:
    make_item("Snoeien van fruitbomen", status="draft")
    assert titles("snoeien") == []
    assert titles("snoeien", statuses=("draft", "published")) == ["Snoeien van fruitbomen"]


def test_facets_count_and_filter(make_item: MakeItem) -> None:
    make_item("Vijverpomp installeren", kind="video", duration_minutes=8)
    make_item("Vijverpomp onderhouden", kind="document", duration_minutes=45)
    found = service.search("vijverpomp")
    assert found.facets["kind"] == {"video": 1, "document": 1}
    assert found.facets["duration"] == {"short": 1, "long": 1}
    only_video = service.search("vijverpomp", filters={"kind": ["video"]})
    assert [r.item.title() for r in only_video.results] == ["Vijverpomp installeren"]
    # The chosen facet still shows its other options.
    assert only_video.facets["kind"] == {"video": 1, "document": 1}


def test_audience_match_ranks_my_content_first(
    make_item: MakeItem, lena: Person, make_person: Callable[..., Person]
) -> None:
    assert lena.job_role is not None
    make_item("Kassa openen en sluiten")
    make_item(
        "Kassa openen en sluiten in jouw winkel",
        audience={"job_roles": [lena.job_role.name]},
    )
    assert titles("kassa openen", person=lena)[0] == "Kassa openen en sluiten in jouw winkel"


def test_snippet_highlights_and_title_in_my_language(make_item: MakeItem, lena: Person) -> None:
    make_item(
        "Time management",
        language="en",
        translations={
            "en": {"title": "Time management", "summary": "Plan the week with your team."},
            "nl": {"title": "Timemanagement", "summary": "Plan de week met je team."},
        },
    )
    lena.language = "nl"
    result = service.search("week plannen", person=lena).results[0]
    assert result.language == "nl"
    assert "<mark>week</mark>" in result.snippet


def test_highlight_escapes_html() -> None:
    assert str(service.highlight("<b>kassa</b>", "nl", {"kassa"})) == (
        "&lt;b&gt;<mark>kassa</mark>&lt;/b&gt;"
    )


def test_transcript_moment(make_item: MakeItem) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nWelkom in de winkel.\n\n"
        "00:03:10.000 --> 00:03:15.000\nDe alarmcode staat in de kluis.\n"
    )
    make_item("De winkel openen", kind="video", transcripts={"nl": vtt})
    result = service.search("alarmcode").results[0]
    assert result.moment is not None
    assert result.moment.seconds == 190
    assert "<mark>alarmcode</mark>" in result.moment.text


def test_changes_and_deletes_reach_the_index(make_item: MakeItem) -> None:
    item = make_item("Gazononderhoud in de lente")
    catalog.set_status([item], "archived", by=None)
    service.index_items([item.pk])
    assert titles("gazon") == []
    item_id = item.pk
    catalog.delete_item(item)
    service.index_items([item_id])
    assert service.backend().count() == 0


def test_rebuild_from_the_database(make_item: MakeItem) -> None:
    make_item("Brandveiligheid in het magazijn")
    make_item("Werken op hoogte")
    assert service.rebuild() == 2
    assert titles("brand") == ["Brandveiligheid in het magazijn"]


def test_empty_query_lists_by_filters(make_item: MakeItem) -> None:
    make_item("Een", kind="video")
    make_item("Twee", kind="document")
    found = service.search("", filters={"kind": ["video"]})
    assert [r.item.title() for r in found.results] == ["Een"]


def test_an_empty_index_is_rebuilt_when_the_server_starts(make_item: MakeItem) -> None:
    from leerpad.core.signals import server_starting

    make_item("Werken op hoogte")
    assert service.ensure_index() is False  # indexed already
    service.backend().delete(list(ContentItem.objects.values_list("pk", flat=True)))
    notes = [str(note) for _r, note in server_starting.send(sender=None)]
    assert "being built" in " ".join(notes)
    assert titles("hoogte") == ["Werken op hoogte"]  # tests run tasks at once


def test_small_changes_are_indexed_at_once_large_ones_queued(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from leerpad.catalog.schemas import ItemIn
    from leerpad.catalog.services import save_item
    from leerpad.search import receivers, tasks

    queued: list[list[int]] = []

    class Queue:
        @staticmethod
        def enqueue(ids: list[int]) -> None:
            queued.append(ids)

    monkeypatch.setattr(tasks, "index_items", Queue)
    spec = ItemIn.model_validate(
        {"kind": "article", "status": "published", "translations": {"nl": {"title": "Kassa"}}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        save_item(None, spec, by=None)
    assert titles("kassa") == ["Kassa"] and queued == []
    receivers.on_content_changed(None, item_ids=list(range(receivers.INLINE_LIMIT + 1)))
    assert len(queued) == 1
