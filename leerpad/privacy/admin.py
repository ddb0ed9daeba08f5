from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from leerpad.privacy.models import (
    AccessRecord,
    CoachConsent,
    ErasureRecord,
    ExportRecord,
    RetentionRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records and logs are read-only: a log that can be edited in the admin proves nothing.
    (Leerpad's own pages change them through the services, each in one transaction.)"""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CoachConsent)
class CoachConsentAdmin(ReadOnlyAdmin):
    list_display = ("person", "given_at", "withdrawn_at")


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "by_name", "start", "end", "rows")


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "months", "action", "statements", "store_pending")


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "reference", "requested_by", "done_by_name", "store_pending")
    exclude = ("store_person_id", "store_actor_keys")


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """Read-only: a log that can be edited in the admin proves nothing."""

    list_display = ("at", "viewer_name", "subject", "what")
    list_filter = ("what",)
    search_fields = ("viewer_name", "subject__email", "subject__last_name", "reason")
    date_hierarchy = "at"
