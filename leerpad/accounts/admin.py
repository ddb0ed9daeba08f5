from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from leerpad.accounts.models import JobRole, Location, PeopleImport, Person, Team


@admin.register(Person)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "employee_number", "location", "is_active"]
    list_filter = ["is_active", "groups", "location", "job_role"]
    search_fields = ["email", "first_name", "last_name", "employee_number"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "employee_number", "language")}),
        ("Organisation", {"fields": ("job_role", "location", "team", "manager", "coach")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "first_name", "password1", "password2")}),)
    raw_id_fields = ["manager", "coach"]


admin.site.register([Location, Team, JobRole])


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["filename", "uploaded_by", "uploaded_at", "status"]
    readonly_fields = ["summary"]
