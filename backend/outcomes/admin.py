from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import IndicatorTarget, PriceIndex, ReportSchedule, ScheduledReport
from .prices import COLUMNS, import_csv

MAX_UPLOAD = 2 * 1024 * 1024


class PriceIndexImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: country, month, value, source. One row per country and month, such as "
            "PE,2026-03,104.25,INEI. A month already loaded is replaced."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


@admin.register(PriceIndex)
class PriceIndexAdmin(admin.ModelAdmin[PriceIndex]):
    """Each country's monthly consumer-price index, for figures in real terms. Loaded by CSV
    import (all rows or none, with an error per row) or edited one month at a time."""

    list_display = ["country", "month_label", "value", "source", "updated_at"]
    list_filter = ["country", "source"]
    date_hierarchy = "month"
    change_list_template = "admin/outcomes/priceindex/change_list.html"

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, obj: PriceIndex) -> str:
        return date_format(obj.month, "YEAR_MONTH_FORMAT")

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="outcomes_priceindex_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        errors: list[str] = []
        form = PriceIndexImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = import_csv(form.cleaned_data["file"].read())
            if not result.errors:
                messages.success(
                    request,
                    _(
                        "Price index loaded. Months added: %(created)s; months replaced: "
                        "%(updated)s."
                    )
                    % {"created": result.created, "updated": result.updated},
                )
                return HttpResponseRedirect(reverse("admin:outcomes_priceindex_changelist"))
            errors = result.errors
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a consumer-price index"),
            "form": form,
            "row_errors": errors,
            "columns": ", ".join(COLUMNS),
        }
        return TemplateResponse(
            request,
            "admin/outcomes/priceindex/import.html",
            context,
            status=422 if errors or form.errors else 200,
        )


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["programme", "indicator", "target", "period_start", "period_end"]
    list_filter = ["programme", "indicator"]
    list_select_related = ["programme"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["programme", "funder", "frequency", "active", "created_at"]
    list_filter = ["frequency", "active"]
    list_select_related = ["programme", "funder"]
    raw_id_fields = ["created_by"]


@admin.register(ScheduledReport)
class ScheduledReportAdmin(admin.ModelAdmin):
    list_display = ["schedule", "period_start", "period_end", "delivered_at"]
    list_select_related = ["schedule__programme", "schedule__funder"]
    readonly_fields = ["schedule", "period_start", "period_end", "delivered_at"]
