"""Delivery.location and Delivery.job_role: where the person worked, and in which job role,
when the message was planned (the report "what works for whom" groups by these).

Rows planned before this migration get the person's location and job role as they are
now. That is the best available: where a person worked at an earlier time was never
recorded, so someone who already moved counts for their new place on those old rows.
Rows planned from now on carry the values of the moment they were planned."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_snapshot(apps: Any, schema_editor: Any) -> None:
    """Copy each person's current location and job role onto their existing deliveries
    (one UPDATE; rows that already carry a snapshot are left as they are)."""
    Delivery = apps.get_model("campaigns", "Delivery")
    Person = apps.get_model("accounts", "Person")
    alias = schema_editor.connection.alias
    person = Person.objects.using(alias).filter(pk=OuterRef("person_id"))
    Delivery.objects.using(alias).filter(location__isnull=True, job_role__isnull=True).update(
        location_id=Subquery(person.values("location_id")[:1]),
        job_role_id=Subquery(person.values("job_role_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken"),
        ("campaigns", "0005_message_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="job_role",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.jobrole",
                verbose_name="job role when planned",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="accounts.location",
                verbose_name="location when planned",
            ),
        ),
        # Reversing only drops the columns: nothing to undo in the data.
        migrations.RunPython(fill_snapshot, migrations.RunPython.noop, elidable=True),
    ]
