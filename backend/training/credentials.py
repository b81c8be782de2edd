"""Certificates as verifiable credentials: Open Badges 3.0 `OpenBadgeCredential`s in the
VC-JWT form (a JWS signed with the organisation's Ed25519 key, alg EdDSA, the JSON-LD
credential in the `vc` claim), revocation through a Bitstring Status List, and the check a
verifier runs on a pasted or scanned credential.

A credential says nothing the holder would not want a stranger to read: the course, the
organisation and programme, the dates, and the holder's name only as a salted hash (an OB 3.0
IdentityObject) that someone holding the person's ID can recompute. No phone, e-mail or
document number is in it. docs/credentials.md explains the choices.
"""

import base64
import datetime as dt
import gzip
import hashlib
import json
import re
import secrets
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

import segno
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from backend.lib.errors import Conflict
from backend.programmes.models import Organisation

from .models import Certificate, Credential, IssuerKey, Stage, StatusList

ALG = "EdDSA"
# RFC 9864 names the algorithm "Ed25519"; Open Badges 3.0 and today's VC tools expect "EdDSA".
ACCEPTED_ALGS = ("EdDSA", "Ed25519")
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# A status list is left for a new one once half its bits are used: indices are drawn at random
# so that a bit's place says nothing about when or to whom it was given.
LIST_FILL = 0.5
STATUS_LIST_TTL = dt.timedelta(days=1)
MAX_TOKEN_CHARS = 20_000
_ISSUER = re.compile(r"/credentials/issuers/(\d+)$")
_STATUS_LIST = re.compile(r"/credentials/status/(\d+)$")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}")


# --- keys -------------------------------------------------------------------------------------


def _fernet() -> Fernet:
    secret = str(settings.IMPULSA_CREDENTIAL_KEY_SECRET).encode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"impulsa credential keys"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def _lock(organisation: Organisation) -> Organisation:
    """Serialises key rotation and status-list allocation of one organisation."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def rotate_key(organisation: Organisation) -> IssuerKey:
    """A new signing key for the organisation; its earlier keys are retired, not deleted, so
    the credentials they signed still verify against the published key set."""
    _lock(organisation)
    now = timezone.now()
    IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).update(
        retired_at=now
    )
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kid = f"org{organisation.pk}-{now:%Y%m%d}-{secrets.token_hex(4)}"
    public = OKPKey.import_key(pem).as_dict(private=False)
    public.update({"kid": kid, "use": "sig", "alg": ALG})
    return IssuerKey.objects.create(
        organisation=organisation,
        kid=kid,
        public_jwk=public,
        private_key=_fernet().encrypt(pem),
        created_at=now,
    )


def active_key(organisation: Organisation) -> IssuerKey:
    """The key that signs now: the newest unretired one, made on first use."""
    key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    return key if key is not None else rotate_key(organisation)


def _signing_key(key: IssuerKey) -> OKPKey:
    pem = _fernet().decrypt(bytes(key.private_key))
    return OKPKey.import_key(pem, parameters={"kid": key.kid})


def jwk_set() -> dict[str, Any]:
    """Every key ever used to sign, retired ones included (JWK Set, RFC 7517)."""
    keys = IssuerKey.objects.order_by("organisation_id", "created_at", "pk")
    return {"keys": [key.public_jwk for key in keys]}


def _sign(key: IssuerKey, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc warns that RFC 9864 prefers "Ed25519"
        return jws.serialize_compact(
            {"alg": ALG, "kid": key.kid, "typ": "JWT"}, body, _signing_key(key), algorithms=[ALG]
        )


# --- addresses ---------------------------------------------------------------------------------


def issuer_url(organisation_id: int) -> str:
    return f"{settings.SITE_URL}/credentials/issuers/{organisation_id}"


def status_list_url(status_list_id: int) -> str:
    return f"{settings.SITE_URL}/credentials/status/{status_list_id}"


def verify_page_url() -> str:
    return f"{settings.SITE_URL}/credentials/verify/"


def jwks_url() -> str:
    return f"{settings.SITE_URL}/.well-known/jwks.json"


# --- status lists ------------------------------------------------------------------------------


def _empty_bits(size: int) -> bytes:
    return bytes(size // 8)


def bit_is_set(bits: bytes, index: int) -> bool:
    # Bit 0 is the leftmost (most significant) bit of the first byte.
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _set_bit(bits: bytes, index: int) -> bytes:
    data = bytearray(bits)
    data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def encode_bits(bits: bytes) -> str:
    """Multibase base64url (the `u` prefix, no padding) of the GZIP-compressed bitstring."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode_bits(encoded: str) -> bytes:
    body = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _open_list(organisation: Organisation) -> StatusList:
    latest = StatusList.objects.filter(organisation=organisation).order_by("-pk").first()
    if latest is not None and latest.credentials.count() < latest.size * LIST_FILL:
        return latest
    size = StatusList._meta.get_field("size").get_default()
    return StatusList.objects.create(organisation=organisation, size=size, bits=_empty_bits(size))


def _free_index(status_list: StatusList) -> int:
    while True:
        index = secrets.randbelow(status_list.size)
        if not status_list.credentials.filter(status_index=index).exists():
            return index


