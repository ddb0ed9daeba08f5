"""The About resource, /xapi/about (xAPI Communication 2.8).

No authentication and no version header: a client reads it to learn which xAPI
versions it can speak here before it sends anything else. Both versions are listed,
1.0.3 first: 1.0.3 clients look for "1.0.3" in the list (2.8.s5), 2.0 clients for
"2.0.0". "extensions" is optional; Leerpad has none to announce.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

from leerpad.lrs.http import SUPPORTED_VERSIONS, XapiRequest, xapi_view


@xapi_view(scopes={"GET": set()}, needs_version=False, needs_auth=False)
def about(xreq: XapiRequest) -> HttpResponse:
    return JsonResponse({"version": list(SUPPORTED_VERSIONS), "extensions": {}})
