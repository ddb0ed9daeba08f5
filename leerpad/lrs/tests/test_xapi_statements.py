"""Statement validation (leerpad.lrs.xapi.parse_statements) for xAPI 1.0.3 and 2.0.0.

Valid statements of every kind must pass unchanged; every rule the ADL conformance
suite checks must reject with a message that names the field.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from leerpad.lrs.xapi import VERSION_1, VERSION_2, XapiValidationError, parse_statements

VERSIONS = [VERSION_1, VERSION_2]
DELETE = object()

AGENT = {"objectType": "Agent", "name": "Lena", "mbox": "mailto:lena@example.com"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}}
ACTIVITY = {"objectType": "Activity", "id": "http://example.com/activities/intro"}


def statement(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": copy.deepcopy(AGENT),
        "verb": copy.deepcopy(VERB),
        "object": copy.deepcopy(ACTIVITY),
    }
    base.update(copy.deepcopy(extra))
    return base


def changed(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with the value at a dotted path (list indexes allowed)
    replaced, or removed when ``value`` is DELETE."""
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def rejected(data: Any, version: str = VERSION_2) -> str:
    with pytest.raises(XapiValidationError) as info:
        parse_statements(data, version=version)
    return str(info.value)


def interaction(interaction_type: str, **definition: Any) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"http://example.com/questions/{interaction_type}",
        "definition": {
            "name": {"en-US": interaction_type},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": interaction_type,
            **definition,
        },
    }


def components(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "description": {"en-US": f"item {i}", "nl-BE": f"item {i}"}} for i in ids]


INTERACTIONS = [
    interaction("true-false", correctResponsesPattern=["true"]),
    interaction("choice", correctResponsesPattern=["a[,]b"], choices=components("a", "b", "c")),
    interaction("fill-in", correctResponsesPattern=["{case_matters=false}{lang=en}colour"]),
    interaction("long-fill-in", correctResponsesPattern=["{order_matters=false}a[,]b"]),
    interaction(
        "matching",
        correctResponsesPattern=["1[.]a[,]2[.]b"],
        source=components("1", "2"),
        target=components("a", "b"),
    ),
    interaction(
        "performance",
        correctResponsesPattern=["pour[.]1[:]3[,]stir[.]mix"],
        steps=components("pour", "stir"),
    ),
    interaction("sequencing", correctResponsesPattern=["c[,]a[,]b"], choices=components("a", "b")),
    interaction("likert", correctResponsesPattern=["likert_3"], scale=components("likert_1")),
    interaction("numeric", correctResponsesPattern=["4[:]6"]),
    interaction("other", correctResponsesPattern=["(35.937432,-86.868896)"]),
    interaction("choice"),  # components and patterns are optional
    interaction("choice", correctResponsesPattern=[]),  # no answer is correct
]

