from django.urls import path

from . import views

urlpatterns = [
    path("tools/credit-cost/", views.credit_cost, name="credit_cost"),
    path("finance/lessons/", views.lessons, name="finance_lessons"),
    path("finance/lessons/<id:lesson_id>/", views.lesson_page, name="finance_lesson"),
    path("finance/savings/", views.savings, name="finance_savings"),
    path(
        "finance/knowledge-test/<str:kind>/",
        views.knowledge_test,
        name="finance_knowledge_test",
    ),
    path(
        "programmes/<id:programme_id>/finance/",
        views.literacy_summary,
        name="finance_literacy_summary",
    ),
]
