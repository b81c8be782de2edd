from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

from backend.lib.admin import ReadOnlyAdminMixin

from .audit import audit
from .models import AuditEvent, Consent, ConsentNotice, ErasureRequest, ParticipantProfile, User


class AuditedReadMixin:
    """Opening a record of personal data in the admin is a staff read: it is audited."""

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = super().change_view(request, object_id, *args, **kwargs)  # type: ignore[misc]
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        subject = obj if isinstance(obj, User) else getattr(obj, "user", None)
        action = "admin.change" if request.method == "POST" else "admin.view"
        audit(request.user, action, subject=subject, obj=obj)
        return response


@admin.register(User)
class UserAdmin(AuditedReadMixin, BaseUserAdmin):
    ordering = ["id"]
    list_display = ["id", "email", "phone", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "phone"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "phone_verified", "password", "preferred_language")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "phone", "password1", "password2")}),
    )


@admin.register(ParticipantProfile)
class ParticipantProfileAdmin(AuditedReadMixin, admin.ModelAdmin):
    list_display = ["user_id", "country", "region", "updated_at"]
    list_filter = ["country"]
    raw_id_fields = ["user"]


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user_id", "notice", "channel", "given_at", "withdrawn"]
    raw_id_fields = ["user", "witness"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # consent records are append-only


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "requested_at", "due_at", "completed_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject", "object_type", "object_id"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
