from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "backend.lib"
    label = "lib"
    verbose_name = "Impulsa"
