"""Verifiable credentials in the API: a holder's signed credential, and the public check."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import Throttled

from backend.accounts.schemas import StrictIn
from backend.lib.validation import Id

from . import credentials
from .credential_views import VERIFY_LIMIT_PER_MINUTE, holder_credential, verify_result
from .credential_views import _limited as over_verify_limit

router = Router(tags=["credentials"])


class CredentialOut(Schema):
    certificate_id: int
    credential_id: str
    kid: str
    token: str = Field(..., description="The signed credential (VC-JWT, compact JWS, EdDSA)")
    credential: dict[str, Any] = Field(..., description="The Open Badges 3.0 document it signs")
    qr_text: str = Field(..., description="What the QR code carries")
    qr_is_whole_credential: bool
    verify_url: str
    jwks_url: str


class VerifyIn(StrictIn):
    credential: str = Field(
        ...,
        min_length=1,
        max_length=credentials.MAX_TOKEN_CHARS * 2,
        description="A VC-JWT, or any text holding one (a file's content, a QR code's text)",
    )
    name: str = Field(
        "",
        max_length=200,
        description="The holder's name as on their ID, to compare with the hashed name inside",
    )


class VerifyFactsOut(Schema):
    course: str
    criteria: str
    issuer: str
    programme: str
    valid_from: str
    completed_on: str
    description: str


class VerifyOut(Schema):
    status: str = Field(..., description="valid, revoked, tampered, unknown_key or unreadable")
    valid: bool
    message: str
    kid: str
    name_matches: bool | None = Field(
        ..., description="Whether the given name is the holder's (null: no name given or held)"
    )
    facts: VerifyFactsOut | None


@router.get(
    "/certificates/{certificate_id}/credential",
    response=CredentialOut,
    summary="The certificate as a signed Open Badges 3.0 credential (holder, trainers, managers)",
)
def certificate_credential(request: HttpRequest, certificate_id: Id) -> dict[str, Any]:
    credential = holder_credential(request, certificate_id)  # Http404: the API's 404 answer
    text, whole = credentials.qr_text(credential)
    return {
        "certificate_id": credential.certificate_id,
        "credential_id": credential.credential_id,
        "kid": credential.key.kid,
        "token": credential.token,
        "credential": credentials.decoded(credential.token),
        "qr_text": text,
        "qr_is_whole_credential": whole,
        "verify_url": credentials.verify_page_url(),
        "jwks_url": credentials.jwks_url(),
    }


@router.post(
    "/credentials/verify",
    auth=None,
    response=VerifyOut,
    summary="Check a verifiable credential: valid, revoked, tampered or signed by an unknown key",
    description=(
        f"Public. At most {VERIFY_LIMIT_PER_MINUTE} checks a minute from one address. "
        "A credential that is not valid is still a 200 answer: `status` says why."
    ),
)
def verify_credential(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    if over_verify_limit(request):
        raise Throttled(wait=59)
    return verify_result(credentials.verify_token(payload.credential), payload.name)