GROUP = {
    "objectType": "Group",
    "name": "Team Gent",
    "account": {"homePage": "http://www.example.com", "name": "team-gent"},
    "member": [
        {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        {"openid": "http://toby.openid.example.org/"},
    ],
}
ANONYMOUS_GROUP = {"objectType": "Group", "member": [AGENT, {"mbox": "mailto:cas@example.com"}]}
ATTACHMENT = {
    "usageType": "http://adlnet.gov/expapi/attachments/signature",
    "display": {"en-US": "Signature"},
    "description": {"en-US": "A test attachment"},
    "contentType": "application/octet-stream",
    "length": 4235,
    "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
    "fileUrl": "http://example.com/files/signature",
}
CONTEXT = {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "instructor": AGENT,
    "team": GROUP,
    "contextActivities": {
        "parent": [{"id": "http://www.example.com/meetings/series/267"}],
        "grouping": [{"id": "http://www.example.com/courses/algebra", "objectType": "Activity"}],
        "category": [
            {
                "id": "http://www.example.com/meetings/categories/teammeeting",
                "definition": {"name": {"en": "team meeting"}, "type": "http://example.com/t"},
            }
        ],
        "other": [],
    },
    "revision": "1.2",
    "platform": "Leerpad",
    "language": "nl-BE",
    "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
    "extensions": {"http://example.com/ext/room": {"name": "Kilby"}, "http://example.com/x": None},
}
RESULT = {
    "score": {"scaled": -1, "raw": 8.5, "min": 0, "max": 10},
    "success": False,
    "completion": True,
    "response": "We agreed on some example actions.",
    "duration": "P3Y1M29DT4H35M59.14S",
    "extensions": {"http://example.com/ext/empty": {}},
}
SUB_STATEMENT = {
    "objectType": "SubStatement",
    "actor": ANONYMOUS_GROUP,
    "verb": {"id": "http://example.com/planned", "display": {"en-US": "will visit"}},
    "object": {"id": "http://example.com/website", "definition": {"name": {"en-US": "Site"}}},
    "result": {"completion": False},
    "context": {"platform": "Leerpad", "contextActivities": {"parent": {"id": "http://e.com/p"}}},
    "timestamp": "2999-01-01T00:00:00Z",  # a SubStatement may be in the future
}
CONTEXT_AGENTS = {
    "contextAgents": [
        {
            "objectType": "contextAgent",
            "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
            "relevantTypes": ["https://example.com/xapi/activity-types/player"],
        },
        {"objectType": "contextAgent", "agent": {"mbox": "mailto:coach@example.com"}},
    ],
    "contextGroups": [
        {
            "objectType": "contextGroup",
            "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com"},
            "relevantTypes": ["https://example.com/xapi/activity-types/team/a"],
        },
        {"objectType": "contextGroup", "group": ANONYMOUS_GROUP},
    ],
}

