"""xAPI data model: validation and normalisation of statements and agents (pydantic).

One module per part of a statement, each citing the spec section it implements
(xAPI 1.0.3 "Data" chapter and xAPI 2.0 / IEEE 9274.1.1, which differ in places: the
version passed in chooses the rules).

The public contract, used by the rest of the LRS:

    XapiValidationError(message)           -- ValueError; message names the field path
    parse_statements(data, version)        -- one statement (dict) or a list -> list[dict]
    parse_agent(data, version)             -- Agent or identified Group, as a query param
    agent_ifi(agent)                       -- canonical IFI string of an Agent/Group
    index_statement(statement)             -- StatementIndex: the columns the store filters on
    format_ids(statement) / format_canonical(statement, languages)
                                           -- GET ?format=ids / ?format=canonical
"""
