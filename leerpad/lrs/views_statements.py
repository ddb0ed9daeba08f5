"""Placeholder until implemented (being written now)."""
from django.http import HttpRequest, HttpResponse


def statements(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
