from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.reports_home, name="reports"),
    path("reports/dashboard/", views.dashboard_page, name="reports_dashboard"),
    path("reports/schedules/", views.schedules_page, name="report_schedules"),
    path("reports/iati/", views.iati_export, name="reports_iati"),
    path("reports/<uuid:snapshot_id>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:snapshot_id>/report.<str:fmt>", views.report_export, name="report_export"),
]
