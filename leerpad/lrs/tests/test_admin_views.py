"""The records pages: statement browser, statement detail, clients and their management."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.lrs import queries, services
from leerpad.lrs.http import hash_secret
from leerpad.lrs.models import Client as LrsClient
from leerpad.lrs.models import Statement
from leerpad.privacy.models import AccessRecord

pytestmark = pytest.mark.django_db

URL = "/records/"
ADL = "http://adlnet.gov/expapi/verbs/"
COURSE = "https://leerpad.example/courses/safety"
QUIZ = "https://leerpad.example/courses/safety/quiz"
REGISTRATION = "9d3c2b1a-0f9e-4d8c-8b7a-6a5f4e3d2c1b"
STATEMENT_LINK = re.compile(r'href="/records/statements/([0-9a-f-]{36})/"')


def shown(html: str) -> list[str]:
    """The ids of the statements a page lists, in page order."""
    return STATEMENT_LINK.findall(html)


def statement(actor: dict[str, Any], verb: str, obj: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": ADL + verb, "display": {"en-US": verb, "nl-BE": f"{verb} (nl)"}},
        "object": {
            "objectType": "Activity",
            "id": obj,
            "definition": {"name": {"en-US": obj.rsplit("/", 1)[-1].title()}},
        },
        **extra,
    }


def mbox(address: str) -> dict[str, Any]:
    return {"objectType": "Agent", "mbox": f"mailto:{address}"}


def account(person: Person) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.SITE_URL, "name": str(person.pk)},
    }


@dataclass
class Store:
    """Statements of every kind the filters tell apart, one batch each (so `stored`
    grows from one to the next)."""

    moodle: LrsClient
    webinar: LrsClient
    ids: dict[str, str]

    def id(self, name: str) -> str:
        return self.ids[name]


@pytest.fixture
def store(lena: Person, cas: Person) -> Store:
    moodle = LrsClient.objects.create(
        name="Moodle", key="moodle", secret_hash=hash_secret("s"), scopes=["all"]
    )
    webinar = LrsClient.objects.create(
        name="Webinar tool", key="webinar", secret_hash=hash_secret("s"), scopes=["all"]
    )
    made = {
        # Leerpad's own pages: lena by account.
        "lena_course": (statement(account(lena), "experienced", COURSE), None),
        # Moodle knows lena by e-mail, and someone outside Leerpad.
        "lena_quiz": (
            statement(
                mbox(lena.email),
                "passed",
                QUIZ,
                context={
                    "registration": REGISTRATION,
                    "contextActivities": {"parent": [{"id": COURSE}]},
                },
            ),
            moodle,
        ),
        "outsider": (statement(mbox("guest@partner.example"), "completed", COURSE), moodle),
        # The webinar tool sends cas's attendance.
        "cas_webinar": (
            statement(account(cas), "attended", "https://leerpad.example/webinars/1"),
            webinar,
        ),
    }
    ids = {}
    for name, (data, client) in made.items():
        authority = services.client_authority(client) if client else services.leerpad_authority()
        services.record_statements(data, version="1.0.3", authority=authority, client=client)
        ids[name] = data["id"]
    return Store(moodle, webinar, ids)


def browse(http: Client, /, **params: str) -> str:
    response = http.get(URL + "?" + urlencode(params))
    assert response.status_code == 200
    return response.content.decode()


# --- who may see what -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["lena", "cas", "mira", "dirk", "greet"])
def test_records_are_closed_to_everyone_but_admins(
    persona: str, request: pytest.FixtureRequest, client_for: Callable[[Person], Client]
) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in (URL, "/records/clients/", "/records/clients/new/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "not open to you" in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admins_browse(
    ada: Person,
    client_for: Callable[[Person], Client],
    store: Store,
) -> None:
    client = client_for(ada)
    html = browse(client)
    assert 'data-section="records" aria-current="page"' not in html  # attribute order
    assert re.search(r'aria-current="page" data-section="records"', html)
    assert len(shown(html)) == 4
    assert client.get("/records/clients/").status_code == 200
    assert client.get(f"/records/statements/{store.id('outsider')}/").status_code == 200


# --- the browser ------------------------------------------------------------------------


def test_newest_first_with_who_did_what_and_who_sent_it(
    ada: Person, client_for: Callable[[Person], Client], store: Store, lena: Person
) -> None:
    html = browse(client_for(ada))
    assert shown(html) == [
        store.id("cas_webinar"),
        store.id("outsider"),
        store.id("lena_quiz"),
        store.id("lena_course"),
    ]
    assert "4 statements" in html
    # People by name, whichever identifier the tool used; others by their address.
    assert html.count("Lena Test") == 2 and "Cas Test" in html
    assert "guest@partner.example" in html
    # Verbs in the reader's language (English here), objects by their name.
    assert ">attended<" in html and ">Quiz<" in html
    # Who sent it: the client, or Leerpad itself.
    assert "Webinar tool" in html and "Moodle" in html and "Leerpad" in html


def test_table_follows_the_readers_language(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    client = client_for(ada)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "attended (nl)" in browse(client)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"verb": ADL + "passed"}, ["lena_quiz"]),
        ({"verb": "attended"}, ["cas_webinar"]),  # a suggested verb by its last word
        ({"activity": COURSE}, ["outsider", "lena_course"]),
        ({"activity": COURSE, "related": "on"}, ["outsider", "lena_quiz", "lena_course"]),
        ({"registration": REGISTRATION}, ["lena_quiz"]),
        ({"actor": "guest@partner.example"}, ["outsider"]),
        ({"actor": "Guest@Partner.example"}, ["outsider"]),
        ({"actor": "mbox:mailto:guest@partner.example"}, ["outsider"]),
        ({"client": "leerpad"}, ["lena_course"]),
        ({"verb": "completed", "client": "leerpad"}, []),
        ({"activity": COURSE, "verb": "completed"}, ["outsider"]),
    ],
)
def test_each_filter_filters(
    params: dict[str, str],
    expected: list[str],
    ada: Person,
    client_for: Callable[[Person], Client],
    store: Store,
) -> None:
    html = browse(client_for(ada), **params)
    assert shown(html) == [store.id(name) for name in expected]
    if not expected:
        assert "No statement matches these filters." in html


def test_client_filter(ada: Person, client_for: Callable[[Person], Client], store: Store) -> None:
    client = client_for(ada)
    assert shown(browse(client, client=str(store.moodle.pk))) == [
        store.id("outsider"),
        store.id("lena_quiz"),
    ]
    assert shown(browse(client, client=str(store.webinar.pk))) == [store.id("cas_webinar")]


def _give_reason(client: Client, url: str, person: Person) -> None:
    """Admins say why before they see one person's record (privacy.access.gate)."""
    asked = client.get(url).content.decode()
    assert "Why do you need to see this?" in asked
    answer = client.post(
        url, {"privacy_reason_for": f"{person.pk}:learning_record", "reason": "Support ticket 42"}
    )
    assert answer.status_code == 302
    record = AccessRecord.objects.get(subject=person)
    assert record.reason == "Support ticket 42" and record.what == "learning_record"


