"""A person's sparks for their GDPR export and erasure (`privacy.signals.personal_data`,
`erase_personal_data`).

Erasure: a spark that nothing came of is deleted with its photo or video. A spark that
became a catalogue item or a campaign is kept as the team's record of where that came from,
but made anonymous: no sender, no credit, and its photo or video deleted (a picture from
the floor may show the person). Comments they wrote as a team member lose their author;
field visits they joined keep the visit without them.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from leerpad.accounts.models import Person
from leerpad.privacy.export import iso
from leerpad.privacy.signals import erase_personal_data
from leerpad.sparks.models import Comment, FieldVisit, Spark
from leerpad.sparks.services import delete_files_on_commit


def _linked() -> Any:
    from django.db.models import Q

    return Q(catalog_item__isnull=False) | Q(campaign__isnull=False)


def personal_data(sender: Any, person: Person, **_: Any) -> tuple[str, dict[str, Any]]:
    sparks = Spark.objects.filter(sender=person).select_related("location")
    return "sparks", {
        "sparks": [
            {
                "kind": s.kind,
                "text": s.text,
                "location": s.location.name if s.location else None,
                "may_name_you": s.credit_consent,
                "status": s.status,
                "has_photo_or_video": bool(s.media),
                "sent_at": iso(s.created_at),
            }
            for s in sparks.order_by("created_at", "pk")
        ],
        "field_visits": [
            {"location": v.location.name, "date": v.date.isoformat()}
            for v in FieldVisit.objects.filter(team=person).select_related("location")
        ],
        "comments": [
            {"text": c.text, "at": iso(c.created_at)} for c in Comment.objects.filter(author=person)
        ],
    }


@receiver(erase_personal_data, dispatch_uid="sparks.erase_personal_data")
def erase(sender: Any, person: Person, dry_run: bool, **_: Any) -> tuple[str, dict[str, int]]:
    mine = Spark.objects.filter(sender=person)
    to_delete = mine.exclude(_linked())
    to_keep = mine.filter(_linked())
    comments = Comment.objects.filter(author=person)
    visits = FieldVisit.objects.filter(team=person)
    counts = {
        "sparks": to_delete.count(),
        "sparks_made_anonymous": to_keep.count(),
        "spark_comments": comments.count(),
        "field_visits": visits.count(),
    }
    if dry_run:
        return "sparks", counts
    # Their files go after the commit (the post_delete receiver does it for deleted sparks).
    for spark in to_keep:
        delete_files_on_commit(spark.media.name or "", spark.thumbnail.name or "")
    to_keep.update(sender=None, credit_consent=False, media="", thumbnail="", media_type="")
    to_delete.delete()
    comments.update(author=None)
    FieldVisit.objects.filter(created_by=person).update(created_by=None)
    for visit in visits:
        visit.team.remove(person)
    return "sparks", counts
