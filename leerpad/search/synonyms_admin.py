"""Editing synonym groups: the form and the one write function."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerpad.accounts.models import Person
from leerpad.search.models import SynonymGroup


class SynonymForm(forms.Form):
    terms = forms.CharField(
        label=_("Words that mean the same"),
        help_text=_("Separate them with commas, in any language: onthaal, onboarding, accueil"),
        max_length=2000,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_terms(self) -> list[str]:
        raw = self.cleaned_data["terms"]
        terms = list(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip()))
        if len(terms) < 2:
            raise forms.ValidationError(_("Give at least two words, separated by commas."))
        too_long = [t for t in terms if len(t) > 80]
        if too_long:
            raise forms.ValidationError(_("A word or phrase can be at most 80 characters."))
        return terms


@transaction.atomic
def save_group(group: SynonymGroup | None, terms: list[str], note: str, by: Person) -> SynonymGroup:
    group = group or SynonymGroup()
    group.terms = terms
    group.note = note
    group.updated_at = timezone.now()
    group.updated_by = by
    group.save()
    return group