def test_a_person_is_found_by_email_or_name_under_both_identifiers(
    ada: Person, client_for: Callable[[Person], Client], store: Store, lena: Person, cas: Person
) -> None:
    client = client_for(ada)
    both = [store.id("lena_quiz"), store.id("lena_course")]
    _give_reason(client, f"{URL}?actor=lena", lena)
    _give_reason(client, f"{URL}?actor=Cas+Test", cas)
    assert shown(browse(client, actor=lena.email.upper())) == both
    assert shown(browse(client, actor="lena")) == both
    assert shown(browse(client, actor="Cas Test")) == [store.id("cas_webinar")]


def test_a_name_that_matches_several_people_asks_which(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    html = browse(client_for(ada), actor="Test")
    assert "Several people match" in html and "Lena Test" in html and "Cas Test" in html
    assert shown(html) == []


def test_a_name_that_matches_no_one_says_so(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    html = browse(client_for(ada), actor="Nobody")
    assert "No one in Leerpad matches" in html and shown(html) == []


def test_since_and_until_are_on_stored(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    stored = {
        name: Statement.objects.get(statement_id=sid).stored for name, sid in store.ids.items()
    }

    def local(when: dt.datetime) -> str:
        # What a datetime-local field sends: the local wall-clock time.
        return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M:%S")

    client = client_for(ada)
    minute = dt.timedelta(minutes=1)
    assert len(shown(browse(client, since=local(stored["lena_course"] - minute)))) == 4
    assert shown(browse(client, until=local(stored["lena_course"] - minute))) == []
    # The statements of one test share a second: the instants themselves, to the
    # microsecond, go through the same query.
    first, last = stored["lena_course"], stored["cas_webinar"]
    page = queries.statement_page(queries.StatementFilters(since=first, until=last))
    assert [row.statement.statement_id.hex for row in page.object_list] == [
        uuid.UUID(store.id(name)).hex for name in ("cas_webinar", "outsider", "lena_quiz")
    ]
    html = browse(client, since="2000-01-01T00:00", until="2000-01-02T00:00")
    assert shown(html) == []


def test_voided_statements_are_hidden_unless_asked(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    voiding = {
        "actor": mbox("admin@partner.example"),
        "verb": {"id": ADL + "voided"},
        "object": {"objectType": "StatementRef", "id": store.id("outsider")},
    }
    services.record_statements(
        voiding,
        version="1.0.3",
        authority=services.client_authority(store.moodle),
        client=store.moodle,
    )
    client = client_for(ada)
    assert store.id("outsider") not in shown(browse(client))
    html = browse(client, voided="on")
    assert store.id("outsider") in shown(html)
    assert ">voided<" in html and "voided ones included" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"verb": "walked"}, "Choose a suggested verb or enter a verb IRI"),
        ({"verb": "not an iri:"}, "A verb is an IRI"),
        ({"activity": "course 12"}, "An activity id is an IRI"),
        ({"registration": "12345"}, "Enter a valid UUID"),
        ({"since": "yesterday"}, "Enter a valid date/time"),
        ({"since": "2026-01-02T00:00", "until": "2026-01-01T00:00"}, "must be later than"),
        ({"client": "999"}, "Select a valid choice"),
    ],
)
def test_bad_filters_are_explained(
    params: dict[str, str],
    message: str,
    ada: Person,
    client_for: Callable[[Person], Client],
    store: Store,
) -> None:
    client = client_for(ada)
    html = browse(client, **params)
    assert message in html and shown(html) == []
    # An htmx request, which only replaces the table, carries the explanation too.
    partial = client.get(URL + "?" + urlencode(params), HTTP_HX_REQUEST="true")
    assert message in partial.content.decode()


