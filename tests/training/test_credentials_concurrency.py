"""Two certificates of one organisation getting their credentials at the same moment, before
the organisation has a key: one key is made, both credentials are signed, with their own bits."""

import threading
from typing import Any

import pytest
from django.db import connection

from backend.training import credentials, services
from backend.training.models import Certificate, Credential, Enrollment, IssuerKey
from tests.conftest import World

from .conftest import add_sessions, make_cohort, make_course

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks"),
]


def test_concurrent_first_credentials_share_one_new_key(world: World, attend: Any) -> None:
    cohort = make_cohort(world, make_course())
    sessions = add_sessions(cohort, 4)
    certificates = []
    for person in (world.participant_a, world.participant_b):
        enrollment = services.enroll(actor=world.manager, cohort=cohort, participant_id=person.pk)
        services.record_scores(actor=world.trainer, enrollment=enrollment, post_score=90)
        attend(enrollment, sessions, "PPPP")
        fresh = Enrollment.objects.get(pk=enrollment.pk)
        certificates.append(services.issue_certificate(actor=world.trainer, enrollment=fresh)[0])
    Credential.objects.all().delete()
    IssuerKey.objects.all().delete()
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def issue(certificate: Certificate) -> None:
        try:
            barrier.wait()
            credentials.issue_credential(Certificate(pk=certificate.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(c,)) for c in certificates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1
    issued = list(Credential.objects.all())
    assert len(issued) == 2
    assert len({(c.status_list_id, c.status_index) for c in issued}) == 2
    assert all(credentials.verify_token(c.token).ok for c in issued)
