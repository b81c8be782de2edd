from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("ventures/verify/<str:code>", views.verify_record, name="ventures_verify"),
]
