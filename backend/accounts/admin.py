from typing import Any

import allauth.mfa.admin  # registers allauth's admin first, so it can be replaced
import allauth.usersessions.admin  # noqa: F401
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from backend.lib.admin import ReadOnlyAdminMixin

from .audit import audit
from .models import (
    AuditEvent,
    Consent,
    ConsentNotice,
    ErasureRequest,
    ParticipantProfile,
    SecondFactor,
    SignInSession,
    User,
)


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
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
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


# allauth registers its two models under its own English names ("MFA", "User Sessions",
# "authenticators"); the admin shows them as proxies with translated names and columns, and
# opening one is an audited read like any other account record.
admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


@admin.register(SecondFactor)
class SecondFactorAdmin(AuditedReadMixin, admin.ModelAdmin):
    # Shown, never edited; the secret and the recovery codes (`data`) are never shown. Staff
    # may delete one for a person who lost the phone holding it, so that she can set it up anew.
    list_display = ("account", "kind", "created", "last_used")
    fields = readonly_fields = list_display
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("account"))
    def account(self, obj: SecondFactor) -> str:
        return str(obj.user)

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, obj: SecondFactor) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj: SecondFactor) -> Any:
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj: SecondFactor) -> Any:
        return obj.last_used_at


@admin.register(SignInSession)
class SignInSessionAdmin(AuditedReadMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Shown, never edited; the session key is never shown.
    list_display = ("account", "created", "last_seen", "address", "device")
    fields = readonly_fields = list_display
    list_select_related = ("user",)

    @admin.display(description=_("account"))
    def account(self, obj: SignInSession) -> str:
        return str(obj.user)

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj: SignInSession) -> Any:
        return obj.created_at

    @admin.display(description=_("last seen"), ordering="last_seen_at")
    def last_seen(self, obj: SignInSession) -> Any:
        return obj.last_seen_at

    @admin.display(description=_("address"))
    def address(self, obj: SignInSession) -> str:
        return str(obj.ip)

    @admin.display(description=_("device"))
    def device(self, obj: SignInSession) -> str:
        return str(obj.user_agent)[:80]