VALID = {
    "minimal": {
        "actor": {"mbox": "mailto:a@example.com"},
        "verb": {"id": "http://example.com/v"},
        "object": {"id": "http://example.com/a"},
    },
    "full": statement(
        result=RESULT,
        context=CONTEXT,
        timestamp="2013-05-18T05:32:34.804+00:00",
        stored="2013-05-18T05:32:34.804Z",
        authority={"objectType": "Agent", "account": {"homePage": "http://h.com", "name": "a"}},
        version="1.0.0",
        attachments=[ATTACHMENT],
    ),
    "group actor": statement(actor=GROUP),
    "anonymous group actor": statement(actor=ANONYMOUS_GROUP),
    "agent object": statement(object={"objectType": "Agent", "openid": "http://o.example.org"}),
    "group object": statement(object=GROUP),
    "statement ref": statement(
        object={"objectType": "StatementRef", "id": "8F87CCDE-BB56-4C2E-AB83-44982EF22DF0"}
    ),
    "voiding": statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
    ),
    "sub-statement": statement(object=SUB_STATEMENT),
    "sub-statement with ref": statement(
        object={
            **SUB_STATEMENT,
            "object": {"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
            "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"},
        }
    ),
    "oauth authority": statement(
        authority={
            "objectType": "Group",
            "member": [
                {"account": {"homePage": "http://example.com/OAuth/Token", "name": "oauth_x"}},
                {"mbox": "mailto:bob@example.com"},
            ],
        }
    ),
    "single context activity": statement(
        context={"contextActivities": {"parent": {"id": "http://example.com/p"}}}
    ),
    "activity definition with extensions": statement(
        object={
            "id": "http://www.example.com/meetings/occurances/34534",
            "definition": {
                "extensions": {"http://example.com/room": None, "http://example.com/r2": ""},
                "name": {"en-GB": "example meeting", "zh-Hant-TW": "會議", "x-klingon": "x"},
                "description": {"i-klingon": "x", "sgn-BE-FR": "y", "en-GB-oed": "z"},
                "type": "http://adlnet.gov/expapi/activities/meeting",
                "moreInfo": "http://virtualmeeting.example.com/345256",
            },
        }
    ),
    "unicode IRIs": statement(
        verb={"id": "http://example.com/فعل/خواندن"},
        object={"id": "http://example.com/path/../éléments?q=1#frag"},
    ),
    "empty extensions and maps": statement(
        verb={"id": "http://example.com/v", "display": {}},
        result={"extensions": {}},
        context={"extensions": {}},
    ),
    "timestamps": statement(timestamp="2023-05-04T12:00:00-05:00", stored="20230504T170000Z"),
    "high precision duration": statement(result={"duration": "P1DT12H36M0.12567S"}),
    "weeks duration": statement(result={"duration": "P4W"}),
    "float score": statement(result={"score": {"scaled": 0.6767676, "max": 100.6767676}}),
}
VALID.update(
    {f"interaction {i['id']} {n}": statement(object=i) for n, i in enumerate(INTERACTIONS)}
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", list(VALID))
def test_valid_statements_are_returned_as_sent(name: str, version: str) -> None:
    data = copy.deepcopy(VALID[name])
    result = parse_statements(data, version=version)
    assert len(result) == 1
    if name in {"single context activity", "sub-statement"}:
        return  # see test_single_context_activities_become_arrays
    assert result[0] is data
    assert result[0] == VALID[name]
    assert list(result[0]) == list(VALID[name])


def test_single_context_activities_become_arrays() -> None:
    data = statement(
        context={"contextActivities": {"parent": {"id": "http://e.com/p"}, "other": []}},
        object=SUB_STATEMENT,
    )
    original = copy.deepcopy(data)
    (result,) = parse_statements(data, version=VERSION_1)
    assert result["context"]["contextActivities"] == {
        "parent": [{"id": "http://e.com/p"}],
        "other": [],
    }
    assert result["object"]["context"]["contextActivities"] == {
        "parent": [{"id": "http://e.com/p"}]
    }
    assert result["object"]["context"]["platform"] == "Leerpad"
    assert data == original  # the input is not changed


def test_batches() -> None:
    first, second = statement(), statement(id="c0e0f0a0-0000-4000-8000-000000000001")
    del first["id"]
    assert parse_statements([first, second], version=VERSION_1) == [first, second]
    assert parse_statements([], version=VERSION_2) == []


def test_batch_errors_name_the_statement() -> None:
    bad = statement(actor={"mbox": "lena@example.com"})
    message = rejected([statement(), bad])
    assert message.startswith("statement[1].actor.mbox: must be a mailto: IRI")
    assert rejected([statement(), "x"]).startswith("statement[1]: must be a JSON object")


def test_a_batch_must_not_repeat_an_id() -> None:
    one = statement()
    other = statement(id=one["id"].upper())
    assert rejected([one, other]) == (
        "statement[1].id: repeats the id of statement[0] in the same batch"
    )


@pytest.mark.parametrize("body", ["statement", 12, None, True])
def test_the_body_must_be_an_object_or_array(body: Any) -> None:
    assert rejected(body).startswith("statement: the body must be a statement")


def test_unknown_version_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsupported xAPI version"):
        parse_statements(statement(), version="1.0")


@pytest.mark.parametrize("value", ["1.0", "1.0.0", "1.0.3", "1.0.9"])
def test_version_1_0_x_accepted_in_both(value: str) -> None:
    for version in VERSIONS:
        parse_statements(statement(version=value), version=version)


def test_version_2_0_only_under_2_0() -> None:
    parse_statements(statement(version="2.0.0"), version=VERSION_2)
    assert rejected(statement(version="2.0.0"), VERSION_1) == (
        'statement.version: must be "1.0.x" under xAPI 1.0.3'
    )


@pytest.mark.parametrize("value", ["0.9.9", "1.1.0", "should fail", "1.0.3-beta", ""])
def test_bad_versions(value: str) -> None:
    for version in VERSIONS:
        assert rejected(statement(version=value), version).startswith("statement.version: ")


def test_context_agents_and_groups_only_in_2_0() -> None:
    data = statement(context=CONTEXT_AGENTS)
    parse_statements(data, version=VERSION_2)
    parse_statements(
        statement(object={**SUB_STATEMENT, "context": CONTEXT_AGENTS}), version=VERSION_2
    )
    assert rejected(data, VERSION_1) == (
        "statement.context.contextAgents: is not a property of xAPI 1.0.3 "
        "(it was added in xAPI 2.0.0)"
    )


# (description, base, path, new value or DELETE, expected message start)
S = statement
REJECTIONS: list[tuple[str, dict[str, Any], str, Any, str]] = [
    # Data 2.2: required properties, unknown keys, key case, nulls, types
    ("no actor", S(), "actor", DELETE, "statement.actor: is required"),
    ("no verb", S(), "verb", DELETE, "statement.verb: is required"),
    ("no object", S(), "object", DELETE, "statement.object: is required"),
    ("unknown property", S(), "foo", 1, "statement.foo: is not a property xAPI allows"),
    ("key case", S(), "Actor", AGENT, "statement.Actor: is not a property"),
    ("null", S(), "actor.name", None, "statement.actor.name: must not be null"),
    ("null result", S(), "result", None, "statement.result: must not be null"),
    (
        "null in language map",
        S(),
        "verb.display.en-US",
        None,
        'statement.verb.display["en-US"]: must be a string',
    ),
    (
        "number as string",
        S(result={"score": {"raw": 1}}),
        "result.score.raw",
        "1",
        "statement.result.score.raw: must be a number",
    ),
    (
        "boolean as string",
        S(result={}),
        "result.success",
        "false",
        "statement.result.success: must be true or false",
    ),
    (
        "NaN",
        S(result={"score": {}}),
        "result.score.raw",
        float("nan"),
        "statement.result.score.raw: must be a number",
    ),
    ("object as string", S(), "result", "good", "statement.result: must be a JSON object"),
    (
        "broken objectType",
        S(),
        "actor.objectType",
        '"objectType": "Agent"',
        'statement.actor: has "objectType"',
    ),
    # 4.4 UUIDs
    (
        "id not a UUID",
        S(),
        "id",
        "MA97B177-9383-4934-8543-0F91A7A02836",
        "statement.id: must be a UUID",
    ),
    (
        "id too long",
        S(),
        "id",
        "AA97B177-9383-4934-8543-0F91A7A028368",
        "statement.id: must be a UUID",
    ),
    (
        "registration",
        S(context={}),
        "context.registration",
        "wrong",
        "statement.context.registration: must be a UUID",
    ),
    # 2.4.2 actor
    (
        "objectType case",
        S(),
        "actor.objectType",
        "agent",
        "statement.actor: has \"objectType\" 'agent'",
    ),
    (
        "no IFI",
        S(),
        "actor.mbox",
        DELETE,
        "statement.actor: an Agent must have exactly one identifier",
    ),
    (
        "two IFIs",
        S(),
        "actor.openid",
        "http://o.example.org",
        "statement.actor: an Agent must have exactly one identifier (mbox, mbox_sha1sum, "
        "openid or account); it has 2",
    ),
    (
        "mbox scheme",
        S(),
        "actor.mbox",
        "http://should.fail.com",
        "statement.actor.mbox: must be a mailto: IRI",
    ),
    (
        "mbox address",
        S(),
        "actor.mbox",
        "mailto:should.fail.com",
        "statement.actor.mbox: must be a mailto: IRI",
    ),
    (
        "sha1",
        S(),
        "actor",
        {"mbox_sha1sum": "xyz"},
        "statement.actor.mbox_sha1sum: must be a hex-encoded SHA-1",
    ),
    (
        "openid",
        S(),
        "actor",
        {"openid": "open.id.com/testUser"},
        "statement.actor.openid: must be an absolute IRI",
    ),
    (
        "homePage",
        S(),
        "actor",
        {"account": {"homePage": "homePage.com/u", "name": "1"}},
        "statement.actor.account.homePage: must be an absolute IRI",
    ),
    (
        "bad scheme",
        S(),
        "actor",
        {"account": {"homePage": "ab=c://should.fail.com", "name": "1"}},
        "statement.actor.account.homePage: must be an absolute IRI",
    ),
    (
        "account name",
        S(),
        "actor",
        {"account": {"homePage": "http://a.com"}},
        "statement.actor.account.name: is required",
    ),
    ("agent member", S(), "actor.member", [AGENT], "statement.actor.member: is not a property"),
    (
        "anonymous group without members",
        S(),
        "actor",
        {"objectType": "Group", "name": "x"},
        "statement.actor.member: an anonymous Group (one without an identifier) must list "
        "its members",
    ),
    (
        "anonymous group empty",
        S(),
        "actor",
        {"objectType": "Group", "member": []},
        "statement.actor.member: an anonymous Group",
    ),
    (
        "group with two IFIs",
        S(actor=GROUP),
        "actor.mbox",
        "mailto:g@example.com",
        "statement.actor: an identified Group must have exactly one identifier",
    ),
    (
        "group in group",
        S(actor=GROUP),
        "actor.member.0",
        GROUP,
        "statement.actor.member[0].objectType: must be 'Agent'",
    ),
    (
        "members not array",
        S(actor=GROUP),
        "actor.member",
        AGENT,
        "statement.actor.member: must be an array",
    ),
    # 2.4.3 verb
    (
        "verb id",
        S(),
        "verb.id",
        "not.a.valid.iri.com/verb",
        "statement.verb.id: must be an absolute IRI",
    ),
    ("verb no id", S(), "verb.id", DELETE, "statement.verb.id: is required"),
    (
        "display string",
        S(),
        "verb.display",
        "attended",
        "statement.verb.display: must be a JSON object",
    ),
    (
        "language tag",
        S(),
        "verb.display",
        {"a12345": "x"},
        "statement.verb.display: key 'a12345' must be a valid RFC 5646 language tag",
    ),
    (
        "language tag underscore",
        S(),
        "verb.display",
        {"en_US": "x"},
        "statement.verb.display: key 'en_US'",
    ),
    # 2.4.4 object
    (
        "object id",
        S(),
        "object.id",
        "example.adlnet.gov/xapi/a",
        "statement.object.id: must be an absolute IRI",
    ),
    (
        "object type case",
        S(),
        "object.objectType",
        "activity",
        "statement.object: has \"objectType\" 'activity'",
    ),
    (
        "agent object without objectType",
        S(),
        "object",
        {"mbox": "mailto:a@b.c"},
        "statement.object.objectType: an Agent or Group used as an object must have objectType",
    ),
    (
        "group object without objectType",
        S(),
        "object",
        {"member": [AGENT]},
        "statement.object.objectType: an Agent or Group",
    ),
    (
        "definition type",
        S(),
        "object.definition",
        {"type": "adlnet.gov/x"},
        "statement.object.definition.type: must be an absolute IRI",
    ),
    (
        "moreInfo",
        S(),
        "object.definition",
        {"moreInfo": "virtual.example.com"},
        "statement.object.definition.moreInfo: must be an absolute IRI",
    ),
    (
        "extension key",
        S(),
        "object.definition",
        {"extensions": {"not.valid.com/extension": 1}},
        "statement.object.definition.extensions: key 'not.valid.com/extension' must be an "
        "absolute IRI",
    ),
    (
        "interactionType value",
        S(object=INTERACTIONS[0]),
        "object.definition.interactionType",
        "True-False",
        "statement.object.definition.interactionType: must be 'true-false'",
    ),
    (
        "pattern without type",
        S(object=INTERACTIONS[0]),
        "object.definition.interactionType",
        DELETE,
        "statement.object.definition.interactionType: correctResponsesPattern needs an "
        "interactionType",
    ),
    (
        "choices without type",
        S(object=interaction("choice", choices=components("a"))),
        "object.definition.interactionType",
        DELETE,
        "statement.object.definition.interactionType: the component list choices needs an "
        "interactionType",
    ),
    (
        "wrong component list",
        S(object=INTERACTIONS[1]),
        "object.definition.scale",
        [],
        "statement.object.definition.scale: is not allowed for interactionType choice",
    ),
    (
        "components for true-false",
        S(object=INTERACTIONS[0]),
        "object.definition.choices",
        [],
        "statement.object.definition.choices: is not allowed",
    ),
    (
        "duplicate component ids",
        S(object=INTERACTIONS[1]),
        "object.definition.choices.1.id",
        "a",
        "statement.object.definition.choices: interaction component ids must be distinct",
    ),
    (
        "component description",
        S(object=INTERACTIONS[1]),
        "object.definition.choices.0.description",
        {"a12345": "x"},
        "statement.object.definition.choices[0].description: key 'a12345'",
    ),
    (
        "pattern not strings",
        S(object=INTERACTIONS[0]),
        "object.definition.correctResponsesPattern",
        [True],
        "statement.object.definition.correctResponsesPattern[0]: must be a string",
    ),
    (
        "statement ref case",
        S(object={"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}),
        "object.objectType",
        "statementref",
        "statement.object: has \"objectType\" 'statementref'",
    ),
    (
        "statement ref id",
        S(object={"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"}),
        "object.id",
        DELETE,
        "statement.object.id: is required",
    ),
    # SubStatement
    (
        "sub-statement id",
        S(object=SUB_STATEMENT),
        "object.id",
        "e05aa883-acaf-40ad-bf54-02c8ce485fb0",
        "statement.object.id: is not a property",
    ),
    (
        "sub-statement stored",
        S(object=SUB_STATEMENT),
        "object.stored",
        "2020-01-01T00:00:00Z",
        "statement.object.stored: is not a property",
    ),
    (
        "sub-statement version",
        S(object=SUB_STATEMENT),
        "object.version",
        "1.0.0",
        "statement.object.version: is not a property",
    ),
    (
        "sub-statement authority",
        S(object=SUB_STATEMENT),
        "object.authority",
        AGENT,
        "statement.object.authority: is not a property",
    ),
    (
        "nested sub-statement",
        S(object=SUB_STATEMENT),
        "object.object",
        SUB_STATEMENT,
        "statement.object.object: a SubStatement cannot contain another SubStatement",
    ),
    (
        "sub-statement actor",
        S(object=SUB_STATEMENT),
        "object.actor",
        DELETE,
        "statement.object.actor: is required",
    ),
    (
        "sub-statement objectType",
        S(object=SUB_STATEMENT),
        "object.objectType",
        "substatement",
        "statement.object: has \"objectType\" 'substatement'",
    ),
    (
        "sub-statement timestamp",
        S(object=SUB_STATEMENT),
        "object.timestamp",
        "01/011/2015",
        "statement.object.timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "sub-statement agent object",
        S(object=SUB_STATEMENT),
        "object.object",
        {"mbox": "mailto:a@b.c"},
        "statement.object.object.objectType: an Agent or Group",
    ),
    # 2.4.5 result
    (
        "scaled > 1",
        S(result={"score": {}}),
        "result.score.scaled",
        1.01,
        "statement.result.score.scaled: must be between -1 and 1",
    ),
    (
        "scaled < -1",
        S(result={"score": {}}),
        "result.score.scaled",
        -1.00001,
        "statement.result.score.scaled: must be between -1 and 1",
    ),
    (
        "raw > max",
        S(result={"score": {"max": 5}}),
        "result.score.raw",
        6,
        'statement.result.score.raw: must not be greater than "max"',
    ),
    (
        "raw < min",
        S(result={"score": {"min": 5}}),
        "result.score.raw",
        4,
        'statement.result.score.raw: must not be less than "min"',
    ),
    (
        "min >= max",
        S(result={"score": {"max": 5}}),
        "result.score.min",
        5,
        'statement.result.score.min: must be less than "max"',
    ),
    (
        "score number",
        S(result={}),
        "result.score",
        12345,
        "statement.result.score: must be a JSON object",
    ),
    (
        "duration",
        S(result={}),
        "result.duration",
        "PA1H0M0S",
        "statement.result.duration: must be an ISO 8601 duration",
    ),
    (
        "duration weeks",
        S(result={}),
        "result.duration",
        "P4W1D",
        "statement.result.duration: must be an ISO 8601 duration",
    ),
    (
        "duration alternative format",
        S(result={}),
        "result.duration",
        "P0003-01-29T04:35:59",
        "statement.result.duration: must be an ISO 8601 duration",
    ),
    (
        "empty duration",
        S(result={}),
        "result.duration",
        "PT",
        "statement.result.duration: must be an ISO 8601 duration",
    ),
    (
        "result extension key",
        S(result={}),
        "result.extensions",
        {"example.com/wrong": 1},
        "statement.result.extensions: key 'example.com/wrong' must be an absolute IRI",
    ),
    # 2.4.6 context
    (
        "team is an agent",
        S(context={}),
        "context.team",
        AGENT,
        "statement.context.team.objectType: must be 'Group'",
    ),
    (
        "instructor string",
        S(context={}),
        "context.instructor",
        "should fail",
        "statement.context.instructor: must be a JSON object",
    ),
    (
        "revision with agent object",
        S(object={"objectType": "Agent", "mbox": "mailto:a@b.c"}, context={}),
        "context.revision",
        "1",
        "statement.context.revision: may only be used when the statement's object is an Activity",
    ),
    (
        "platform with ref object",
        S(
            object={"objectType": "StatementRef", "id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
            context={},
        ),
        "context.platform",
        "x",
        "statement.context.platform: may only be used",
    ),
    (
        "platform in sub-statement with agent",
        S(object=SUB_STATEMENT),
        "object.object",
        {"objectType": "Agent", "mbox": "mailto:a@b.c"},
        "statement.object.context.platform: may only be used",
    ),
    (
        "revision with sub-statement object",
        S(object={**SUB_STATEMENT, "context": {}}, context={}),
        "context.revision",
        "1",
        "statement.context.revision: may only be used",
    ),
    (
        "language",
        S(context={}),
        "context.language",
        "a12345",
        "statement.context.language: must be a valid RFC 5646 language tag",
    ),
    (
        "context statement",
        S(context={}),
        "context.statement",
        {"id": "e05aa883-acaf-40ad-bf54-02c8ce485fb0"},
        "statement.context.statement.objectType: is required",
    ),
    (
        "context activity key",
        S(context={"contextActivities": {}}),
        "context.contextActivities.parents",
        [],
        "statement.context.contextActivities.parents: is not a property",
    ),
    (
        "context activity string",
        S(context={"contextActivities": {}}),
        "context.contextActivities.parent",
        "should fail",
        "statement.context.contextActivities.parent: must be a JSON object",
    ),
    (
        "context activity id",
        S(context={"contextActivities": {}}),
        "context.contextActivities.other",
        [{"id": "x y"}],
        "statement.context.contextActivities.other[0].id: must be an absolute IRI",
    ),
    (
        "context agent type",
        S(context=CONTEXT_AGENTS),
        "context.contextAgents.0.objectType",
        "Agent",
        "statement.context.contextAgents[0].objectType: must be 'contextAgent'",
    ),
    (
        "context agent agent",
        S(context=CONTEXT_AGENTS),
        "context.contextAgents.0.agent",
        {"name": "x"},
        "statement.context.contextAgents[0].agent: an Agent must have exactly one identifier",
    ),
    (
        "context agent group",
        S(context=CONTEXT_AGENTS),
        "context.contextAgents.0.agent",
        GROUP,
        "statement.context.contextAgents[0].agent.objectType: must be 'Agent'",
    ),
    (
        "relevant types empty",
        S(context=CONTEXT_AGENTS),
        "context.contextAgents.0.relevantTypes",
        [],
        "statement.context.contextAgents[0].relevantTypes: must not be empty",
    ),
    (
        "relevant types IRI",
        S(context=CONTEXT_AGENTS),
        "context.contextGroups.0.relevantTypes",
        ["x"],
        "statement.context.contextGroups[0].relevantTypes[0]: must be an absolute IRI",
    ),
    (
        "context group type",
        S(context=CONTEXT_AGENTS),
        "context.contextGroups.0.objectType",
        "contextgroup",
        "statement.context.contextGroups[0].objectType: must be 'contextGroup'",
    ),
    (
        "context group agent",
        S(context=CONTEXT_AGENTS),
        "context.contextGroups.0.group",
        AGENT,
        "statement.context.contextGroups[0].group.objectType: must be 'Group'",
    ),
    # 2.4.7/2.4.8 timestamps (Data 4.5)
    (
        "timestamp string",
        S(),
        "timestamp",
        "should fail",
        "statement.timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "timestamp date",
        S(),
        "timestamp",
        "01/011/2015",
        "statement.timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "timestamp -00",
        S(),
        "timestamp",
        "2008-09-15T15:53:00.601-00",
        "statement.timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "timestamp -0000",
        S(),
        "timestamp",
        "2008-09-15T15:53:00.601-0000",
        "statement.timestamp: must be",
    ),
    (
        "timestamp -00:00",
        S(),
        "timestamp",
        "2008-09-15T15:53:00.601-00:00",
        "statement.timestamp: must be",
    ),
    (
        "timestamp month 13",
        S(),
        "timestamp",
        "2008-13-15T15:53:00Z",
        "statement.timestamp: must be",
    ),
    ("timestamp number", S(), "timestamp", 1700000000, "statement.timestamp: must be a string"),
    ("stored", S(), "stored", "yesterday", "statement.stored: must be an ISO 8601 timestamp"),
    # 2.3.2 voiding
    (
        "voiding an activity",
        S(),
        "verb.id",
        "http://adlnet.gov/expapi/verbs/voided",
        "statement.object: a voiding statement (verb http://adlnet.gov/expapi/verbs/voided) "
        "must have a StatementRef as its object",
    ),
    # 2.4.9 authority
    (
        "identified group authority",
        S(),
        "authority",
        {**GROUP},
        "statement.authority: a Group as authority must be an anonymous Group of exactly "
        "two Agents",
    ),
    (
        "three member authority",
        S(),
        "authority",
        {
            "objectType": "Group",
            "member": [AGENT, {"mbox": "mailto:b@c.d"}, {"mbox": "mailto:c@d.e"}],
        },
        "statement.authority: a Group as authority",
    ),
    (
        "authority objectType",
        S(),
        "authority",
        {"objectType": "group", "mbox": "mailto:a@b.c"},
        "statement.authority: has \"objectType\" 'group'",
    ),
    # 2.4.11 attachments
    (
        "attachments not array",
        S(),
        "attachments",
        ATTACHMENT,
        "statement.attachments: must be an array",
    ),
    (
        "attachment usageType",
        S(attachments=[ATTACHMENT]),
        "attachments.0.usageType",
        "should fail",
        "statement.attachments[0].usageType: must be an absolute IRI",
    ),
    (
        "attachment display required",
        S(attachments=[ATTACHMENT]),
        "attachments.0.display",
        DELETE,
        "statement.attachments[0].display: is required",
    ),
    (
        "attachment contentType",
        S(attachments=[ATTACHMENT]),
        "attachments.0.contentType",
        12345,
        "statement.attachments[0].contentType: must be a string",
    ),
    (
        "attachment contentType format",
        S(attachments=[ATTACHMENT]),
        "attachments.0.contentType",
        "text",
        "statement.attachments[0].contentType: must be an Internet Media Type",
    ),
    (
        "attachment length",
        S(attachments=[ATTACHMENT]),
        "attachments.0.length",
        "27",
        "statement.attachments[0].length: must be an integer",
    ),
    (
        "attachment negative length",
        S(attachments=[ATTACHMENT]),
        "attachments.0.length",
        -1,
        "statement.attachments[0].length: must be greater than or equal to 0",
    ),
    (
        "attachment sha2",
        S(attachments=[ATTACHMENT]),
        "attachments.0.sha2",
        "should fail",
        "statement.attachments[0].sha2: must be a hex-encoded SHA-2 hash",
    ),
    (
        "attachment sha2 required",
        S(attachments=[ATTACHMENT]),
        "attachments.0.sha2",
        DELETE,
        "statement.attachments[0].sha2: is required",
    ),
    (
        "attachment fileUrl",
        S(attachments=[ATTACHMENT]),
        "attachments.0.fileUrl",
        "over.there.com/file.txt",
        "statement.attachments[0].fileUrl: must be an absolute IRI",
    ),
    (
        "attachment description",
        S(attachments=[ATTACHMENT]),
        "attachments.0.description",
        "x",
        "statement.attachments[0].description: must be a JSON object",
    ),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("base", "path", "value", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in REJECTIONS],
)
def test_invalid_statements_are_rejected(
    base: dict[str, Any], path: str, value: Any, message: str, version: str
) -> None:
    if version == VERSION_1 and "contextAgents" in base.get("context", {}):
        pytest.skip("contextAgents and contextGroups are xAPI 2.0")
    parse_statements(copy.deepcopy(base), version=version)  # the base itself is valid
    assert rejected(changed(base, path, value), version).startswith(message)


def test_error_is_a_value_error_with_path_and_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_statements(statement(actor={"mbox": "x"}), version=VERSION_1)
    error = info.value
    assert isinstance(error, XapiValidationError)
    assert error.path == "statement.actor.mbox"
    assert error.message.startswith("must be a mailto: IRI")
