"""Who may see participants' profiles, cohorts, sessions, attendance, scores and certificates.

Built on the programme roles of backend.programmes.access; every rule is one query.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.models import User
from backend.programmes.access import AnyUser, is_admin, managed_programmes, trainer_programmes
from backend.programmes.models import Membership, Programme, Role

from .models import Certificate, Cohort, CohortSession, Enrollment


def participants_visible_to(user: AnyUser) -> QuerySet[User]:
    """Participants whose profile the user may read.

    Themselves; for managers, every participant of their programmes; for trainers, the people
    enrolled in their own cohorts; never for donor viewers.
    """
    if not user.is_authenticated:
        return User.objects.none()
    if is_admin(user):
        return User.objects.filter(memberships__role=Role.PARTICIPANT).distinct()
    managed = Membership.objects.filter(
        user=OuterRef("pk"), role=Role.PARTICIPANT, programme__in=managed_programmes(user)
    )
    # Trainers see the people enrolled in their own cohorts (callers show name and contact only).
    trained = Enrollment.objects.filter(participant=OuterRef("pk"), cohort__trainers=user)
    return User.objects.filter(Q(pk=user.pk) | Q(Exists(managed)) | Q(Exists(trained)))


def access_participant(user: AnyUser, participant_id: int) -> User | None:
    """The participant with this id if the user may read their profile, else None (→ 404)."""
    return participants_visible_to(user).filter(pk=participant_id).first()


def cohorts_visible_to(user: AnyUser) -> QuerySet[Cohort]:
    """Cohorts whose roster, sessions, attendance and scores the user may read and change.

    Every cohort for admins; the cohorts of the programmes they manage; the cohorts they train.
    Participants and donor viewers get none here (participants read their own enrollments).
    """
    if is_admin(user):
        return Cohort.objects.all()
    if not user.is_authenticated:
        return Cohort.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("pk"), user=user)
    return Cohort.objects.filter(
        Q(programme__in=managed_programmes(user).values("pk")) | Q(Exists(trains))
    )


def access_cohort(user: AnyUser, cohort_id: int) -> Cohort | None:
    return cohorts_visible_to(user).filter(pk=cohort_id).first()


def may_manage_cohort(user: AnyUser, cohort: Cohort) -> bool:
    """Managers of the cohort's programme (and admins): revoke certificates, enrol from a file."""
    return managed_programmes(user).filter(pk=cohort.programme_id).exists()


def cohort_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes the user may create cohorts in: those they manage, and those they train in."""
    if is_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=managed_programmes(user).values("pk"))
        | Q(pk__in=trainer_programmes(user).values("pk"))
    )


def access_cohort_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return cohort_programmes(user).filter(pk=programme_id).first()


def may_run_cohort(user: AnyUser, cohort: Cohort) -> bool:
    """Managers of the cohort's programme, admins and the cohort's own trainers (while they are
    still trainers of its programme): edit the cohort, enrol people into it by search or by
    pasted phone numbers, withdraw and restore enrolments."""
    if may_manage_cohort(user, cohort):
        return True
    if not user.is_authenticated:
        return False
    return Cohort.trainers.through.objects.filter(
        cohort=cohort,
        user=user,
        user__memberships__programme_id=cohort.programme_id,
        user__memberships__role=Role.TRAINER,
    ).exists()


def cohort_trainer_ids(user: AnyUser, programme: Programme, trainer_ids: list[int]) -> list[int]:
    """The trainers a cohort gets when this user sets them: a trainer who is not a manager of
    the programme always stays one of them (she cannot hand the cohort away and lose it).
    services.create_cohort and update_cohort still refuse anyone who is not a trainer of the
    programme."""
    ids = list(dict.fromkeys(trainer_ids))
    if (
        user.is_authenticated
        and user.pk not in ids
        and not managed_programmes(user).filter(pk=programme.pk).exists()
    ):
        ids.append(user.pk)
    return ids


def searches_narrowly(user: AnyUser, programme: Programme) -> bool:
    """Whether the user's search for people to enrol is the narrow one: trainers who do not
    manage the programme must type at least SEARCH_MIN_QUERY characters and see at most
    SEARCH_LIMIT_NARROW people, never the whole list (docs/privacy.md, "Trainers")."""
    return not managed_programmes(user).filter(pk=programme.pk).exists()


SEARCH_MIN_QUERY = 3
SEARCH_LIMIT_NARROW = 20


def access_session(user: AnyUser, session_id: int) -> CohortSession | None:
    return (
        CohortSession.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))
        .select_related("cohort", "cohort__course", "cohort__programme")
        .filter(pk=session_id)
        .first()
    )


def enrollments_visible_to(user: AnyUser) -> QuerySet[Enrollment]:
    """Enrollments in cohorts the user may see as staff, plus the user's own."""
    if not user.is_authenticated:
        return Enrollment.objects.none()
    if is_admin(user):
        return Enrollment.objects.all()
    return Enrollment.objects.filter(
        Q(cohort__in=cohorts_visible_to(user).values("pk")) | Q(participant=user)
    )


def access_staff_enrollment(user: AnyUser, enrollment_id: int) -> Enrollment | None:
    """An enrollment the user may change (trainer of the cohort, manager, admin)."""
    return (
        Enrollment.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))
        .select_related("cohort", "cohort__course", "cohort__programme", "participant")
        .filter(pk=enrollment_id)
        .first()
    )


def access_certificate(user: AnyUser, certificate_id: int) -> Certificate | None:
    """A certificate the user may download: the holder's own, or one of a visible cohort."""
    return (
        Certificate.objects.filter(enrollment__in=enrollments_visible_to(user).values("pk"))
        .select_related("enrollment", "enrollment__cohort", "enrollment__participant")
        .filter(pk=certificate_id)
        .first()
    )


def own_cohorts(user: AnyUser) -> QuerySet[Cohort]:
    """Cohorts a person trains or is enrolled in (what their own devices sync)."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("pk"), user=user)
    enrolled = Enrollment.objects.filter(cohort=OuterRef("pk"), participant=user)
    return Cohort.objects.filter(Q(Exists(trains)) | Q(Exists(enrolled)))


def own_cohort_enrollments(user: AnyUser) -> QuerySet[Enrollment]:
    """A participant's own enrollments, and every enrollment of the cohorts a person trains."""
    if not user.is_authenticated:
        return Enrollment.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("cohort"), user=user)
    return Enrollment.objects.filter(Q(participant=user) | Q(Exists(trains)))