def status_list_token(status_list: StatusList) -> str:
    """The list as a signed BitstringStatusListCredential, valid for a day."""
    now = timezone.now().replace(microsecond=0)
    url = status_list_url(status_list.pk)
    issuer = issuer_url(status_list.organisation_id)
    credential = {
        "@context": [CONTEXTS[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _iso(now),
        "validUntil": _iso(now + STATUS_LIST_TTL),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(bytes(status_list.bits)),
        },
    }
    payload = {
        "iss": issuer,
        "jti": url,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + STATUS_LIST_TTL).timestamp()),
        "vc": credential,
    }
    return _sign(active_key(status_list.organisation), payload)


# --- issuing -----------------------------------------------------------------------------------


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_name(name: str) -> str:
    """The form of a name that is hashed: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def name_hash(name: str, salt: str) -> str:
    digest = hashlib.sha256((normalise_name(name) + salt).encode()).hexdigest()
    return f"sha256${digest}"


def _achievement(certificate: Certificate) -> dict[str, Any]:
    facts = certificate.facts
    cohort = certificate.enrollment.cohort
    programme = cohort.programme
    stage = str(facts.get("stage", ""))
    hours = facts.get("hours")
    rule = certificate.enrollment.completion_rule
    with translation.override(certificate.language):
        stage_label = str(Stage(stage).label) if stage in Stage.values else ""
    narrative = "; ".join(
        part
        for part in (
            rule,
            f"{hours} h" if hours else "",
            f"{stage_label} (SIYB)" if stage_label else "",
        )
        if part
    )
    return {
        "id": f"{settings.SITE_URL}/credentials/achievements/{facts.get('course_code', '')}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "humanCode": str(facts.get("course_code", "")),
        "name": str(facts.get("course_title", "")),
        # Required by Open Badges; the course's own text would often not fit in one QR code.
        "description": str(facts.get("course_title", "")),
        "criteria": {"narrative": narrative},
        "tag": ["SIYB", stage] if stage else ["SIYB"],
        "creator": {
            "id": f"{settings.SITE_URL}/credentials/programmes/{programme.pk}",
            "type": ["Profile"],
            "name": str(facts.get("programme", programme.name)),
            "parentOrg": {"id": issuer_url(programme.organisation_id), "type": ["Profile"]},
        },
    }


def _document(
    certificate: Certificate, credential_id: str, status_list: StatusList, index: int
) -> dict[str, Any]:
    facts = certificate.facts
    organisation_id = certificate.enrollment.cohort.programme.organisation_id
    subject: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["AchievementSubject"],
        "achievement": _achievement(certificate),
    }
    holder = str(facts.get("holder_name", ""))
    if holder:
        salt = secrets.token_hex(8)
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": name_hash(holder, salt),
                "identityType": "name",
                "hashed": True,
                "salt": salt,
            }
        ]
    if facts.get("start_date"):
        subject["activityStartDate"] = f"{facts['start_date']}T00:00:00Z"
    if facts.get("completed_on") or facts.get("end_date"):
        subject["activityEndDate"] = f"{facts.get('completed_on') or facts['end_date']}T00:00:00Z"
    status_url = status_list_url(status_list.pk)
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": str(facts.get("course_title", "")),
        "description": f"{certificate.serial} · {facts.get('programme', '')}",
        "issuer": {
            "id": issuer_url(organisation_id),
            "type": ["Profile"],
            "name": str(facts.get("organisation", "")),
            "url": verify_page_url(),
        },
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_url,
        },
    }


@transaction.atomic
def issue_credential(certificate: Certificate) -> Credential:
    """The certificate's credential: signed now with the organisation's key, or the one signed
    before. Certificates issued before credentials existed get theirs on first request."""
    existing = Credential.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    certificate = Certificate.objects.select_related(
        "enrollment__cohort__course", "enrollment__cohort__programme"
    ).get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise Conflict(
            _("This certificate was revoked, so it has no verifiable credential."),
            code="revoked",
        )
    organisation = _lock(certificate.enrollment.cohort.programme.organisation)
    existing = Credential.objects.filter(certificate=certificate).first()
    if existing is not None:  # made by a concurrent request while this one waited
        return existing
    key = active_key(organisation)
    status_list = _open_list(organisation)
    index = _free_index(status_list)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    document = _document(certificate, credential_id, status_list, index)
    issued = int(certificate.issued_at.timestamp())
    payload = {
        "iss": document["issuer"]["id"],
        "sub": document["credentialSubject"]["id"],
        "jti": credential_id,
        "iat": issued,
        "nbf": issued,
        "vc": document,
    }
    return Credential.objects.create(
        certificate=certificate,
        credential_id=credential_id,
        key=key,
        status_list=status_list,
        status_index=index,
        token=_sign(key, payload),
    )


@transaction.atomic
def revoke_credential(certificate: Certificate) -> None:
    """Sets the credential's bit in its published status list (no credential: nothing to do)."""
    credential = Credential.objects.filter(certificate=certificate).first()
    if credential is None:
        return
    status_list = StatusList.objects.select_for_update().get(pk=credential.status_list_id)
    status_list.bits = _set_bit(bytes(status_list.bits), credential.status_index)
    status_list.updated_at = timezone.now()
    status_list.save(update_fields=["bits", "updated_at"])


