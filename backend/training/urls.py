from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("training/", views.cohorts, name="training_cohorts"),
    path("training/mine/", views.my_training, name="training_mine"),
    path("training/cohorts/<id:cohort_id>/", views.cohort_detail, name="training_cohort"),
    path("training/cohorts/<id:cohort_id>/scores/", views.scores, name="training_scores"),
    path(
        "training/cohorts/<id:cohort_id>/roster.csv", views.roster_csv, name="training_roster_csv"
    ),
    path(
        "training/cohorts/<id:cohort_id>/certificates/",
        views.issue_cohort_certificates,
        name="training_issue_all",
    ),
    path("training/sessions/<id:session_id>/", views.session_sheet, name="training_session"),
    path(
        "training/enrollments/<id:enrollment_id>/certificate/",
        views.issue_certificate,
        name="training_issue",
    ),
    path(
        "training/certificates/<id:certificate_id>/pdf",
        views.certificate_pdf,
        name="training_certificate_pdf",
    ),
    # The address printed in every certificate's QR code: keep it stable.
    path("verify/<str:code>", views.verify, name="training_verify"),
]
