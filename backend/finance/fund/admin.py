from django.contrib import admin

from backend.lib.admin import ReadOnlyAdminMixin

from .models import Donation, Fund, FundEntry, Grant, StripeEvent


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Money records change only through the services and the webhook, never by hand."""


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "currency", "goal", "is_open"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "fund", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "fund"]


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyAdmin):
    list_display = ["fund", "kind", "amount", "source", "created_at"]
    list_filter = ["kind", "fund"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["fund", "venture", "amount", "status", "granted_at", "disbursed_at"]
    list_filter = ["status", "fund"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "received_at"]
    list_filter = ["type"]
