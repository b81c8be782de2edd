from django.urls import path

from . import views, webhooks

urlpatterns = [
    path("fund/<slug:slug>/", views.fund_page, name="fund_page"),
    path("fund/<slug:slug>/thanks/<uuid:donation_id>/", views.thanks, name="fund_thanks"),
    path("fund/<slug:slug>/cancelled/", views.cancelled, name="fund_cancelled"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("programmes/<id:programme_id>/fund/", views.programme_fund, name="programme_fund"),
]
