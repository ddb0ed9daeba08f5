"""Writes of the recommendations app: "not for me" and its undo, one transaction each."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from leerpad.accounts.models import Person
from leerpad.catalog.models import ContentItem
from leerpad.core.logging import get_logger
from leerpad.paths.models import Path
from leerpad.recommend.models import Dismissal

log = get_logger(__name__)


@transaction.atomic
def dismiss(
    person: Person,
    *,
    item: ContentItem | None = None,
    path: Path | None = None,
    reason: str = Dismissal.Reason.NOT_RELEVANT,
) -> Dismissal:
    """The person says an item or a path is not for them; saying it again updates why."""
    if (item is None) == (path is None):
        raise ValueError("Dismiss either an item or a path.")
    dismissal, _created = Dismissal.objects.update_or_create(
        person=person,
        item=item,
        path=path,
        defaults={"reason": reason, "created_at": timezone.now()},
    )
    log.info("recommend.dismissed", person_id=person.pk, dismissal_id=dismissal.pk, reason=reason)
    return dismissal


@transaction.atomic
def undo_dismissal(dismissal: Dismissal) -> None:
    """The item or path may be suggested again."""
    log.info("recommend.undismissed", person_id=dismissal.person_id, dismissal_id=dismissal.pk)
    dismissal.delete()
