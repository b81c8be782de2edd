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
]
