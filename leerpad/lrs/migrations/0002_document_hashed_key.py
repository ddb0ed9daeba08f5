# The document table is recreated rather than altered: it was introduced by 0001 in the
# same release, so it holds no data yet, and the new unique key_hash has no default that
# existing rows could share.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lrs", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Document"),
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("state", "State"),
                            ("activity_profile", "Activity Profile"),
                            ("agent_profile", "Agent Profile"),
                        ],
                        max_length=20,
                    ),
                ),
                ("activity_iri", models.TextField(blank=True)),
                ("agent_ifi", models.TextField(blank=True)),
                ("registration", models.CharField(blank=True, max_length=36)),
                ("document_id", models.TextField()),
                ("context_hash", models.CharField(max_length=64)),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("content_type", models.CharField(max_length=255)),
                ("content", models.BinaryField()),
                ("etag", models.CharField(max_length=64)),
                ("updated", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["context_hash", "registration", "updated"],
                        name="lrs_documen_context_b5699c_idx",
                    )
                ],
            },
        ),
    ]
