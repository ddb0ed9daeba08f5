"""The Learning Record Store's tables.

Statements are stored whole (`payload`, exactly as they will be returned with
`format=exact`) plus indexed columns for every filter of GET /statements, so queries never
parse JSON. Agents and activities a statement mentions are also listed in link tables,
which serve the `agent`/`activity` filters and their `related_*` variants.

An agent is identified everywhere by its canonical inverse functional identifier string
(`leerpad.lrs.xapi.agent_ifi`): "mbox:mailto:a@b.c", "mbox_sha1sum:<hex>", "openid:<uri>"
or "account:<homePage>|<name>".
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """xAPI 1.0.3 / 2.0 OAuth scopes (Communication 4.3), used for Basic clients too."""

    STATEMENTS_WRITE = "statements/write", _("write statements")
    STATEMENTS_READ_MINE = "statements/read/mine", _("read own statements")
    STATEMENTS_READ = "statements/read", _("read all statements")
    STATE = "state", _("read and write state")
    DEFINE = "define", _("define activities and agents")
    PROFILE = "profile", _("read and write profiles")
    ALL_READ = "all/read", _("read everything")
    ALL = "all", _("everything")


class Client(models.Model):
    """A connected tool (e-learning package host, webinar tool, Leerpad itself, ...).

    It authenticates with HTTP Basic (key + secret); the secret is kept only as a hash.
    Everything it writes carries its `authority` agent.
    """

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True)
    secret_hash = models.CharField(max_length=256)
    scopes = models.JSONField(_("scopes"), default=list)
    authority = models.JSONField(_("authority"), default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        "accounts.Person", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    # The auto id orders statements by arrival: (stored, id) is a total order for paging.
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField(db_index=True)
    timestamp = models.DateTimeField()
    version = models.CharField(max_length=20)
    verb_iri = models.CharField(max_length=2048)
    actor_ifi = models.CharField(max_length=2048, blank=True)
    object_type = models.CharField(max_length=20)
    object_iri = models.CharField(max_length=2048, blank=True)  # activity id, when an Activity
    statement_ref = models.UUIDField(null=True, blank=True)  # target, when a StatementRef
    registration = models.UUIDField(null=True, blank=True)
    authority_ifi = models.CharField(max_length=2048, blank=True)
    voided = models.BooleanField(default=False)
    client = models.ForeignKey(Client, models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField()
    # The statement as it arrived (before the LRS added stored/authority/version): kept so
    # that the same id with the same content can be recognised when it is posted again.
    original = models.JSONField()

    class Meta:
        indexes = [
            models.Index(fields=["verb_iri", "stored"]),
            models.Index(fields=["actor_ifi", "stored"]),
            models.Index(fields=["object_iri", "stored"]),
            models.Index(fields=["registration", "stored"]),
            models.Index(fields=["statement_ref"]),
            models.Index(fields=["stored", "id"]),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent a statement mentions, and where (serves `agent` and `related_agents`)."""

    class Relation(models.TextChoices):
        ACTOR = "actor"
        OBJECT = "object"
        RELATED = "related"  # authority, instructor, team, sub-statement, group members

    statement = models.ForeignKey(Statement, models.CASCADE, related_name="agents")
    ifi = models.CharField(max_length=2048)
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        indexes = [models.Index(fields=["ifi", "relation"])]


class StatementActivity(models.Model):
    """An activity a statement mentions (serves `activity` and `related_activities`)."""

    class Relation(models.TextChoices):
        OBJECT = "object"
        RELATED = "related"  # context activities, sub-statement object

    statement = models.ForeignKey(Statement, models.CASCADE, related_name="activities")
    iri = models.CharField(max_length=2048)
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        indexes = [models.Index(fields=["iri", "relation"])]


class Attachment(models.Model):
    """Attachment content, stored once per SHA-2 hash whatever the number of statements."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    length = models.PositiveBigIntegerField()
    statements = models.ManyToManyField(Statement, related_name="attachment_files")


class Activity(models.Model):
    """The LRS's canonical definition of an activity (Activities resource)."""

    iri = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"


class Document(models.Model):
    """State, activity profile and agent profile documents (Communication 2.2-2.7).

    Missing parts of the key are stored as "" (not NULL) so the unique constraint holds.
    """

    class Kind(models.TextChoices):
        STATE = "state"
        ACTIVITY_PROFILE = "activity_profile"
        AGENT_PROFILE = "agent_profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_iri = models.CharField(max_length=2048, blank=True)
    agent_ifi = models.CharField(max_length=2048, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=2048)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_iri", "agent_ifi", "registration", "document_id"],
                name="lrs_document_unique_key",
            )
        ]
        indexes = [models.Index(fields=["kind", "activity_iri", "agent_ifi", "updated"])]
