"""Who may see what. Every visibility rule of the product is a query in this module.

The API, the portal, sync and the reports all ask here, so a rule changes in one place.
Callers that get ``None`` back from an ``access_*`` function answer 404: an object the caller
may not see looks exactly like one that does not exist.
"""

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.errors import DomainError, Forbidden

from .models import DonorViewer, Membership, Programme, Role

if TYPE_CHECKING:  # the domain apps sit above this one; their models are imported lazily
    from backend.finance.fund.models import Grant
    from backend.finance.models import LessonProgress, QuizAttempt, SavingsGoal, SavingsMovement
    from backend.training.models import Certificate, Cohort, CohortSession, Enrollment
    from backend.ventures.models import LedgerEntry, Venture

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _role_programmes(user: AnyUser, role: str) -> QuerySet[Programme]:
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(memberships__user=user, memberships__role=role)


def managed_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose full records the user may read: all for admins, else where manager."""
    if is_admin(user):
        return Programme.objects.all()
    return _role_programmes(user, Role.MANAGER)


def trainer_programmes(user: AnyUser) -> QuerySet[Programme]:
    return _role_programmes(user, Role.TRAINER)


def participant_programmes(user: AnyUser) -> QuerySet[Programme]:
    return _role_programmes(user, Role.PARTICIPANT)


def donor_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes funded by any funder the user is a donor viewer of."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(fundings__funder__viewers__user=user).distinct()


def report_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose outcome figures the user may read (donors: after disclosure control)."""
    if is_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(pk__in=managed_programmes(user).values("pk"))
        | Q(pk__in=donor_programmes(user).values("pk"))
    )


def visible_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Every programme the user has any role in (the list a person sees on their home page)."""
    if is_admin(user):
        return Programme.objects.all()
    if not user.is_authenticated:
        return Programme.objects.none()
    member = Membership.objects.filter(user=user, programme=OuterRef("pk"))
    return Programme.objects.filter(
        Exists(member) | Q(pk__in=donor_programmes(user).values("pk"))
    ).order_by("name")


def sees_unsuppressed(user: AnyUser, programme: Programme) -> bool:
    """Managers of the programme and admins see figures without disclosure control."""
    return managed_programmes(user).filter(pk=programme.pk).exists()


def requires_mfa(user: AnyUser) -> bool:
    """Staff, programme managers and donor viewers must use a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # One query for both roles: this runs on every authenticated API request.
    return User.objects.filter(
        Q(Exists(Membership.objects.filter(user=user, role=Role.MANAGER)))
        | Q(Exists(DonorViewer.objects.filter(user=user))),
        pk=user.pk,
    ).exists()


def sees_contact_details(user: AnyUser) -> bool:
    """Whether rosters show this user people's phone numbers and email addresses.

    Only with a second factor on the account (docs/privacy.md, "Trainers"): a trainer who
    signs in with a password alone still sees names, attendance and scores, enough to run a
    session, but not how to reach a refugee, so a guessed or reused password leaks no number.
    """
    from allauth.mfa.models import Authenticator

    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user=user.pk, type=Authenticator.Type.TOTP).exists()


def sees_contact_details_cached(request: Any) -> bool:
    """sees_contact_details for the request's user, asked once per request (rosters ask per row)."""
    cached = getattr(request, "_impulsa_sees_contacts", None)
    if cached is None:
        cached = sees_contact_details(request.user)
        request._impulsa_sees_contacts = cached
    return cached


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
    from backend.training.models import Enrollment

    # Trainers see the people enrolled in their own cohorts (callers show name and contact only).
    trained = Enrollment.objects.filter(participant=OuterRef("pk"), cohort__trainers=user)
    return User.objects.filter(Q(pk=user.pk) | Q(Exists(managed)) | Q(Exists(trained)))


def access_participant(user: AnyUser, participant_id: int) -> User | None:
    """The participant with this id if the user may read their profile, else None (→ 404)."""
    return participants_visible_to(user).filter(pk=participant_id).first()


def access_managed_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return managed_programmes(user).filter(pk=programme_id).first()


def access_report_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return report_programmes(user).filter(pk=programme_id).first()


# --- ventures -------------------------------------------------------------------------------
# (rules for ventures, ledger entries, receipts and business records)


def ventures_visible_to(user: AnyUser) -> "QuerySet[Venture]":
    """Owners see their own ventures, managers those of their programmes, admins all.

    Trainers and donor viewers never see a venture (donors read aggregates in reports).
    """
    from backend.ventures.models import Venture

    if not user.is_authenticated:
        return Venture.objects.none()
    if is_admin(user):
        return Venture.objects.all()
    return Venture.objects.filter(
        Q(owner=user) | Q(programme__in=managed_programmes(user).values("pk"))
    )


