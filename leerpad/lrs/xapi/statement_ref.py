"""Statement Reference (xAPI Data 2.4.4.3, "Statement References")."""

from __future__ import annotations

from typing import Literal

from leerpad.lrs.xapi.common import UUIDStr, XapiModel


class StatementRef(XapiModel):
    """Statement Reference (Data 2.4.4.3): objectType "StatementRef" (required) and the
    UUID of a statement; the LRS does not check that the statement exists."""

    objectType: Literal["StatementRef"]
    id: UUIDStr
