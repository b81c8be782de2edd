from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.audit import audit
from backend.accounts.models import User
from backend.accounts.phones import normalize_phone
from backend.accounts.services import check_consent
from backend.accounts.sms import send_sms
from backend.lib.errors import Conflict, DomainError, NotFound

from .models import DonorViewer, Invitation, Membership, Programme, Role

_INVITATION_SMS = {
    Role.PARTICIPANT: gettext_lazy(
        "You have been invited to %(programme)s on Impulsa. "
        "Open the app and sign in with this number to accept or decline."
    ),
    Role.TRAINER: gettext_lazy(
        "You have been invited to train in %(programme)s on Impulsa. "
        "Sign in with this number to accept or decline."
    ),
}


def invite_participant(*, programme: Programme, phone: str, actor: User) -> str:
    """Invites a person (found or created by phone) to the programme as a participant.

    Returns the number in E.164. The answer is the same whether the number belongs to an
    account or not, so an invitation never tells a manager who is registered. Nobody joins
    here: the invitation stays pending, and shows the programme nothing about the person,
    until they accept it themselves with a consent on file (``accept_invitation``). The person
    gets an SMS telling them how to sign in and answer; nothing about them is stored beyond
    the phone number.
    """
    return _invite(programme=programme, phone=phone, actor=actor, role=Role.PARTICIPANT)


def invite_trainer(*, programme: Programme, phone: str, actor: User) -> str:
    """Invites a person to train in the programme: the same rules as for participants.

    A trainer reads the names on their cohorts' rosters, so nobody becomes one without saying
    yes. A donor viewer is never invited (donors see no personal data); the manager's answer
    is the same as for anyone else.
    """
    return _invite(programme=programme, phone=phone, actor=actor, role=Role.TRAINER)


@transaction.atomic
def _invite(*, programme: Programme, phone: str, actor: User, role: str) -> str:
    try:
        e164 = normalize_phone(phone)
    except Exception as exc:
        raise DomainError(
            getattr(exc, "messages", [str(exc)])[0], field="body.phone", status=422
        ) from exc
    user = User.objects.filter(phone=e164).first()
    if user is None:
        user = User.objects.create_user(phone=e164)
    if not user.is_active:
        return e164  # a closed account: nothing to do, and nothing to tell
    if role == Role.TRAINER and is_donor_viewer(user):
        return e164
    if Membership.objects.filter(user=user, programme=programme, role=role).exists():
        return e164
    _invitation, created = Invitation.objects.get_or_create(
        user=user, programme=programme, role=role, defaults={"invited_by": actor}
    )
    if created:
        with translation.override(user.preferred_language or None):
            text = str(_INVITATION_SMS[Role(role)]) % {"programme": programme.name}
        send_sms(e164, text)
        audit(actor, f"{role}.invite", subject=user, obj=programme)
    return e164


def is_donor_viewer(user: User) -> bool:
    return DonorViewer.objects.filter(user=user).exists()


def pending_invitations(user: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(user=user, accepted_at__isnull=True, declined_at__isnull=True)
        .select_related("programme", "programme__organisation")
        .order_by("created_at", "id")
    )


def _pending_invitation(user: User, invitation_id: int) -> Invitation:
    invitation = (
        pending_invitations(user).select_for_update(of=("self",)).filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise NotFound("")
    return invitation


@transaction.atomic
def accept_invitation(*, user: User, invitation_id: int) -> Invitation:
    """The person joins the programme. Needs their consent on file (403 consent_required)."""
    invitation = _pending_invitation(user, invitation_id)
    check_consent(user)
    if invitation.role == Role.TRAINER and is_donor_viewer(user):
        raise Conflict(
            _("A donor viewer cannot also train: donors see no personal data."),
            code="donor_viewer",
        )
    Membership.objects.get_or_create(
        user=user, programme=invitation.programme, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(user, f"{invitation.role}.invitation_accept", subject=user, obj=invitation.programme)
    return invitation


@transaction.atomic
def decline_invitation(*, user: User, invitation_id: int) -> Invitation:
    """The person says no; the programme is not told who declined, and no new SMS follows."""
    invitation = _pending_invitation(user, invitation_id)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    audit(user, f"{invitation.role}.invitation_decline", subject=user, obj=invitation.programme)
    return invitation


@transaction.atomic
def assign_trainer(*, programme: Programme, user_id: int, actor: User) -> Membership:
    """Makes a member of the organisation's staff a trainer of one more of its programmes.

    Only people who already train or manage in one of the organisation's programmes (who
    accepted an invitation, or were appointed manager) qualify; anyone else is invited by
    phone (``invite_trainer``) and says yes themselves. Every other id, whether no such user
    exists or it belongs to someone outside the organisation's staff, gets the same answer.
    """
    staff = Membership.objects.filter(
        user_id=user_id,
        user__is_active=True,
        role__in=[Role.TRAINER, Role.MANAGER],
        programme__organisation_id=programme.organisation_id,
    )
    user = User.objects.filter(pk__in=staff.values("user_id")).first()
    if user is None or is_donor_viewer(user):
        raise DomainError(
            _(
                "No trainer or manager of this organisation has this id. "
                "Invite new trainers by phone."
            ),
            field="body.user_id",
            status=422,
        )
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(
                user=user, programme=programme, role=Role.TRAINER
            )
    except IntegrityError as exc:  # pragma: no cover - the unique constraint under a race
        raise Conflict(_("This person is already a trainer here.")) from exc
    audit(actor, "trainer.assign", subject=user, obj=programme)
    return membership