def access_venture(user: AnyUser, venture_id: int) -> "Venture | None":
    return (
        ventures_visible_to(user).select_related("programme", "owner").filter(pk=venture_id).first()
    )


def access_own_venture(user: AnyUser, venture_id: int) -> "Venture | None":
    """The venture if the user owns it (only owners write). Visible but not owned: 403."""
    venture = access_venture(user, venture_id)
    if venture is not None and venture.owner_id != user.pk:
        raise Forbidden(_("Only the owner of this venture can change it."), code="not_owner")
    return venture


def entries_visible_to(user: AnyUser) -> "QuerySet[LedgerEntry]":
    from backend.ventures.models import LedgerEntry

    return LedgerEntry.objects.filter(venture__in=ventures_visible_to(user).values("pk"))


def _entries_named(
    user: AnyUser, entry_id: str, venture_id: int | None = None
) -> "list[LedgerEntry]":
    """Up to two visible entries under a client id, the user's own first.

    Entry ids are unique per owner only, so a manager may oversee several people's entries
    under one id; the user's own always comes first, and only visible ones are ever read.
    """
    qs = (
        entries_visible_to(user)
        .select_related("venture", "venture__programme")
        .filter(sync_id=entry_id)
    )
    if venture_id is not None:
        qs = qs.filter(venture_id=venture_id)
    mine_first = Case(When(owner=user.pk, then=Value(0)), default=Value(1))
    return list(qs.order_by(mine_first, "venture_id")[:2])


def access_entry(
    user: AnyUser, entry_id: str, *, venture_id: int | None = None
) -> "LedgerEntry | None":
    """The entry the user may see under this id: her own, else the one of a venture she
    oversees. Several overseen people using the id need ``venture_id`` to tell them apart."""
    found = _entries_named(user, entry_id, venture_id)
    if len(found) > 1 and found[0].owner_id != user.pk:
        raise DomainError(
            _("Several entries you may see have this id: name the venture (venture_id)."),
            field="query.venture_id",
            status=422,
        )
    return found[0] if found else None


def access_own_entry(user: AnyUser, entry_id: str) -> "LedgerEntry | None":
    """The user's own entry under this id (only owners write). Visible but not hers: 403."""
    found = _entries_named(user, entry_id)
    if found and found[0].owner_id != user.pk:
        raise Forbidden(_("Only the owner of this venture can change it."), code="not_owner")
    return found[0] if found else None


def own_ventures(user: AnyUser) -> "QuerySet[Venture]":
    """The ventures a person runs (what their own devices sync), managers' reach aside."""
    return ventures_visible_to(user).filter(owner=user.pk)


def own_live_entries(user: AnyUser) -> "QuerySet[LedgerEntry]":
    """The person's own entries that still count: a voided entry leaves their devices."""
    from backend.ventures.models import LedgerEntry

    return LedgerEntry.objects.filter(
        venture__in=own_ventures(user).values("pk"), voided_at__isnull=True
    )


# --- training -------------------------------------------------------------------------------
# (rules for courses, cohorts, sessions, attendance, scores and certificates)


def cohorts_visible_to(user: AnyUser) -> "QuerySet[Cohort]":
    """Cohorts whose roster, sessions, attendance and scores the user may read and change.

    Every cohort for admins; the cohorts of the programmes they manage; the cohorts they train.
    Participants and donor viewers get none here (participants read their own enrollments).
    """
    from backend.training.models import Cohort

    if is_admin(user):
        return Cohort.objects.all()
    if not user.is_authenticated:
        return Cohort.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("pk"), user=user)
    return Cohort.objects.filter(
        Q(programme__in=managed_programmes(user).values("pk")) | Q(Exists(trains))
    )


def access_cohort(user: AnyUser, cohort_id: int) -> "Cohort | None":
    return cohorts_visible_to(user).filter(pk=cohort_id).first()


def may_manage_cohort(user: AnyUser, cohort: "Cohort") -> bool:
    """Managers of the cohort's programme (and admins): enroll, revoke, change the cohort."""
    return managed_programmes(user).filter(pk=cohort.programme_id).exists()


def access_session(user: AnyUser, session_id: int) -> "CohortSession | None":
    from backend.training.models import CohortSession

    return (
        CohortSession.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))
        .select_related("cohort", "cohort__course", "cohort__programme")
        .filter(pk=session_id)
        .first()
    )


def enrollments_visible_to(user: AnyUser) -> "QuerySet[Enrollment]":
    """Enrollments in cohorts the user may see as staff, plus the user's own."""
    from backend.training.models import Enrollment

    if not user.is_authenticated:
        return Enrollment.objects.none()
    if is_admin(user):
        return Enrollment.objects.all()
    return Enrollment.objects.filter(
        Q(cohort__in=cohorts_visible_to(user).values("pk")) | Q(participant=user)
    )


