"""Verifiable credentials in the portal: the holder's page (QR and file), the public check
of a pasted or uploaded credential, and what verifiers fetch: the key set and status lists."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from backend.accounts.audit import audit
from backend.accounts.http import request_user
from backend.lib.ratelimit import over_limit
from backend.programmes.models import Organisation

from . import access, credentials
from .models import Credential, StatusList

VERIFY_LIMIT_PER_MINUTE = 30  # as the certificate verification page
MAX_UPLOAD_BYTES = 64 * 1024
JWT_TYPE = "application/vc+jwt"


def _public(response: HttpResponse, max_age: int = 300) -> HttpResponse:
    """Anyone's browser or tool may fetch it, from any site."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def holder_credential(request: HttpRequest, certificate_id: int) -> Credential:
    user = request_user(request)
    certificate = access.access_certificate(user, certificate_id)
    if certificate is None:
        raise Http404
    credential = credentials.issue_credential(certificate)
    if certificate.enrollment.participant_id != user.pk:
        audit(user, "training.credential.download", subject=certificate.enrollment.participant,
              obj=certificate)  # fmt: skip
    return credential


@login_required
def credential_page(request: HttpRequest, certificate_id: int) -> HttpResponse:
    credential = holder_credential(request, certificate_id)
    _text, whole = credentials.qr_text(credential)
    context = {
        "certificate": credential.certificate,
        "credential": credential,
        "qr": credentials.qr_svg(credential),
        "qr_whole": whole,
        "verify_url": credentials.verify_page_url(),
    }
    return render(request, "training/credentials/certificate.html", context)


@login_required
def credential_file(request: HttpRequest, certificate_id: int) -> HttpResponse:
    credential = holder_credential(request, certificate_id)
    response = HttpResponse(credential.token, content_type=JWT_TYPE)
    filename = f"{credential.certificate.serial}.jwt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _submitted_text(request: HttpRequest) -> str:
    upload = request.FILES.get("file")
    if upload is not None:
        return upload.read(MAX_UPLOAD_BYTES).decode("utf-8", errors="replace")
    return str(request.POST.get("credential", ""))[: credentials.MAX_TOKEN_CHARS * 2]


def verify_result(verdict: credentials.Verdict, holder_name: str = "") -> dict[str, Any]:
    """What the page and the JSON endpoint report: the verdict, the signed facts and, when a
    name was given, whether it is the holder's."""
    document = verdict.credential or {}
    matches = None
    if holder_name.strip() and verdict.status in {credentials.VALID, credentials.REVOKED}:
        matches = credentials.name_matches(document, holder_name)
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    creator = achievement.get("creator") or {}
    return {
        "status": verdict.status,
        "valid": verdict.ok,
        "message": verdict.message,
        "kid": verdict.kid,
        "name_matches": matches,
        "facts": {
            "course": achievement.get("name", ""),
            "criteria": (achievement.get("criteria") or {}).get("narrative", ""),
            "issuer": (document.get("issuer") or {}).get("name", ""),
            "programme": creator.get("name", ""),
            "valid_from": document.get("validFrom", ""),
            "completed_on": str(subject.get("activityEndDate", ""))[:10],
            "description": document.get("description", ""),
        }
        if document and verdict.status in {credentials.VALID, credentials.REVOKED}
        else None,
    }


def _limited(request: HttpRequest) -> bool:
    return over_limit(request, "credential-verify", per_minute=VERIFY_LIMIT_PER_MINUTE)


@csrf_exempt  # a public form with no session behind it; nothing is changed by posting it
def verify_page(request: HttpRequest) -> HttpResponse:
    """Public: paste or upload a credential (or follow a QR's link) and see what it is."""
    if request.method not in {"GET", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    text = ""
    if request.method == "POST":
        text = _submitted_text(request)
    elif request.GET.get("c"):
        stored = (
            Credential.objects.filter(certificate__code=str(request.GET["c"]).strip().upper())
            .only("token")
            .first()
        )
        text = stored.token if stored else "-"
    result = None
    if text:
        if _limited(request):
            response = render(request, "training/verify_limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        holder = str(request.POST.get("name", ""))[:200]
        result = verify_result(credentials.verify_token(text), holder)
    return render(
        request,
        "training/credentials/verify.html",
        {"result": result, "jwks_url": credentials.jwks_url()},
    )


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    return _public(JsonResponse(credentials.jwk_set()))


@require_GET
def status_list(request: HttpRequest, list_id: int) -> HttpResponse:
    found = StatusList.objects.select_related("organisation").filter(pk=list_id).first()
    if found is None:
        raise Http404
    return _public(HttpResponse(credentials.status_list_token(found), content_type=JWT_TYPE))


@require_GET
def issuer_profile(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    keys = organisation.credential_keys.order_by("created_at", "pk")
    body = {
        "@context": credentials.CONTEXTS,
        "id": credentials.issuer_url(organisation.pk),
        "type": ["Profile"],
        "name": organisation.name,
        "url": credentials.verify_page_url(),
        "jwks_uri": credentials.jwks_url(),
        "keys": [
            {
                "kid": key.kid,
                "created": key.created_at.isoformat(),
                "retired": key.retired_at.isoformat() if key.retired_at else None,
            }
            for key in keys
        ],
    }
    return _public(JsonResponse(body, json_dumps_params={"ensure_ascii": False}), max_age=3600)
