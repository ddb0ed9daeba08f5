"""Attachment headers inside a statement (xAPI Data 2.4.11).

The attachment content itself (multipart/mixed parts, signatures) is the Statement
resource's business; here only the JSON object is validated.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from leerpad.lrs.xapi.common import IRI, IRL, LanguageMap, MediaType, Sha2Hex, XapiModel

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"


class Attachment(XapiModel):
    """Attachment (Data 2.4.11): usageType, display, contentType, length and sha2 are
    required; description and fileUrl are optional."""

    usageType: IRI
    display: LanguageMap
    description: LanguageMap | None = None
    contentType: MediaType
    length: Annotated[int, Field(ge=0)]
    sha2: Sha2Hex
    fileUrl: IRL | None = None
