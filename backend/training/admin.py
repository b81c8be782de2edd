from typing import Any

from django.contrib import admin

from .models import (
    Attendance,
    AttendanceMark,
    Certificate,
    Cohort,
    CohortSession,
    Course,
    Enrollment,
    IssuerKey,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title_es", "stage", "planned_hours", "min_attendance", "has_tests"]
    list_filter = ["stage", "counts_as_business_skills", "has_tests"]
    search_fields = ["code", "title_es", "title_en", "title_pt"]


class SessionInline(admin.TabularInline):
    model = CohortSession
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "programme", "start_date", "end_date", "capacity"]
    list_filter = ["programme", "course"]
    search_fields = ["name"]
    filter_horizontal = ["trainers"]
    inlines = [SessionInline]
    list_select_related = ["course", "programme"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Read-only here: enrollment, marks and scores change through the services, which keep
    capacity, history and completion right."""

    list_display = ["id", "cohort", "participant_id", "status", "completed_on"]
    list_filter = ["status", "cohort__programme"]
    list_select_related = ["cohort"]
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


class MarkInline(admin.TabularInline):
    model = AttendanceMark
    extra = 0
    readonly_fields = ["status", "marked_by", "marked_at"]
    can_delete = False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["id", "session", "enrollment_id", "status", "marked_at"]
    list_select_related = ["session__cohort"]
    readonly_fields = [f.name for f in Attendance._meta.fields]
    inlines = [MarkInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "code", "issued_at", "revoked_at"]
    search_fields = ["serial", "code"]
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    """Public facts only: the private half is never shown (it is not in `fields`)."""

    list_display = ["kid", "organisation", "created_at", "retired_at"]
    list_filter = ["organisation"]
    fields = ["kid", "organisation", "public_jwk", "created_at", "retired_at"]
    readonly_fields = ["kid", "organisation", "public_jwk", "created_at", "retired_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # keys are made by rotation (manage.py rotate_credential_keys)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # a deleted key would make its credentials unverifiable
