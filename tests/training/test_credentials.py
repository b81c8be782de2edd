"""Open Badges 3.0 credentials of certificates: issue, verify, tamper, revoke, rotate keys."""

import base64
import json
from typing import Any

import pytest

from backend.training import credentials, services
from backend.training.models import (
    Certificate,
    CohortSession,
    Course,
    Enrollment,
)
from tests.conftest import World


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


def test_issuing_a_certificate_signs_its_credential_and_it_verifies(
    certificate: Certificate,
) -> None:
    token = certificate.credential.token
    verdict = credentials.verify_token(token)
    assert verdict.status == "valid"
    vc = verdict.credential
    assert vc is not None
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    print(json.dumps(vc, indent=1, ensure_ascii=False), len(token))
