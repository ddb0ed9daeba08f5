"""Validation errors with messages a client developer can act on.

pydantic reports an error as a location tuple plus an error type; the LRS answers 400
with one English sentence that names the offending field, e.g.
``statement[2].actor.mbox: must be a mailto: IRI with an e-mail address``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Messages for the string formats, keyed by their regular expression (common.py
# registers them): pydantic only says "String should match pattern '...'".
PATTERN_MESSAGES: dict[str, str] = {}


class XapiValidationError(ValueError):
    """A statement, agent or parameter is not valid xAPI; the LRS answers 400.

    ``str(error)`` is one English sentence that starts with the JSON path of the
    offending field.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def render_path(root: str, loc: tuple[int | str, ...]) -> str:
    parts = [root]
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item == "[key]" or (item.startswith("<") and item.endswith(">")):
            # pydantic puts the tag a discriminated union chose ("<Agent>", see
            # agent.py) in the location; it is not part of the client's JSON path.
            continue
        elif _IDENTIFIER.fullmatch(item):
            parts.append(f".{item}")
        else:
            parts.append(f"[{json.dumps(item, ensure_ascii=False)}]")
    return "".join(parts).lstrip(".")


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    is_key = bool(error["loc"]) and error["loc"][-1] == "[key]"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a property xAPI allows here (unknown properties are rejected)"
    if kind == "string_pattern_mismatch":
        text = PATTERN_MESSAGES.get(str(ctx.get("pattern")), "has an invalid format")
        if is_key:
            return f"key {_short(value)} {text}"
        return f"{text}, got {_short(value)}"
    if kind in {"string_type", "str_type"}:
        return f"must be a string, got {_short(value)}"
    if kind in {"float_type", "float_parsing", "finite_number"}:
        return f"must be a number, got {_short(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be an integer, got {_short(value)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false, got {_short(value)}"
    if kind in {"list_type", "tuple_type"}:
        return f"must be an array, got {_short(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be a JSON object, got {_short(value)}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected')}, got {_short(value)}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))[1:-1]
        expected = str(ctx.get("expected_tags")).replace("<", "").replace(">", "")
        return (
            f'has "objectType" {_short(tag)}, which is not allowed here; '
            f"expected one of {expected} (case-sensitive)"
        )
    if kind == "too_short":
        return "must not be empty"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return str(error["msg"]).replace("Input should be", "must be")
    # Our own rules (PydanticCustomError) and value errors: the message is the sentence.
    return str(error["msg"]).removeprefix("Value error, ")


def from_pydantic(exc: ValidationError, root: str) -> XapiValidationError:
    """The first error of a pydantic ValidationError as an XapiValidationError."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    if loc and loc[-1] == "[key]":
        loc = loc[:-2]  # the message names the key
    field = (error.get("ctx") or {}).get("field")
    if field:
        loc = (*loc, *str(field).split("."))
    return XapiValidationError(_message(error), path=render_path(root, loc))
