from django.urls import URLPattern, path
from django.views.generic import RedirectView

from . import credential_views, import_views, manage_views, views

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
    # Where a person types in the code from a paper certificate.
    path("verify/", views.verify_form, name="training_verify_form"),
    path("verify", RedirectView.as_view(pattern_name="training_verify_form", permanent=True)),
]

# Verifiable credentials (credential_views.py): the holder's page and file, the public check,
# and the key set and status lists verifiers fetch. Keep these addresses stable too: they are
# written inside signed credentials.
urlpatterns += [
    path(
        "training/certificates/<id:certificate_id>/credential/",
        credential_views.credential_page,
        name="training_credential",
    ),
    path(
        "training/certificates/<id:certificate_id>/credential.jwt",
        credential_views.credential_file,
        name="training_credential_file",
    ),
    path("credentials/verify/", credential_views.verify_page, name="credentials_verify"),
    path(
        "credentials/status/<id:list_id>", credential_views.status_list, name="credentials_status"
    ),
    path(
        "credentials/issuers/<id:organisation_id>",
        credential_views.issuer_profile,
        name="credentials_issuer",
    ),
    path(".well-known/jwks.json", credential_views.jwks, name="credentials_jwks"),
]

# Running a cohort (manage_views.py): cohorts, sessions, enrolment, withdrawal, revocation and
# the completion summary.
urlpatterns += [
    path(
        "training/programmes/<id:programme_id>/cohorts/new/",
        manage_views.cohort_new,
        name="training_cohort_new",
    ),
    path(
        "training/cohorts/<id:cohort_id>/edit/",
        manage_views.cohort_edit,
        name="training_cohort_edit",
    ),
    path(
        "training/cohorts/<id:cohort_id>/sessions/", manage_views.sessions, name="training_sessions"
    ),
    path(
        "training/sessions/<id:session_id>/move/",
        manage_views.session_move,
        name="training_session_move",
    ),
    path(
        "training/sessions/<id:session_id>/cancel/",
        manage_views.session_cancel,
        name="training_session_cancel",
    ),
    path("training/cohorts/<id:cohort_id>/enrol/", manage_views.enrol, name="training_enrol"),
    path(
        "training/enrollments/<id:enrollment_id>/withdraw/",
        manage_views.withdraw,
        name="training_withdraw",
    ),
    path(
        "training/certificates/<id:certificate_id>/revoke/",
        manage_views.revoke,
        name="training_revoke",
    ),
    path("training/cohorts/<id:cohort_id>/summary/", manage_views.summary, name="training_summary"),
]

# Enrolment from a file (import_views.py), for the programme's managers.
urlpatterns += [
    path(
        "training/cohorts/<id:cohort_id>/import/", import_views.import_start, name="training_import"
    ),
    path(
        "training/cohorts/<id:cohort_id>/import/<id:job_id>/",
        import_views.import_job,
        name="training_import_job",
    ),
    path(
        "training/cohorts/<id:cohort_id>/import/<id:job_id>/columns/",
        import_views.import_mapping,
        name="training_import_mapping",
    ),
    path(
        "training/cohorts/<id:cohort_id>/import/<id:job_id>/problems.csv",
        import_views.import_errors,
        name="training_import_errors",
    ),
]
