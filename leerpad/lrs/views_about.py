"""Placeholder until implemented (being written now)."""
from django.http import HttpRequest, HttpResponse


def about(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