# --- verifying ---------------------------------------------------------------------------------

VALID = "valid"
REVOKED = "revoked"
TAMPERED = "tampered"
UNKNOWN_KEY = "unknown_key"
UNREADABLE = "unreadable"


@dataclass
class Verdict:
    status: str
    credential: dict[str, Any] | None = None
    kid: str = ""

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def message(self) -> str:
        messages = {
            VALID: _("This credential is valid: it was signed by the issuer and is not revoked."),
            REVOKED: _("This credential was revoked by its issuer. It is no longer valid."),
            TAMPERED: _(
                "This credential was changed after it was signed, or its signature is wrong. "
                "Do not trust it."
            ),
            UNKNOWN_KEY: _(
                "This credential was signed with a key that this issuer never published. "
                "Do not trust it."
            ),
            UNREADABLE: _(
                "This is not a credential we can read. Paste the whole text of the file, or "
                "scan its QR code again."
            ),
        }
        return str(messages[self.status])


def decoded(token: str) -> dict[str, Any]:
    """The credential document inside one of our own tokens (no check: for display)."""
    document = _b64json(token.split(".")[1]).get("vc")
    return document if isinstance(document, dict) else {}


def name_matches(document: dict[str, Any], name: str) -> bool | None:
    """Whether a name (as on the person's ID) is the one hashed into the credential; None when
    the credential holds no name."""
    for identity in (document.get("credentialSubject") or {}).get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "name":
            salt = str(identity.get("salt", ""))
            return secrets.compare_digest(
                name_hash(name, salt), str(identity.get("identityHash", ""))
            )
    return None


def find_token(text: str) -> str:
    """The first compact JWS in pasted text, a file or the JSON the API returns."""
    match = _TOKEN.search(text[: MAX_TOKEN_CHARS * 2])
    return match.group(0) if match else ""


def _b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def verify_token(text: str) -> Verdict:
    """Valid, revoked, tampered (signature or content), unknown key or unreadable."""
    token = find_token(text)
    if not token or len(token) > MAX_TOKEN_CHARS:
        return Verdict(UNREADABLE)
    try:
        header = _b64json(token.split(".")[0])
    except ValueError:
        return Verdict(UNREADABLE)
    if not isinstance(header, dict):
        return Verdict(UNREADABLE)
    if header.get("alg") not in ACCEPTED_ALGS:
        return Verdict(TAMPERED)  # "none", HMAC and the like: never accepted
    kid = str(header.get("kid", ""))
    key = IssuerKey.objects.filter(kid=kid).first()
    if key is None:
        return Verdict(UNKNOWN_KEY, kid=kid)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signed = jws.deserialize_compact(
                token, OKPKey.import_key(key.public_jwk), algorithms=list(ACCEPTED_ALGS)
            )
        payload = json.loads(signed.payload)
    except (JoseError, ValueError):
        return Verdict(TAMPERED, kid=kid)
    document = payload.get("vc") if isinstance(payload, dict) else None
    if not isinstance(document, dict):
        return Verdict(UNREADABLE, kid=kid)
    # Compared without the host, so that credentials keep verifying if the site moves.
    issuer = str(payload.get("iss", ""))
    named = _ISSUER.search(issuer)
    if named is None or int(named.group(1)) != key.organisation_id:
        return Verdict(TAMPERED, document, kid)  # one organisation's key speaking for another
    if (document.get("issuer") or {}).get("id") != issuer:
        return Verdict(TAMPERED, document, kid)
    if "OpenBadgeCredential" not in document.get("type", []):
        return Verdict(UNREADABLE, document, kid)
    return Verdict(REVOKED if _is_revoked(document, key) else VALID, document, kid)


def _is_revoked(document: dict[str, Any], key: IssuerKey) -> bool:
    status = document.get("credentialStatus") or {}
    found = _STATUS_LIST.search(str(status.get("statusListCredential", "")))
    try:
        list_id = int(found.group(1)) if found else 0
        index = int(status.get("statusListIndex", -1))
    except ValueError:
        return True
    status_list = StatusList.objects.filter(pk=list_id, organisation=key.organisation_id).first()
    if status_list is None or not 0 <= index < status_list.size:
        return True  # a signed credential always names its list: fail closed
    return bit_is_set(bytes(status_list.bits), index)


# --- QR --------------------------------------------------------------------------------------


def qr_text(credential: Credential) -> tuple[str, bool]:
    """What the QR code carries: the whole signed credential when it fits in one code (so it
    verifies offline), else the address of the verification page for this certificate."""
    try:
        segno.make(credential.token, error="l", mode="byte", micro=False)
    except segno.DataOverflowError:
        return f"{verify_page_url()}?c={credential.certificate.code}", False
    return credential.token, True


def qr_svg(credential: Credential) -> str:
    text, _whole = qr_text(credential)
    return str(segno.make(text, error="l", micro=False).svg_data_uri(scale=3, border=4))
