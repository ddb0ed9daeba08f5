"""Learning from each other: who can be found, and the rules of conversation requests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from leerpad.accounts.models import Person
from leerpad.skills import queries, services
from leerpad.skills.models import ConversationRequest, Skill

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Person], Client]


@pytest.fixture
def coaching(make_skill: Callable[..., Skill]) -> Skill:
    return make_skill(
        "coaching",
        names={"nl": "Coachen op de vloer", "fr": "Coacher sur le terrain", "en": "Coaching"},
    )


def _share(person: Person, skill: Skill, *, visible: bool = True, willing: bool = True) -> None:
    services.set_sharing(person, visible=visible, note="Dinsdag in Gent")
    services.set_claim(person, skill, self_level=3, willing_to_share=willing)


# --- who can be found ----------------------------------------------------------------------------


def test_only_people_who_opted_in_twice_are_found(
    lena: Person, mira: Person, dirk: Person, greet: Person, ada: Person, coaching: Skill
) -> None:
    _share(mira, coaching)  # visible and willing: found
    _share(dirk, coaching, visible=False)  # willing, not visible
    _share(greet, coaching, willing=False)  # visible, not willing
    _share(ada, coaching)
    ada.is_active = False
    ada.save()

    found = [c.person for c in queries.colleagues_sharing(lena, coaching)]

    assert found == [mira]
    assert [s.key for s in queries.shared_skills(lena)] == ["coaching"]


def test_nobody_is_visible_by_default(lena: Person, mira: Person, coaching: Skill) -> None:
    services.set_claim(mira, coaching, self_level=4, willing_to_share=True)

    assert queries.colleagues_sharing(lena, coaching) == []
    assert queries.colleagues_sharing(lena) == []
    assert not services.shares(mira, coaching)


def test_people_never_find_themselves(mira: Person, coaching: Skill) -> None:
    _share(mira, coaching)

    assert queries.colleagues_sharing(mira, coaching) == []
    assert list(queries.shared_skills(mira)) == []


def test_the_colleagues_page_shows_only_opted_in_people(
    client_for: ClientFor, lena: Person, mira: Person, dirk: Person, coaching: Skill
) -> None:
    _share(mira, coaching)
    _share(dirk, coaching, visible=False)

    body = client_for(lena).get("/skills/colleagues/", {"skill": "coaching"}).content.decode()

    assert "Mira Test" in body
    assert "Dinsdag in Gent" in body
    assert "Dirk" not in body


def test_switching_visibility_off_hides_at_once(
    client_for: ClientFor, lena: Person, mira: Person, coaching: Skill
) -> None:
    _share(mira, coaching)
    client = client_for(mira)
    client.post("/skills/mine/sharing/", {"note": "x"})  # the box unticked

    assert queries.colleagues_sharing(lena, coaching) == []


# --- conversation requests -----------------------------------------------------------------------


def test_a_request_mails_the_colleague_in_their_language(
    lena: Person,
    mira: Person,
    coaching: Skill,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _share(mira, coaching)

    with django_capture_on_commit_callbacks(execute=True):
        services.request_conversation(lena, mira, coaching, "Mag ik eens meekijken?")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [mira.email]
    assert "Coacher sur le terrain" in message.subject  # Mira reads French
    assert "Mag ik eens meekijken?" in message.body
    assert "/skills/#conversations" in message.body


def test_only_sharing_colleagues_can_be_asked(
    lena: Person, mira: Person, dirk: Person, coaching: Skill
) -> None:
    _share(dirk, coaching, visible=False)

    for colleague in (mira, dirk):
        with pytest.raises(services.SkillsError):
            services.request_conversation(lena, colleague, coaching, "Hallo")
    _share(lena, coaching)
    with pytest.raises(services.SkillsError):
        services.request_conversation(lena, lena, coaching, "Hallo")
    assert ConversationRequest.objects.count() == 0


def test_no_second_open_request_for_the_same_skill(
    lena: Person, mira: Person, coaching: Skill, make_skill: Callable[..., Skill]
) -> None:
    _share(mira, coaching)
    other = make_skill("feedback")
    _share(mira, other)
    first = services.request_conversation(lena, mira, coaching, "Hallo")

    with pytest.raises(services.SkillsError, match="already asked"):
        services.request_conversation(lena, mira, coaching, "Nog eens")
    # Another skill, or after an answer, is fine.
    services.request_conversation(lena, mira, other, "Over feedback")
    services.answer_conversation(first, mira, accept=False, answer="Volgende maand?")
    services.request_conversation(lena, mira, coaching, "Volgende maand dan")

    assert ConversationRequest.objects.filter(requester=lena).count() == 3


def test_only_the_colleague_answers_and_only_once(
    lena: Person, mira: Person, coaching: Skill, django_capture_on_commit_callbacks: Any
) -> None:
    _share(mira, coaching)
    request = services.request_conversation(lena, mira, coaching, "Hallo")

    with pytest.raises(services.SkillsError):
        services.answer_conversation(request, lena, accept=True, answer="")
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_conversation(request, mira, accept=True, answer="Donderdag om 10?")
    with pytest.raises(services.SkillsError):
        services.answer_conversation(request, mira, accept=False, answer="")

    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.ACCEPTED
    assert request.answer == "Donderdag om 10?"
    assert request.answered_at is not None
    # The requester hears back, in Dutch (the skill's Dutch name).
    assert mail.outbox[-1].to == [lena.email]
    assert "Coachen op de vloer" in mail.outbox[-1].subject


def test_only_the_requester_withdraws_an_open_request(
    lena: Person, mira: Person, coaching: Skill
) -> None:
    _share(mira, coaching)
    request = services.request_conversation(lena, mira, coaching, "Hallo")

    with pytest.raises(services.SkillsError):
        services.withdraw_conversation(request, mira)
    services.withdraw_conversation(request, lena)
    with pytest.raises(services.SkillsError):
        services.withdraw_conversation(request, lena)
    with pytest.raises(services.SkillsError):
        services.answer_conversation(request, mira, accept=True, answer="")

    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.WITHDRAWN


def test_the_pages_of_a_request(
    client_for: ClientFor,
    lena: Person,
    mira: Person,
    coaching: Skill,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _share(mira, coaching)
    client = client_for(lena)
    assert client.get(f"/skills/colleagues/{mira.pk}/ask/coaching/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/skills/colleagues/{mira.pk}/ask/coaching/", {"message": "Hallo!"})
    assert sent.status_code == 302
    again = client.post(f"/skills/colleagues/{mira.pk}/ask/coaching/", {"message": "Hallo?"})
    assert again.status_code == 400
    assert ConversationRequest.objects.count() == 1

    request = ConversationRequest.objects.get()
    mira_client = client_for(mira)
    assert "Hallo!" in mira_client.get("/skills/").content.decode()
    # Lena cannot answer her own request through the page.
    client_for(lena).post(f"/skills/conversations/{request.pk}/answer/", {"decision": "accept"})
    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.OPEN
    client_for(mira).post(
        f"/skills/conversations/{request.pk}/answer/", {"decision": "decline", "answer": "Sorry"}
    )
    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.DECLINED
    assert "Sorry" in client_for(lena).get("/skills/").content.decode()


def test_asking_someone_who_does_not_share_is_a_404(
    client_for: ClientFor, lena: Person, dirk: Person, coaching: Skill
) -> None:
    _share(dirk, coaching, visible=False)
    client = client_for(lena)

    assert client.get(f"/skills/colleagues/{dirk.pk}/ask/coaching/").status_code == 404
    assert (
        client.post(f"/skills/colleagues/{dirk.pk}/ask/coaching/", {"message": "x"}).status_code
        == 404
    )
    assert client.get("/skills/colleagues/999999/ask/coaching/").status_code == 404


def test_withdraw_asks_for_confirmation_first(
    client_for: ClientFor, lena: Person, mira: Person, coaching: Skill
) -> None:
    _share(mira, coaching)
    request = services.request_conversation(lena, mira, coaching, "Hallo")
    client = client_for(lena)

    assert client.get(f"/skills/conversations/{request.pk}/withdraw/").status_code == 200
    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.OPEN
    client.post(f"/skills/conversations/{request.pk}/withdraw/")
    request.refresh_from_db()
    assert request.status == ConversationRequest.Status.WITHDRAWN
    # Someone else's request is not theirs to withdraw.
    assert client_for(mira).post(f"/skills/conversations/{request.pk}/withdraw/").status_code == 404
