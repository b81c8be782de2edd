from django.contrib import admin

from .models import IndicatorTarget, ReportSchedule, ScheduledReport


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
