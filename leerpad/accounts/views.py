from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leerpad.accounts import queries, services
from leerpad.accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    LoginForm,
    PersonForm,
    ProfileForm,
    ResetForm,
)
from leerpad.accounts.models import ApiToken, Location, Person
from leerpad.core.access import Capability, Role, require, roles_of

PEOPLE_PER_PAGE = 25


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        # The person's own language follows them from device to device.
        language = getattr(form.get_user(), "language", "") or settings.LANGUAGE_CODE
        translation.activate(language)
        _remember_language(response, language)
        return response


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is remembered."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_language(request.user, language)
        _remember_language(response, language)
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        response = redirect("accounts:profile")
        _remember_language(response, person.language)
        translation.activate(person.language)
        messages.success(request, _("Your profile was saved."))
        return response
    return _render_profile(request, form=form)


def _render_profile(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    new_token: str = "",
) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {
        "form": form or ProfileForm(instance=person),
        "person": person,
        "token_form": token_form or ApiTokenForm(),
        "tokens": ApiToken.objects.filter(person=person),
        "new_token": new_token,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Make a personal API token; the page shows it once, it is never stored in clear."""
    person: Person = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, plain = services.create_api_token(person, form.cleaned_data["name"])
        except services.ApiTokenError as exc:
            form.add_error("name", str(exc))
        else:
            # Rendered, not redirected: the plain token must not pass through the session.
            response = _render_profile(request, new_token=plain)
            response["Cache-Control"] = "no-store"
            return response
    return _render_profile(request, token_form=form)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = request.user  # type: ignore[assignment]
    token = get_object_or_404(ApiToken, pk=pk, person=person)
    if services.revoke_api_token(token, by=person):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@require(Capability.MANAGE_PEOPLE)
def people(request: HttpRequest) -> HttpResponse:
    """The people directory for admins: search, filter and page through everyone."""
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role._value2member_map_ else ""
    try:
        location_id = int(request.GET.get("location", "") or 0) or None
    except ValueError:
        location_id = None
    include_inactive = request.GET.get("inactive") == "1"
    found = queries.people_directory(
        search=search, location_id=location_id, role=role, include_inactive=include_inactive
    )
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "search": search,
        "role": role,
        "location_id": location_id,
        "include_inactive": include_inactive,
        "locations": Location.objects.all(),
        "roles": [r for r in Role if r is not Role.LEARNER],
    }
    template = "accounts/_people_rows.html" if request.htmx else "accounts/people.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require(Capability.MANAGE_PEOPLE)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Person.objects.select_related("job_role", "location", "team"), pk=pk)
    form = PersonForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            services.set_roles(saved, form.chosen_roles(), by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s was saved.") % {"name": saved})
        return redirect("accounts:person", pk=saved.pk)
    return render(
        request,
        "accounts/person.html",
        {"form": form, "person": found, "person_roles": roles_of(found)},
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
