"""xAPI data model: validation and normalisation of statements and agents (pydantic).

One module per part of a statement, each citing the spec section it implements
(xAPI 1.0.3 "Data" chapter and xAPI 2.0 / IEEE 9274.1.1, which differ in places: the
version passed in chooses the rules): common (IRIs, UUIDs, language maps, extensions,
timestamps, durations, the no-null/no-unknown-key base model), agent, verb, activity,
result, context, attachment, statement_ref, statement; index and formats read
validated statements. The models only validate: the LRS stores and returns the JSON
the client sent. The ADL LRS conformance suite decides what is accepted.

The public contract, used by the rest of the LRS:

    XapiValidationError(message)           -- ValueError; str() starts with the field path,
                                              e.g. "statement[2].actor.mbox: must be ..."
    parse_statements(data, version=)       -- one statement (dict) or a list -> list[dict],
                                              as sent (single contextActivities values
                                              become arrays); raises on the first problem
    parse_agent(data, version=)            -- Agent or identified Group, as a query param
    agent_ifi(agent)                       -- canonical IFI string of an Agent/Group
                                              ("mbox:mailto:a@b.c", "mbox_sha1sum:<hex>",
                                              "openid:<uri>", "account:<homePage>|<name>";
                                              "" for an anonymous Group)
    index_statement(statement)             -- StatementIndex: the columns the store filters on
    format_ids(statement) / format_canonical(statement, languages)
                                           -- GET ?format=ids / ?format=canonical
    activity_definitions(statement)        -- (activity id, definition) pairs to keep the
                                              canonical Activities up to date
    merge_definitions(old, new)            -- merge a received definition into the stored one
    is_iri / is_uuid / is_language_tag / parse_timestamp
                                           -- the same format checks, for query parameters
    VERSION_1 ("1.0.3"), VERSION_2 ("2.0.0")
"""

from leerpad.lrs.xapi.agent import agent_ifi
from leerpad.lrs.xapi.common import (
    VERSION_1,
    VERSION_2,
    is_iri,
    is_language_tag,
    is_uuid,
    parse_timestamp,
)
from leerpad.lrs.xapi.errors import XapiValidationError
from leerpad.lrs.xapi.formats import (
    activity_definitions,
    best_language,
    format_canonical,
    format_ids,
    merge_definitions,
)
from leerpad.lrs.xapi.index import StatementIndex, index_statement
from leerpad.lrs.xapi.statement import parse_agent, parse_statements

__all__ = [
    "VERSION_1",
    "VERSION_2",
    "StatementIndex",
    "XapiValidationError",
    "activity_definitions",
    "agent_ifi",
    "best_language",
    "format_canonical",
    "format_ids",
    "index_statement",
    "is_iri",
    "is_language_tag",
    "is_uuid",
    "merge_definitions",
    "parse_agent",
    "parse_statements",
    "parse_timestamp",
]
