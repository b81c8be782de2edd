from django.apps import AppConfig


class VenturesConfig(AppConfig):
    name = "backend.ventures"
    label = "ventures"
    verbose_name = "Ventures"
