"""The Verb (xAPI Data 2.4.3)."""

from __future__ import annotations

from leerpad.lrs.xapi.common import IRI, LanguageMap, XapiModel

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class Verb(XapiModel):
    """Verb (Data 2.4.3): an IRI ("id", required) and an optional "display" language map."""

    id: IRI
    display: LanguageMap | None = None
