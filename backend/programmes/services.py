from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.models import User
from backend.accounts.phones import normalize_phone
from backend.accounts.sms import send_sms
from backend.lib.errors import Conflict, DomainError

from .models import Membership, Programme, Role


@transaction.atomic
def invite_participant(*, programme: Programme, phone: str, actor: User) -> tuple[User, bool]:
    """Adds a person (found or created by phone) to the programme as a participant.

    Returns the user and whether the membership is new. The person gets an SMS telling them
    how to sign in; nothing about them is stored beyond the phone number until they consent.
    """
    try:
        e164 = normalize_phone(phone)
    except Exception as exc:
        raise DomainError(
            getattr(exc, "messages", [str(exc)])[0], field="body.phone", status=422
        ) from exc
    user = User.objects.filter(phone=e164).first()
    if user is None:
        user = User.objects.create_user(phone=e164)
    elif not user.is_active:
        raise Conflict(_("This account is closed."), code="account_closed")
    _membership, created = Membership.objects.get_or_create(
        user=user, programme=programme, role=Role.PARTICIPANT
    )
    if created:
        with_lang = _(
            "You have been invited to %(programme)s on Impulsa. "
            "Open the app and sign in with this number."
        )
        send_sms(e164, with_lang % {"programme": programme.name})
        audit(actor, "participant.invite", subject=user, obj=programme)
    return user, created


@transaction.atomic
def assign_trainer(*, programme: Programme, user_id: int, actor: User) -> Membership:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(_("No active user with this id."), field="body.user_id", status=422)
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(
                user=user, programme=programme, role=Role.TRAINER
            )
    except IntegrityError as exc:  # pragma: no cover - the unique constraint under a race
        raise Conflict(_("This person is already a trainer here.")) from exc
    audit(actor, "trainer.assign", subject=user, obj=programme)
    return membership
