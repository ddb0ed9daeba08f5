"""Page-specific filters of the analytics pages, validated at the edge.

The filters every page shares (period, location, team, job role, path) are
`analytics.filters.ScopeForm`; a page that needs one more choice extends it, so the shared
filter bar (`analytics/_filters.html`) draws and submits that choice with the others.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.analytics.filters import ScopeForm
from leerpad.analytics.questions.adoption import GROUPS

GROUPINGS = (
    ("", _("Everyone together")),
    ("location", _("By location")),
    ("team", _("By team")),
    ("job_role", _("By job role")),
)


class AdoptionForm(ScopeForm):
    """The shared filters plus how to split the weekly figures."""

    by = forms.ChoiceField(label=_("Show"), choices=GROUPINGS, required=False)

    def grouping(self) -> str | None:
        """The grouping asked for; none when absent or invalid (the field shows why)."""
        if not self.is_bound:
            return None
        self.is_valid()  # cleaned_data then holds the fields that are valid
        by = self.cleaned_data.get("by") or None
        return by if by in GROUPS else None
