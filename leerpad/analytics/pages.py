"""The analytics pages, in the order of their tabs.

Each page module adds its line here; the tab bar (`analytics/base.html`) is drawn from this
list, so a page is reachable as soon as it is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Page:
    slug: str
    label: str | Promise
    url_name: str


PAGES: tuple[Page, ...] = (
    Page("adoption", _("Adoption"), "analytics:adoption"),
    Page("content", _("Content"), "analytics:content"),
    Page("skills", _("Skills"), "analytics:skills"),
    Page("paths", _("Paths"), "analytics:paths"),
    Page("outcomes", _("Outcomes"), "analytics:outcomes"),
    Page("exports", _("Export (CSV)"), "privacy:exports"),
    Page("reports", _("Impact report"), "reports:list"),
)
