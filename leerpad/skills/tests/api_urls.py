"""A URLconf that mounts the skills router at /api/v1/skills/, with the same authentication.

Until leerpad/api.py mounts the router itself, the API tests use this URLconf (and
afterwards it still tests the router exactly as mounted there).
"""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI
from ninja.security import SessionAuth

from leerpad.api import ApiTokenAuth
from leerpad.skills.api import router

api = NinjaAPI(urls_namespace="skills-api-test", auth=[ApiTokenAuth(), SessionAuth()])
api.add_router("/skills/", router)

urlpatterns = [path("api/v1/", api.urls)]
