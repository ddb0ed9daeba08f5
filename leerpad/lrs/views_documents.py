"""Placeholder until implemented (being written now)."""
from django.http import HttpRequest, HttpResponse


def activity_state(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def activity_profile(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def activities(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def agent_profile(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def agents(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
