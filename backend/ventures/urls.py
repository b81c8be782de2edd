from django.urls import URLPattern, path

from . import manager_views, views

urlpatterns: list[URLPattern] = [
    path("ventures/verify/<str:code>", views.verify_record, name="ventures_verify"),
    # A manager's view of a programme's ventures (manager_views.py).
    path(
        "programmes/<id:programme_id>/ventures/",
        manager_views.venture_list,
        name="manager_ventures",
    ),
    path(
        "programmes/<id:programme_id>/ventures/<id:venture_id>/",
        manager_views.venture_page,
        name="manager_venture",
    ),
    # The owner's books. Everything under business/ is in the service worker's scope.
    path("business/", views.business, name="business"),
    path("business/sw.js", views.service_worker, name="business_sw"),
    path("business/manifest.webmanifest", views.manifest, name="business_manifest"),
    path("business/new/", views.venture_new, name="business_new"),
    path("business/<id:venture_id>/", views.venture_home, name="business_venture"),
    path("business/<id:venture_id>/edit/", views.venture_edit, name="business_edit"),
    path("business/<id:venture_id>/photo", views.venture_photo, name="business_photo"),
    path("business/<id:venture_id>/entries/", views.entry_list, name="business_entries"),
    path("business/<id:venture_id>/entries/new/", views.entry_new, name="business_entry_new"),
    path(
        "business/<id:venture_id>/entries/<str:entry_id>/void/",
        views.entry_void,
        name="business_entry_void",
    ),
    path("business/<id:venture_id>/credit/", views.credit, name="business_credit"),
    path("business/<id:venture_id>/record.pdf", views.record_pdf, name="business_record"),
]
