from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, register_converter

from backend.accounts.headless import RequestLoginCodeView, ResetPasswordView, SessionsView
from backend.api import api
from backend.lib.converters import IdConverter
from backend.programmes import onboarding_views
from backend.programmes import views as programme_views

register_converter(IdConverter, "id")  # before the includes below, which use it

# The admin signs in through allauth, so MFA and the login rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Impulsa"


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: with hashed static names the manifest exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (PDFs, JSON).
    path("favicon.ico", favicon),
    path("api/v1/", api.urls),
    # Ahead of allauth's own routes: the same endpoints, refusing input that allauth would
    # crash on (backend/accounts/headless.py).
    path(
        "_allauth/app/v1/auth/code/request",
        RequestLoginCodeView.as_api_view(client="app"),
    ),
    path(
        "_allauth/app/v1/auth/password/reset",
        ResetPasswordView.as_api_view(client="app"),
    ),
    path("_allauth/app/v1/auth/sessions", SessionsView.as_api_view(client="app")),
    path("_allauth/", include("allauth.headless.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", programme_views.home, name="home"),
    path("", include("backend.ventures.urls")),
    path("", include("backend.training.urls")),
    path("", include("backend.finance.urls")),
    path("", include("backend.finance.fund.urls")),
    path("", include("backend.outcomes.urls")),
    path(
        "programmes/<id:programme_id>/participants/",
        programme_views.participants,
        name="participants",
    ),
    path(
        "programmes/<id:programme_id>/participants/export/",
        programme_views.participants_export,
        name="participants_export",
    ),
    path(
        "programmes/<id:programme_id>/participants/<id:user_id>/",
        programme_views.participant_detail,
        name="participant_detail",
    ),
    path(
        "programmes/<id:programme_id>/import/",
        onboarding_views.import_start,
        name="programme_import",
    ),
    path(
        "programmes/<id:programme_id>/import/<id:job_id>/",
        onboarding_views.import_job,
        name="programme_import_job",
    ),
    path(
        "programmes/<id:programme_id>/import/<id:job_id>/columns/",
        onboarding_views.import_mapping,
        name="programme_import_mapping",
    ),
    path(
        "programmes/<id:programme_id>/import/<id:job_id>/problems.csv",
        onboarding_views.import_errors,
        name="programme_import_errors",
    ),
    path(
        "programmes/<id:programme_id>/import/<id:job_id>/progress",
        onboarding_views.import_progress,
        name="programme_import_progress",
    ),
]

# Errors that reach Django on the API's paths are answered in JSON (backend/lib/http_errors.py).
handler400 = "backend.lib.http_errors.bad_request"
handler403 = "backend.lib.http_errors.permission_denied"
handler404 = "backend.lib.http_errors.page_not_found"
handler500 = "backend.lib.http_errors.server_error"
