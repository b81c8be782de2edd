"""Open Badges 3.0 credentials of certificates: issue, verify, tamper, revoke, rotate keys, and
a check by an independent implementation (raw Ed25519 from `cryptography`, not joserfc)."""

import base64
import gzip
import json
import re
from typing import Any

import pytest
import weasyprint
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.training import credentials, services
from backend.training.models import (
    Certificate,
    CohortSession,
    Course,
    Credential,
    Enrollment,
    IssuerKey,
)
from tests.conftest import ApiClient, World

from .pdfs import qr_texts


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@pytest.fixture
def completed(
    world: World,
    course: Course,
    enrollment_a: Enrollment,
    sessions: list[CohortSession],
    attend: Any,
) -> Enrollment:
    services.record_scores(actor=world.trainer, enrollment=enrollment_a, post_score=80)
    attend(enrollment_a, sessions, "PPPPPPPPPP")
    return Enrollment.objects.get(pk=enrollment_a.pk)


@pytest.fixture
def certificate(world: World, completed: Enrollment) -> Certificate:
    return services.issue_certificate(actor=world.trainer, enrollment=completed)[0]


def _token(certificate: Certificate) -> str:
    return Credential.objects.get(certificate=certificate).token


def _verify_independently(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """What any verifier does with the published key set: no joserfc, no project code."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    assert header["alg"] == "EdDSA"
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    public = Ed25519PublicKey.from_public_bytes(_b64(jwk["x"]))
    public.verify(_b64(signature_b64), f"{header_b64}.{payload_b64}".encode())  # raises if bad
    return json.loads(_b64(payload_b64))


def test_issuing_a_certificate_signs_an_open_badge_that_verifies(
    world: World, certificate: Certificate
) -> None:
    verdict = credentials.verify_token(_token(certificate))
    assert verdict.status == "valid"
    vc = verdict.credential
    assert vc is not None
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == "Inicia tu Negocio"
    assert "30 h" in achievement["criteria"]["narrative"]
    assert "post-test 80" in achievement["criteria"]["narrative"]
    assert achievement["creator"]["name"] == world.programme_a.name
    assert vc["issuer"]["name"] == world.programme_a.organisation.name
    assert vc["issuer"]["url"].endswith("/credentials/verify/")
    assert vc["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert vc["validFrom"].endswith("Z")


def test_the_credential_carries_no_phone_email_or_plain_name(
    world: World, certificate: Certificate
) -> None:
    token = _token(certificate)
    text = json.dumps(credentials.decoded(token), ensure_ascii=False)
    participant = world.participant_a
    for secret in (participant.phone, participant.email, "Participant A"):
        if secret:
            assert secret not in text
    (identity,) = credentials.decoded(token)["credentialSubject"]["identifier"]
    # Someone holding the person's ID recomputes the hash from the printed name and the salt.
    assert identity["identityHash"] == credentials.name_hash("  participant  a ", identity["salt"])
    assert identity["hashed"] is True


def test_a_verifier_checks_the_signature_with_another_library(
    certificate: Certificate,
) -> None:
    token = _token(certificate)
    jwks = Client().get("/.well-known/jwks.json")
    assert jwks["Access-Control-Allow-Origin"] == "*"
    payload = _verify_independently(token, jwks.json())
    assert payload["vc"]["id"] == payload["jti"]
    assert payload["iss"] == payload["vc"]["issuer"]["id"]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(InvalidSignature):
        _verify_independently(tampered, jwks.json())


@pytest.mark.parametrize("part", [0, 1, 2])
def test_changing_one_byte_anywhere_is_refused(certificate: Certificate, part: int) -> None:
    token = _token(certificate)
    pieces = token.split(".")
    raw = bytearray(_b64(pieces[part]))
    raw[len(raw) // 2] ^= 0x01
    pieces[part] = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    status = credentials.verify_token(".".join(pieces)).status
    # A changed header names a key or algorithm it was not signed with; both are refused.
    assert status in ({"tampered"} if part else {"tampered", "unknown_key", "unreadable"})
    assert status != "valid"


def test_a_credential_that_grants_itself_a_better_course_is_refused(
    certificate: Certificate,
) -> None:
    header, payload, signature = _token(certificate).split(".")
    body = json.loads(_b64(payload))
    body["vc"]["credentialSubject"]["achievement"]["name"] = "Expand Your Business"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    assert credentials.verify_token(f"{header}.{forged}.{signature}").status == "tampered"


def test_alg_none_and_unknown_keys_are_refused(certificate: Certificate) -> None:
    _header, payload, _sig = _token(certificate).split(".")
    none = base64.urlsafe_b64encode(b'{"alg":"none","kid":"x"}').rstrip(b"=").decode()
    assert credentials.verify_token(f"{none}.{payload}.AAAAAAAAAAAAAAAAAAAAAAAA").status == (
        "tampered"
    )
    stranger = base64.urlsafe_b64encode(b'{"alg":"EdDSA","kid":"elsewhere"}').rstrip(b"=")
    token = f"{stranger.decode()}.{payload}.AAAAAAAAAAAAAAAAAAAAAAAA"
    assert credentials.verify_token(token).status == "unknown_key"
    assert credentials.verify_token("hello").status == "unreadable"


def test_revoking_the_certificate_flips_its_bit_in_the_published_list(
    world: World, certificate: Certificate
) -> None:
    token = _token(certificate)
    status = credentials.decoded(token)["credentialStatus"]
    index = int(status["statusListIndex"])
    path = status["statusListCredential"].removeprefix("http://127.0.0.1:8000")
    jwks = Client().get("/.well-known/jwks.json").json()

    def published_bit() -> bool:
        response = Client().get(path)
        assert response["Content-Type"] == "application/vc+jwt"
        listed = _verify_independently(response.content.decode(), jwks)["vc"]
        assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        encoded = listed["credentialSubject"]["encodedList"]
        assert encoded.startswith("u")
        bits = gzip.decompress(_b64(encoded[1:]))
        assert len(bits) * 8 >= 131_072
        return bool(bits[index // 8] & (0x80 >> (index % 8)))

    assert published_bit() is False
    resp = ApiClient(world.manager).post(
        f"certificates/{certificate.pk}/revoke", {"reason": "Attendance was misrecorded"}
    )
    assert resp.status_code == 200
    assert published_bit() is True
    assert credentials.verify_token(token).status == "revoked"


def test_after_key_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(
    world: World, certificate: Certificate, enrollment_b: Enrollment, attend: Any
) -> None:
    old = _token(certificate)
    old_kid = json.loads(_b64(old.split(".")[0]))["kid"]
    call_command("rotate_credential_keys", str(world.programme_a.organisation_id))
    keys = IssuerKey.objects.filter(organisation=world.programme_a.organisation)
    assert keys.count() == 2
    assert keys.get(kid=old_kid).retired_at is not None
    assert credentials.verify_token(old).status == "valid"
    _verify_independently(old, Client().get("/.well-known/jwks.json").json())
    services.record_scores(actor=world.trainer, enrollment=enrollment_b, post_score=90)
    attend(enrollment_b, list(enrollment_b.cohort.sessions.all()), "PPPPPPPPPP")
    second, _ = services.issue_certificate(actor=world.trainer, enrollment=enrollment_b)
    new_kid = json.loads(_b64(_token(second).split(".")[0]))["kid"]
    assert new_kid != old_kid
    assert keys.get(kid=new_kid).retired_at is None


def test_private_keys_are_stored_encrypted_and_never_published(certificate: Certificate) -> None:
    key = IssuerKey.objects.get()
    assert b"PRIVATE KEY" not in bytes(key.private_key)
    published = Client().get("/.well-known/jwks.json").json()["keys"]
    assert published
    assert all("d" not in k for k in published)
    assert "d" not in key.public_jwk


def test_certificates_issued_before_credentials_get_one_on_first_download(
    world: World, certificate: Certificate
) -> None:
    Credential.objects.all().delete()
    resp = ApiClient(world.participant_a).get(f"certificates/{certificate.pk}/credential")
    assert resp.status_code == 200
    body = resp.json()
    assert credentials.verify_token(body["token"]).status == "valid"
    assert body["credential"]["credentialSubject"]["achievement"]["humanCode"] == "siyb-start"
    again = ApiClient(world.participant_a).get(f"certificates/{certificate.pk}/credential")
    assert again.json()["token"] == body["token"]
    assert Credential.objects.count() == 1


def test_other_participants_cannot_download_someone_elses_credential(
    world: World, certificate: Certificate
) -> None:
    resp = ApiClient(world.participant_b).get(f"certificates/{certificate.pk}/credential")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"
    page = Client()
    page.force_login(world.participant_b)
    assert page.get(f"/training/certificates/{certificate.pk}/credential.jwt").status_code == 404


def test_the_portal_file_and_the_qr_code_carry_the_whole_credential(
    world: World, certificate: Certificate
) -> None:
    browser = Client()
    browser.force_login(world.participant_a)
    mine = browser.get("/training/mine/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert f"/training/certificates/{certificate.pk}/credential/" in mine
    file = browser.get(f"/training/certificates/{certificate.pk}/credential.jwt")
    assert file["Content-Disposition"] == f'attachment; filename="{certificate.serial}.jwt"'
    token = file.content.decode()
    assert credentials.verify_token(token).status == "valid"
    page = browser.get(f"/training/certificates/{certificate.pk}/credential/")
    assert page.status_code == 200
    src = re.search(r'id="credential-qr" src="([^"]+)"', page.content.decode())
    assert src is not None
    # Print the page's QR code to a PDF and read it back as a phone camera would.
    html = f'<html><body><img src="{src.group(1).replace("&amp;", "&")}" style="width:16cm">'
    decoded = qr_texts(weasyprint.HTML(string=html).write_pdf())
    assert decoded == [token]


def test_the_public_page_says_valid_revoked_or_tampered_in_the_visitors_language(
    world: World, certificate: Certificate
) -> None:
    token = _token(certificate)
    visitor = Client()
    es = visitor.post(
        "/credentials/verify/", {"credential": f"  {token}\n"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert es.status_code == 200
    assert 'class="card tr-verify cr-result cr-valid"' in es.content.decode()
    assert "Inicia tu Negocio" in es.content.decode()
    middle = len(token) // 2  # inside the signed payload
    broken = token[:middle] + ("x" if token[middle] != "x" else "y") + token[middle + 1 :]
    en = visitor.post("/credentials/verify/", {"credential": broken}, HTTP_ACCEPT_LANGUAGE="en")
    assert "cr-tampered" in en.content.decode()
    assert "Do not trust it." in en.content.decode()
    services.revoke_certificate(actor=world.manager, certificate=certificate, reason="Error")
    upload = visitor.post(
        "/credentials/verify/",
        {"file": _upload(token)},
        HTTP_ACCEPT_LANGUAGE="pt-br",
    )
    assert "cr-revoked" in upload.content.decode()


def _upload(text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("c.jwt", text.encode(), content_type="application/jwt")


def test_the_json_endpoint_answers_anyone_and_is_rate_limited(certificate: Certificate) -> None:
    anonymous = ApiClient(None, language="en")
    ok = anonymous.post("credentials/verify", {"credential": _token(certificate)})
    assert ok.status_code == 200
    assert ok.json()["status"] == "valid"
    assert ok.json()["facts"]["course"] == "Inicia tu Negocio"
    bad = anonymous.post("credentials/verify", {"credential": "not a credential"})
    assert (bad.status_code, bad.json()["status"], bad.json()["facts"]) == (200, "unreadable", None)
    for _ in range(30):
        last = anonymous.post("credentials/verify", {"credential": "x.y.z"})
    assert last.status_code == 429
    assert last.json()["error"]["code"] == "throttled"


def test_key_set_and_verification_take_the_same_queries_however_many_keys(
    world: World, certificate: Certificate
) -> None:
    token = _token(certificate)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as jwks_q:
            Client().get("/.well-known/jwks.json")
        with CaptureQueriesContext(connection) as verify_q:
            credentials.verify_token(token)
        return len(jwks_q), len(verify_q)

    before = queries()
    for _ in range(5):
        credentials.rotate_key(world.programme_a.organisation)
    assert queries() == before
    assert before[1] <= 3


def test_a_verifier_can_check_the_holders_name_against_the_hash(
    certificate: Certificate,
) -> None:
    anonymous = ApiClient(None, language="en")
    token = _token(certificate)
    right = anonymous.post("credentials/verify", {"credential": token, "name": "PARTICIPANT  A"})
    assert right.json()["name_matches"] is True
    wrong = anonymous.post("credentials/verify", {"credential": token, "name": "Participant B"})
    assert wrong.json()["name_matches"] is False
    assert (
        anonymous.post("credentials/verify", {"credential": token}).json()["name_matches"] is None
    )
    page = (
        Client()
        .post("/credentials/verify/", {"credential": token, "name": "Participant B"})
        .content.decode()
    )
    assert 'class="cr-name cr-name-no"' in page


def test_a_credential_too_long_for_one_qr_code_gets_a_link_that_still_verifies(
    world: World, certificate: Certificate
) -> None:
    Credential.objects.all().delete()
    certificate.facts = {**certificate.facts, "course_title": "Inicia tu Negocio " * 40}
    certificate.save(update_fields=["facts"])
    browser = Client()
    browser.force_login(world.participant_a)
    page = browser.get(f"/training/certificates/{certificate.pk}/credential/").content.decode()
    src = re.search(r'id="credential-qr" src="([^"]+)"', page)
    assert src is not None
    html = f'<html><body><img src="{src.group(1).replace("&amp;", "&")}" style="width:12cm">'
    (link,) = qr_texts(weasyprint.HTML(string=html).write_pdf())
    assert link == f"http://127.0.0.1:8000/credentials/verify/?c={certificate.code}"
    checked = Client().get(link.removeprefix("http://127.0.0.1:8000")).content.decode()
    assert "cr-valid" in checked


def test_a_revoked_certificate_without_a_credential_gets_none(
    world: World, certificate: Certificate
) -> None:
    Credential.objects.all().delete()
    services.revoke_certificate(actor=world.manager, certificate=certificate, reason="Mistake")
    resp = ApiClient(world.participant_a, language="en").get(
        f"certificates/{certificate.pk}/credential"
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "revoked"
    assert not Credential.objects.exists()


def test_no_single_character_change_is_ever_accepted_or_crashes(certificate: Certificate) -> None:
    token = _token(certificate)
    seen = set()
    # The last character is left out: part of it is base64 padding bits, which decoders ignore.
    for position in range(0, len(token) - 1, 5):
        if token[position] == ".":
            continue
        swapped = "B" if token[position] != "B" else "C"
        verdict = credentials.verify_token(token[:position] + swapped + token[position + 1 :])
        seen.add(verdict.status)
    assert "valid" not in seen
    assert seen <= {"tampered", "unknown_key", "unreadable"}


def test_credentials_keep_verifying_after_the_site_moves(
    world: World, certificate: Certificate, settings: Any
) -> None:
    token = _token(certificate)
    settings.SITE_URL = "https://impulsa.example.net"
    assert credentials.verify_token(token).status == "valid"
    services.revoke_certificate(actor=world.manager, certificate=certificate, reason="Mistake")
    assert credentials.verify_token(token).status == "revoked"