def test_htmx_gets_the_table_alone(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    response = client_for(ada).get(URL + "?verb=passed", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<table" in html
    assert shown(html) == [store.id("lena_quiz")]
    assert "HX-Request" in response["Vary"]


def test_pages_go_by_position_forward_and_back(
    ada: Person,
    client_for: Callable[[Person], Client],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    client = client_for(ada)
    first = browse(client)
    assert len(shown(first)) == 3 and "Page 1 of 2" in first
    older = re.search(r'href="\?page=([^"]+)" rel="next"', first)
    assert older is not None
    second = browse(client, page=older[1])
    assert shown(second) == [store.id("lena_course")] and "Page 2 of 2" in second
    assert 'rel="next"' not in second
    newer = re.search(r'href="\?page=([^"]+)" rel="prev"', second)
    assert newer is not None
    assert shown(browse(client, page=newer[1])) == shown(first)
    # A page token that makes no sense is the first page.
    assert shown(browse(client, page="garbage")) == shown(first)


def test_the_count_stops_at_the_cap(
    ada: Person,
    client_for: Callable[[Person], Client],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    html = browse(client_for(ada))
    assert "More than 2 statements" in html and "Page 1 of 2+" in html


def test_an_empty_store_says_so(ada: Person, client_for: Callable[[Person], Client]) -> None:
    assert "The learning record is still empty" in browse(client_for(ada))


# --- one statement ----------------------------------------------------------------------


def test_statement_detail_shows_the_json_and_where_it_came_from(
    ada: Person, client_for: Callable[[Person], Client], store: Store, lena: Person
) -> None:
    client = client_for(ada)
    url = f"/records/statements/{store.id('lena_quiz')}/"
    _give_reason(client, url, lena)
    response = client.get(url)
    html = response.content.decode()
    stored = Statement.objects.get(statement_id=store.id("lena_quiz"))
    pretty = json.dumps(stored.payload, indent=2, ensure_ascii=False)
    assert pretty.replace('"', "&quot;") in html
    assert "Moodle" in html and "<code>moodle</code>" in html
    assert "Lena Test" in html and REGISTRATION in html
    assert '/records/?actor=lena%40example.test"' in html  # all her statements
    assert f"account:{settings.SITE_URL}|client:moodle" in html
    assert ">no<" in html  # not voided


def test_statement_detail_of_a_voided_statement_links_the_voiding_one(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    voiding_id = str(uuid.uuid4())
    services.record_statements(
        {
            "id": voiding_id,
            "actor": mbox("admin@partner.example"),
            "verb": {"id": ADL + "voided"},
            "object": {"objectType": "StatementRef", "id": store.id("outsider")},
        },
        version="1.0.3",
        authority=services.client_authority(store.moodle),
        client=store.moodle,
    )
    client = client_for(ada)
    html = client.get(f"/records/statements/{store.id('outsider')}/").content.decode()
    assert "This statement is voided" in html and f"/records/statements/{voiding_id}/" in html
    html = client.get(f"/records/statements/{voiding_id}/").content.decode()
    assert f"/records/statements/{store.id('outsider')}/" in html


def test_unknown_statement_is_a_404(ada: Person, client_for: Callable[[Person], Client]) -> None:
    response = client_for(ada).get(f"/records/statements/{uuid.uuid4()}/")
    assert response.status_code == 404


# --- clients ----------------------------------------------------------------------------


def test_clients_page_counts_what_each_client_sent(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    html = client_for(ada).get("/records/clients/").content.decode()
    rows = dict(re.findall(r'data-client="(\w+)">(.*?)</tr>', html, re.S))
    assert (
        f'?client={store.moodle.pk}&amp;voided=on" title="Show the statements it sent">2<'
        in (rows["moodle"])
    )
    assert ">1<" in rows["webinar"] and "statements/write" not in rows["webinar"]
    assert '<span class="badge">all</span>' in rows["moodle"] and "never" in rows["moodle"]
    assert '?client=leerpad&amp;voided=on" title="Show the statements it sent">1<' in html


def basic(key: str, secret: str) -> dict[str, Any]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def post_statement(client: Client, key: str, secret: str) -> int:
    body = json.dumps(statement(mbox("lena@example.com"), "completed", COURSE))
    response = client.post(
        "/xapi/statements", body, content_type="application/json", **basic(key, secret)
    )
    return response.status_code


def test_admin_creates_a_client_and_sees_the_secret_once(
    ada: Person, client_for: Callable[[Person], Client]
) -> None:
    client = client_for(ada)
    form = client.get("/records/clients/new/").content.decode()
    assert 'value="statements/write"' in form and 'value="all"' in form
    response = client.post(
        "/records/clients/new/", {"name": "Webinar tool", "scopes": ["statements/write"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    key = re.search(r'<code id="client-key">([^<]+)</code>', html)
    secret = re.search(r'<code id="client-secret">([^<]+)</code>', html)
    assert key is not None and secret is not None
    assert "cannot be shown again" in html and "http://testserver/xapi/" in html
    created = LrsClient.objects.get(key=key[1])
    assert created.name == "Webinar tool" and created.created_by == ada
    assert created.secret_hash == hash_secret(secret[1]) and secret[1] not in created.secret_hash

    assert post_statement(Client(), key[1], secret[1]) == 200
    listing = client.get("/records/clients/").content.decode()
    assert key[1] in listing and secret[1] not in listing
    # The statement it sent is counted, and the browser shows it with the client's name.
    assert "Webinar tool" in browse(client, client=str(created.pk))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scopes": ["all"]}, "This field is required."),
        ({"name": "Tool"}, "Choose at least one scope."),
        ({"name": "Tool", "scopes": ["everything"]}, "Select a valid choice."),
        ({"name": "x" * 201, "scopes": ["all"]}, "at most 200 characters"),
    ],
)
def test_bad_client_input_is_explained(
    data: dict[str, Any], message: str, ada: Person, client_for: Callable[[Person], Client]
) -> None:
    response = client_for(ada).post("/records/clients/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LrsClient.objects.exists()


def test_admin_revokes_after_confirming_and_may_reactivate(
    ada: Person, client_for: Callable[[Person], Client], store: Store
) -> None:
    client = client_for(ada)
    pk = store.moodle.pk
    confirm = client.get(f"/records/clients/{pk}/revoke/").content.decode()
    assert "Revoke Moodle?" in confirm and "The 2 statements it sent stay" in confirm
    assert LrsClient.objects.get(pk=pk).is_active  # asking changes nothing
    assert post_statement(Client(), "moodle", "s") == 200

    response = client.post(f"/records/clients/{pk}/revoke/", follow=True)
    assert "Moodle is revoked" in response.content.decode()
    assert not LrsClient.objects.get(pk=pk).is_active
    assert post_statement(Client(), "moodle", "s") == 401
    listing = client.get("/records/clients/").content.decode()
    assert re.search(r'<tr class="inactive" data-client="moodle">.*?revoked', listing, re.S)
    # Its statements stay.
    assert Statement.objects.filter(client_id=pk).count() == 3

    again = client.post(f"/records/clients/{pk}/revoke/", follow=True)
    assert "was revoked already" in again.content.decode()
    assert (
        "was revoked already"
        in client.get(f"/records/clients/{pk}/revoke/", follow=True).content.decode()
    )

    response = client.post(f"/records/clients/{pk}/reactivate/", follow=True)
    assert "Moodle is active again" in response.content.decode()
    assert post_statement(Client(), "moodle", "s") == 200
    assert client.get(f"/records/clients/{pk}/reactivate/").status_code == 405
    assert client.post("/records/clients/999/revoke/").status_code == 404


def test_launch_credentials_are_summed_up_not_listed(
    ada: Person, client_for: Callable[[Person], Client]
) -> None:
    for n in range(3):
        LrsClient.objects.create(
            name=f"launch:{n}",
            key=f"launch-{n}",
            secret_hash=hash_secret("x"),
            scopes=["statements/write"],
            agent={"objectType": "Agent", "mbox": f"mailto:p{n}@example.org"},
        )
    html = client_for(ada).get("/records/clients/").content.decode()
    assert "launch:1" not in html
    assert "3 short-lived credentials" in html
