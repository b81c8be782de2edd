from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "backend.finance"
    label = "finance"
    verbose_name = "Finance"
