"""Objects the training rows name: a cohort of `trainer` in programme A with one session, the
enrollment of participant A (completed, with a certificate) and that of a third participant
of A who has not completed."""

import datetime as dt

from backend.accounts.models import Consent, User
from backend.programmes.models import Membership
from backend.training import services
from backend.training.models import Course
from tests.conftest import World


def build(world: World) -> dict[str, object]:
    course = Course.objects.create(
        code="access-course", title_es="Curso", title_en="Course", title_pt="Curso",
        stage="start", planned_hours=10, has_tests=False,
    )  # fmt: skip
    cohort = services.create_cohort(
        actor=world.manager, programme=world.programme_a, course=course, name="Cohort A",
        trainer_ids=[world.trainer.pk], start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 2, 27), capacity=10, city="Piura",
    )  # fmt: skip
    session = services.add_session(actor=world.trainer, cohort=cohort, date=dt.date(2026, 1, 10))
    third = User.objects.create_user(phone="+51987000199", phone_verified=True)
    Membership.objects.create(user=third, programme=world.programme_a, role="participant")
    Consent.objects.create(
        user=third, notice=world.notice, channel="app", purposes=["programme_delivery"]
    )
    done = services.enroll(
        actor=world.manager, cohort=cohort, participant_id=world.participant_a.pk
    )
    pending = services.enroll(actor=world.manager, cohort=cohort, participant_id=third.pk)
    services.mark_attendance(actor=world.trainer, session=session, marks=[(done.pk, "present")])
    done.refresh_from_db()
    certificate, _ = services.issue_certificate(actor=world.trainer, enrollment=done)
    return {
        "course": course,
        "cohort_a": cohort,
        "session_a": session,
        "enrollment_done": done,
        "enrollment_pending": pending,
        "certificate_a": certificate,
    }
