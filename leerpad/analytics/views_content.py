"""The Content tab: most and least used items, started but not finished, stale items still
in use, and search gaps. Thin: the questions apply the group-size rule themselves."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from leerpad.analytics import charts
from leerpad.analytics.filters import page_context
from leerpad.analytics.questions.content import ItemFigure, content_report
from leerpad.analytics.questions.search_gaps import search_gaps
from leerpad.core.access import Capability, require
from leerpad.core.guard import min_group_size

UNUSED_PER_PAGE = 25


def _people_text(figure: ItemFigure, k: int) -> str:
    if figure.people is not None:
        return str(figure.people)
    if figure.fewer_than_k:
        return _("fewer than %(k)s") % {"k": k}
    return _("withheld")


def _meters(figures: list[ItemFigure], k: int) -> list[charts.Meter]:
    rows = [(f.title, float(f.people or 0), _people_text(f, k)) for f in figures]
    return charts.meters(rows, urls=[f.url for f in figures])


def _language(code: str) -> str:
    """A language's own name ("Nederlands"), or its code when Django does not know it."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


@require(Capability.VIEW_ANALYTICS)
@require_GET
def content(request: HttpRequest) -> HttpResponse:
    """Which items are used, which are not, and what people search for and do not find."""
    # Catalogue pages record no path context, and searches have none: no path filter.
    ctx = page_context(request, "content", with_path=False)
    if ctx.decision.allowed:
        k = min_group_size()
        report = content_report(ctx.scope)
        gaps = search_gaps(ctx.scope)
        unused = Paginator(report.unused, UNUSED_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        search = reverse("search:results")
        ctx.extra.update(
            {
                "report": report,
                "most_used": _meters(report.most_used, k),
                "least_used": _meters(report.least_used, k),
                "unused_page": unused,
                "page_query": query.urlencode(),
                "gaps": gaps,
                "gap_rows": [
                    (g, f"{search}?{urlencode({'q': g.query})}", _language(g.language))
                    for g in gaps.gaps
                ],
            }
        )
    return render(request, "analytics/content.html", ctx.as_dict())
