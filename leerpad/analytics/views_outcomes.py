"""The Outcomes tab: completion per path, time to complete, quiz results per question, and
the items people found useful. Thin over `questions/outcomes.py` and `quiz_items.py`."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from leerpad.analytics import charts
from leerpad.analytics.filters import page_context
from leerpad.analytics.questions import outcomes, quiz_items
from leerpad.catalog.models import ContentItem
from leerpad.core.access import Capability, require
from leerpad.paths.models import Path
from leerpad.quizzes.models import Quiz


def _bin_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s+ days") % {"low": low}
    return _("%(low)s to %(high)s days") % {"low": low, "high": high - 1}


def _item_titles(iris: list[str]) -> dict[str, ContentItem]:
    """Liked item IRIs -> the catalogue items (by the item page's URL in the IRI)."""
    ids: dict[int, str] = {}
    for iri in iris:
        try:
            match = resolve(urlsplit(iri).path)
        except Resolver404:
            continue
        if match.view_name == "catalog:item":
            ids[int(match.kwargs["pk"])] = iri
    items = ContentItem.objects.filter(pk__in=ids).prefetch_related("translations")
    return {ids[item.pk]: item for item in items}


@require(Capability.VIEW_ANALYTICS)
@require_GET
def outcomes_page(request: HttpRequest) -> HttpResponse:
    ctx = page_context(request, "outcomes")
    language = get_language()
    if ctx.decision.allowed:
        scope = ctx.scope
        rates = outcomes.completion_rates(scope)
        titles = {p.key: str(p) for p in Path.objects.select_related("current")}
        # Only the paths whose split the table shows (see time_to_complete).
        duration = outcomes.time_to_complete(
            scope, [r.path_key for r in rates if r.completed is not None]
        )
        quizzes = outcomes.quiz_outcomes(scope)
        quiz_titles = {
            q.key: q.title(language)
            for q in Quiz.objects.filter(key__in=[q.quiz_key for q in quizzes])
        }
        liked = outcomes.liked_items(scope)
        items = _item_titles([entry.item_iri for entry in liked])
        chosen = request.GET.get("quiz", "")
        quiz = Quiz.objects.filter(key=chosen).first() if chosen else None
        others = request.GET.copy()
        others.pop("quiz", None)
        ctx.extra.update(
            quiz_base=others.urlencode(),
            rates=[(rate, titles.get(rate.path_key, rate.path_key)) for rate in rates],
            rates_chart=charts.bars(
                _("Completion rate"),
                [titles.get(r.path_key, r.path_key) for r in rates],
                [
                    (
                        _("Completed"),
                        [None if r.rate is None else round(100 * r.rate, 1) for r in rates],
                    )
                ],
                unit="%",
            )
            if rates
            else None,
            duration=duration,
            duration_chart=charts.bars(
                _("Time to complete"),
                [_bin_label(b.low, b.high) for b in duration.bins],
                [(_("People"), [b.people for b in duration.bins])],
            )
            if duration.completers
            else None,
            bin_labels=[(_bin_label(b.low, b.high), b) for b in duration.bins],
            quizzes=[(q, quiz_titles.get(q.quiz_key, q.quiz_key)) for q in quizzes],
            quiz=quiz,
            questions=quiz_items.question_figures(quiz.key, scope, language) if quiz else [],
            too_easy=round(100 * quiz_items.TOO_EASY),
            too_hard=round(100 * quiz_items.TOO_HARD),
            liked=[(entry, items.get(entry.item_iri)) for entry in liked],
        )
    return render(request, "analytics/outcomes.html", ctx.as_dict())