def access_staff_enrollment(user: AnyUser, enrollment_id: int) -> "Enrollment | None":
    """An enrollment the user may change (trainer of the cohort, manager, admin)."""
    from backend.training.models import Enrollment

    return (
        Enrollment.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))
        .select_related("cohort", "cohort__course", "cohort__programme", "participant")
        .filter(pk=enrollment_id)
        .first()
    )


def access_certificate(user: AnyUser, certificate_id: int) -> "Certificate | None":
    """A certificate the user may download: the holder's own, or one of a visible cohort."""
    from backend.training.models import Certificate

    return (
        Certificate.objects.filter(enrollment__in=enrollments_visible_to(user).values("pk"))
        .select_related("enrollment", "enrollment__cohort", "enrollment__participant")
        .filter(pk=certificate_id)
        .first()
    )


def own_cohorts(user: AnyUser) -> "QuerySet[Cohort]":
    """Cohorts a person trains or is enrolled in (what their own devices sync)."""
    from backend.training.models import Cohort, Enrollment

    if not user.is_authenticated:
        return Cohort.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("pk"), user=user)
    enrolled = Enrollment.objects.filter(cohort=OuterRef("pk"), participant=user)
    return Cohort.objects.filter(Q(Exists(trains)) | Q(Exists(enrolled)))


def own_cohort_enrollments(user: AnyUser) -> "QuerySet[Enrollment]":
    """A participant's own enrollments, and every enrollment of the cohorts a person trains."""
    from backend.training.models import Cohort, Enrollment

    if not user.is_authenticated:
        return Enrollment.objects.none()
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("cohort"), user=user)
    return Enrollment.objects.filter(Q(participant=user) | Q(Exists(trains)))


# --- finance --------------------------------------------------------------------------------
# (rules for lessons, progress, savings, the credit-cost tool and the provider directory)


def finance_learner(user: AnyUser) -> bool:
    """Lesson progress, quiz attempts and savings are kept for programme participants only."""
    return participant_programmes(user).exists()


def savings_goals_visible_to(user: AnyUser) -> "QuerySet[SavingsGoal]":
    """A person's savings goals are theirs alone; staff see them only as aggregates."""
    from backend.finance.models import SavingsGoal

    if not user.is_authenticated:
        return SavingsGoal.objects.none()
    return SavingsGoal.objects.filter(user=user)


def access_savings_goal(user: AnyUser, goal_id: int) -> "SavingsGoal | None":
    """The caller's own goal with this id, else None (→ 404)."""
    return savings_goals_visible_to(user).filter(pk=goal_id).first()


def literacy_report_programmes(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose literacy and savings aggregates the user may read, unsuppressed."""
    return managed_programmes(user)


def access_literacy_programme(user: AnyUser, programme_id: int) -> Programme | None:
    return literacy_report_programmes(user).filter(pk=programme_id).first()


def lessons_readable(user: AnyUser) -> bool:
    """Lessons, quizzes and the provider directory are shared content: any signed-in person."""
    return bool(user.is_authenticated and user.is_active)


def savings_movements_visible_to(user: AnyUser) -> "QuerySet[SavingsMovement]":
    from backend.finance.models import SavingsMovement

    return SavingsMovement.objects.filter(goal__in=savings_goals_visible_to(user).values("pk"))


def lesson_progress_visible_to(user: AnyUser) -> "QuerySet[LessonProgress]":
    """Progress and quiz attempts are the learner's own; staff read them only as aggregates."""
    from backend.finance.models import LessonProgress

    if not user.is_authenticated:
        return LessonProgress.objects.none()
    return LessonProgress.objects.filter(user=user)


def quiz_attempts_visible_to(user: AnyUser) -> "QuerySet[QuizAttempt]":
    from backend.finance.models import QuizAttempt

    if not user.is_authenticated:
        return QuizAttempt.objects.none()
    return QuizAttempt.objects.filter(user=user)


# --- fund -----------------------------------------------------------------------------------
# (rules for seed-capital funds, donations and grants)


def fund_programmes_full(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose fund ledger and grants the user reads in full: managers and admins."""
    return managed_programmes(user)


def fund_programmes_aggregate(user: AnyUser) -> QuerySet[Programme]:
    """Programmes whose fund the user reads as totals: managers, admins, and donor viewers."""
    return report_programmes(user)


def grants_visible_to(user: AnyUser) -> "QuerySet[Grant]":
    """Owners see grants to their ventures; managers their programmes' grants; admins all."""
    from backend.finance.fund.models import Grant

    if not user.is_authenticated:
        return Grant.objects.none()
    if is_admin(user):
        return Grant.objects.all()
    return Grant.objects.filter(
        Q(venture__owner=user) | Q(fund__programme__in=managed_programmes(user))
    )
