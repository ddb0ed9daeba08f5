from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from leerpad.privacy.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a log that can be edited in the admin proves nothing."""

    list_display = ("at", "viewer_name", "subject", "what")
    list_filter = ("what",)
    search_fields = ("viewer_name", "subject__email", "subject__last_name", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
