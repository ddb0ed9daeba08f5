"""Leerpad's JSON API at /api/v1/: one NinjaAPI, one router per app.

Callers authenticate with a personal API token (`Authorization: Bearer lp_…`, made on
the profile page or with `leerpad apitoken create`) or, in the browser, with their
session (then Django's CSRF check applies to writes). Either way the API acts as that
person, with their capabilities; what they may not do answers 403 with a JSON body.

The interactive docs (/api/v1/docs) use the Swagger UI files that django-ninja ships,
served by Leerpad like every other static file: no CDN.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.security import HttpBearer, SessionAuth

from leerpad.accounts.models import Person
from leerpad.accounts.services import person_for_api_token


class ApiTokenAuth(HttpBearer):
    """A personal API token: only its SHA-256 hash is stored; its person must be active."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        return person_for_api_token(token.strip())


api = NinjaAPI(
    title="Leerpad API",
    version="1",
    urls_namespace="api",
    description=(
        "Leerpad's catalogue (and search) as JSON. Authenticate with a personal API token "
        "in the header `Authorization: Bearer <token>`; make one on your profile page. "
        "The API acts as you, with your roles: writes to the catalogue need the L&D role."
    ),
    auth=[ApiTokenAuth(), SessionAuth()],
    # No validator badge: it would fetch from validator.swagger.io.
    docs=Swagger(settings={"persistAuthorization": True, "validatorUrl": None}),
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "You may not do this."}, status=403)


api.add_router("/catalog/", "leerpad.catalog.api.router")
api.add_router("/search/", "leerpad.search.api.router")
api.add_router("/quizzes/", "leerpad.quizzes.api.router")
api.add_router("/paths/", "leerpad.paths.api.router")
api.add_router("/skills/", "leerpad.skills.api.router")
api.add_router("/recommendations/", "leerpad.recommend.api.router")
api.add_router("/campaigns/", "leerpad.campaigns.api.router")
