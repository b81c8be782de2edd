from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.lib.admin import ReadOnlyAdminMixin

from .models import BusinessRecord, LedgerEntry, Venture, VentureMonth


@admin.register(Venture)
class VentureAdmin(admin.ModelAdmin[Venture]):
    list_display = ["name", "programme", "sector", "currency", "formalisation", "started_on"]
    list_filter = ["programme", "sector", "formalisation"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]
    readonly_fields = ["currency", "country"]

    def get_readonly_fields(self, request: HttpRequest, obj: Venture | None = None) -> list[str]:
        # A venture never changes hands: its entries carry the owner their ids belong to.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "owner"] if obj is not None else fields


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[LedgerEntry]):
    """Read-only: the ledger changes only through the app's void, and the database enforces it."""

    list_display = [
        "sync_id", "venture", "kind", "amount", "occurred_on", "payment_method", "voided_at"
    ]  # fmt: skip
    list_filter = ["kind", "payment_method"]
    list_select_related = ["venture"]
    date_hierarchy = "occurred_on"


@admin.register(VentureMonth)
class VentureMonthAdmin(admin.ModelAdmin[VentureMonth]):
    list_display = ["venture", "month", "sales", "expenses", "entries", "active_days"]
    list_select_related = ["venture"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BusinessRecord)
class BusinessRecordAdmin(admin.ModelAdmin[BusinessRecord]):
    list_display = ["code", "venture", "issued_at", "months"]
    search_fields = ["code"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
