"""Pages of the impact report: thin views over `services` and `queries`.

Who may do what (see docs/reports.md):
- reading published reports: VIEW_ANALYTICS (the analytics audience: L&D, marketing,
  LD&M managers, admins);
- editing the narrative, generating, publishing, regenerating and deleting, and reading
  drafts: MANAGE_PATHS (L&D specialists, LD&M managers, admins). The report argues for the
  L&D plan, and the people who build the paths are the ones who write that story;
  marketers read the published result.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leerpad.analytics.pages import PAGES
from leerpad.core.access import Capability, can, require
from leerpad.reports import figures, pdf, queries, services
from leerpad.reports.forms import GenerateForm, TemplateForm
from leerpad.reports.models import LANGUAGES, MonthlyReport
from leerpad.reports.narrative import PLACEHOLDERS, formatter

PER_PAGE = 12
EDIT = Capability.MANAGE_PATHS


def _tabs() -> dict[str, object]:
    return {"analytics_pages": PAGES, "analytics_page": "reports"}


def _report_for(request: HttpRequest, pk: int) -> MonthlyReport:
    """A report the person may read: drafts only for those who make reports."""
    report = get_object_or_404(MonthlyReport, pk=pk)
    if not report.published and not can(request.user, EDIT):
        raise Http404
    return report


@require(Capability.VIEW_ANALYTICS)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    editor = can(request.user, EDIT)
    page = Paginator(queries.reports_for(editor=editor), PER_PAGE).get_page(request.GET.get("page"))
    language = (get_language() or "en")[:2]
    form = GenerateForm(initial={"language": language}) if editor else None
    return render(
        request,
        "reports/list.html",
        {**_tabs(), "page": page, "form": form, "editor": editor, "languages": LANGUAGES},
    )


@require(EDIT)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month that is over and a language."))
        return redirect("reports:list")
    try:
        report = services.generate(
            form.chosen_month(),
            form.cleaned_data["language"],
            request.user,  # type: ignore[arg-type]
        )
    except services.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("reports:list")
    messages.success(request, _("The report is ready. It is a draft until you publish it."))
    return redirect(report)


@require(Capability.VIEW_ANALYTICS)
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = _report_for(request, pk)
    return render(
        request, "reports/report.html", {"report": found, "editor": can(request.user, EDIT)}
    )


@require(Capability.VIEW_ANALYTICS)
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = _report_for(request, pk)
    response = HttpResponse(pdf.render_pdf(found), content_type="application/pdf")
    name = f"leerpad-report-{found.month:%Y-%m}-{found.language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require(EDIT)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(MonthlyReport, pk=pk)
    publish_it = request.POST.get("published") == "1"
    services.set_published(found, publish_it)
    if publish_it:
        messages.success(request, _("Published: everyone with access to analytics can read it."))
    else:
        messages.success(request, _("Back to draft: only report makers can read it."))
    return redirect(found)


@require(EDIT)
@require_http_methods(["GET", "POST"])
def regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(MonthlyReport, pk=pk)
    if request.method == "POST":
        services.regenerate(found, request.user)  # type: ignore[arg-type]
        messages.success(request, _("The report was generated again with today's figures."))
        return redirect(found)
    return render(request, "reports/regenerate.html", {"report": found})


@require(EDIT)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(MonthlyReport, pk=pk)
    if request.method == "POST":
        services.delete_report(found)
        messages.success(request, _("The report was deleted."))
        return redirect("reports:list")
    return render(request, "reports/delete.html", {"report": found})


@require(EDIT)
@require_http_methods(["GET", "POST"])
def edit_template(request: HttpRequest, language: str) -> HttpResponse:
    if language not in services.LANGUAGE_CODES:
        raise Http404
    template = services.template_for(language)
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and "reset" in request.POST:
        services.reset_template(template, request.user)  # type: ignore[arg-type]
        messages.success(request, _("The template is back to the default text."))
        return redirect("reports:template", language=language)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(template, form.cleaned_data, request.user)  # type: ignore[arg-type]
        except ValidationError as exc:  # pragma: no cover - the form ran the same checks
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Template saved. New reports use it."))
            return redirect("reports:template", language=language)
    month = services.latest_closed_month()
    return render(
        request,
        "reports/template.html",
        {
            **_tabs(),
            "form": form,
            "template": template,
            "language": language,
            "languages": LANGUAGES,
            "placeholders": PLACEHOLDERS,
            "preview_month": month,
            "preview": _preview(form, language, month),
        },
    )


@require(EDIT)
@require_POST
def preview(request: HttpRequest, language: str) -> HttpResponse:
    """The narrative as typed so far, filled with the last closed month's figures (htmx)."""
    if language not in services.LANGUAGE_CODES:
        raise Http404
    form = TemplateForm(request.POST, instance=services.template_for(language))
    month = services.latest_closed_month()
    return render(
        request,
        "reports/_preview.html",
        {"preview": _preview(form, language, month), "preview_month": month},
    )


def _preview(form: TemplateForm, language: str, month: dt.date) -> dict[str, object]:
    """Filled texts and figures, or the errors that stop the texts from being filled.

    Why the last closed month rather than the month under way: figures that change from
    day to day let someone compare two previews and single out who joined in between
    (see core.guard, "repeated queries over time"); a month that is over stays put.
    """
    from django.utils import translation

    texts = {name: form.data.get(name, form.initial.get(name, "")) for name in form.fields}
    if not form.is_bound:
        texts = {name: str(form.initial.get(name, "")) for name in form.fields}
    errors = {}
    for name in form.fields:
        problems = formatter.problems(str(texts.get(name) or ""))
        if problems:
            errors[name] = problems
    if errors:
        return {"errors": errors}
    with translation.override(language):
        month_figures = figures.month_figures(month, language)
        return services.compose(month_figures, {k: str(v) for k, v in texts.items()})
