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

import hashlib
from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=4096)  # the same verbs, agents and activities come again and again
def key_hash(text: str) -> int:
    """A signed 64-bit digest of an IRI or IFI, for the filter indexes.

    Indexes on the digests stay small and fast whatever the length of the IRIs (a B-tree
    entry on the raw text would break PostgreSQL's row size limit for very long ones).
    Queries filter on the digest and on the text, so a collision can never mix results.
    """
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


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
        "accounts.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # Set for a client that acts for one learner (the short-lived credentials a cmi5 or
    # xAPI package gets at launch): it may only record statements with that actor and
    # only touch that agent's documents, so a learner who copies the token from the page
    # cannot write for someone else.
    agent = models.JSONField(_("acts for"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    # The auto id orders statements by arrival: (stored, id) is a total order for paging.
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    version = models.CharField(max_length=20)
    verb_iri = models.TextField()
    verb_hash = models.BigIntegerField(default=0)  # key_hash(verb_iri)
    actor_ifi = models.CharField(max_length=2048, blank=True)
    object_type = models.CharField(max_length=20)
    object_iri = models.TextField(blank=True)  # activity id, when an Activity
    statement_ref = models.UUIDField(null=True, blank=True)  # target, when a StatementRef
    registration = models.UUIDField(null=True, blank=True)
    authority_ifi = models.TextField(blank=True)
    authority_hash = models.BigIntegerField(default=0)  # key_hash(authority_ifi)
    voided = models.BooleanField(default=False)
    client = models.ForeignKey(Client, models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField()
    # The statement as it arrived. The statement store leaves it empty: the payload
    # stands for it when the same id comes again, since the LRS only adds properties
    # that the comparison of Data 2.3.1 ignores (id, stored, authority, version, a
    # missing timestamp), and not writing the statement twice halves a write's bytes.
    original = models.JSONField(null=True, blank=True)

    class Meta:
        # Every GET /statements filter walks one of these in (stored, id) order, so a page
        # is read without sorting; the agent and activity filters use the link tables'.
        # Partial indexes keep the columns that are mostly empty out of the write path.
        indexes = [
            models.Index(fields=["stored", "id"], name="lrs_stmt_stored"),
            models.Index(fields=["verb_hash", "stored", "id"], name="lrs_stmt_verb"),
            models.Index(fields=["authority_hash", "stored", "id"], name="lrs_stmt_authority"),
            models.Index(fields=["actor_ifi", "stored"], name="lrs_stmt_actor"),
            models.Index(
                fields=["registration", "stored", "id"],
                name="lrs_stmt_registration",
                condition=Q(registration__isnull=False),
            ),
            # Statements that target another one: voiding lookups and the StatementRef
            # rule of GET /statements (Communication 2.1.3).
            models.Index(
                fields=["statement_ref"],
                name="lrs_stmt_ref",
                condition=Q(statement_ref__isnull=False),
            ),
            models.Index(
                fields=["stored", "id"],
                name="lrs_stmt_ref_stored",
                condition=Q(statement_ref__isnull=False),
            ),
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
    ifi = models.TextField()
    ifi_hash = models.BigIntegerField(default=0)  # key_hash(ifi)
    # Copied from the statement so that a filter reads its page in order from one index.
    stored = models.DateTimeField(default=timezone.now)
    # One row per agent and statement: the closest relation wins (actor, object, related).
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        indexes = [
            models.Index(fields=["ifi_hash", "stored", "statement"], name="lrs_stmtagent_ifi")
        ]

    def __str__(self) -> str:
        return f"{self.relation} {self.ifi}"


class StatementActivity(models.Model):
    """An activity a statement mentions (serves `activity` and `related_activities`)."""

    class Relation(models.TextChoices):
        OBJECT = "object"
        RELATED = "related"  # context activities, sub-statement object

    statement = models.ForeignKey(Statement, models.CASCADE, related_name="activities")
    iri = models.TextField()
    iri_hash = models.BigIntegerField(default=0)  # key_hash(iri)
    stored = models.DateTimeField(default=timezone.now)  # as in StatementAgent
    # One row per activity and statement: "object" wins over "related".
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        indexes = [
            models.Index(fields=["iri_hash", "stored", "statement"], name="lrs_stmtactivity_iri")
        ]

    def __str__(self) -> str:
        return f"{self.relation} {self.iri}"


class Attachment(models.Model):
    """Attachment content, stored once per SHA-2 hash whatever the number of statements."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    length = models.PositiveBigIntegerField()
    statements = models.ManyToManyField(Statement, related_name="attachment_files")

    def __str__(self) -> str:
        return f"{self.content_type} {self.sha2}"


class Activity(models.Model):
    """The LRS's canonical definition of an activity (Activities resource)."""

    iri = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.iri


class Document(models.Model):
    """State, activity profile and agent profile documents (Communication 2.2-2.7).

    Missing parts of the key are stored as "" (not NULL). The key columns are unbounded
    text, so uniqueness and lookups go through SHA-256 digests of the key: an index on
    the raw IRIs would break PostgreSQL's B-tree row size limit for long IRIs.
    """

    class Kind(models.TextChoices):
        STATE = "state"
        ACTIVITY_PROFILE = "activity_profile"
        AGENT_PROFILE = "agent_profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_iri = models.TextField(blank=True)
    agent_ifi = models.TextField(blank=True)
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.TextField()
    # sha256(kind, activity_iri, agent_ifi): the set that list and delete-all act on.
    context_hash = models.CharField(max_length=64)
    # sha256(kind, activity_iri, agent_ifi, registration, document_id): one document.
    key_hash = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["context_hash", "registration", "updated"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"
