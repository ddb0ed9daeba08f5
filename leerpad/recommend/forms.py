"""Validation at the edge: what a "Not for me" form may say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leerpad.catalog.models import ContentItem, Status
from leerpad.paths.models import Path
from leerpad.recommend.models import Dismissal


class DismissForm(forms.Form):
    target = forms.ChoiceField(choices=[("item", "item"), ("path", "path")])
    id = forms.IntegerField(min_value=1)
    reason = forms.ChoiceField(
        label=_("Why is it not for you?"),
        choices=Dismissal.Reason.choices,
        initial=Dismissal.Reason.NOT_RELEVANT,
        required=False,
    )
    # Where the card sits: the home's panels show one reason, the full page all of them.
    layout = forms.ChoiceField(
        choices=[("panel", "panel"), ("page", "page")], required=False, initial="panel"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["reason"] = cleaned.get("reason") or Dismissal.Reason.NOT_RELEVANT
        target, pk = cleaned.get("target"), cleaned.get("id")
        if target == "item" and pk is not None:
            item = ContentItem.objects.filter(pk=pk, status=Status.PUBLISHED).first()
            if item is None:
                raise forms.ValidationError(_("This item is not in the catalogue any more."))
            cleaned["item"] = item
        elif target == "path" and pk is not None:
            path = Path.objects.filter(pk=pk, is_archived=False).first()
            if path is None:
                raise forms.ValidationError(_("This learning path is not offered any more."))
            cleaned["path"] = path
        return cleaned
