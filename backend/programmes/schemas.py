import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from backend.accounts.schemas import ProfileOut, StrictIn
from backend.accounts.services import profile_dict
from backend.lib.validation import Id


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    organisation: str
    country: str
    regions: list[str]
    currency: str
    time_zone: str
    start_date: dt.date
    end_date: dt.date | None
    my_roles: list[str]


class ParticipantRow(Schema):
    """Built from a Membership row annotated by programmes.api._participants."""

    id: int
    display_name: str
    phone: str | None
    email: str | None
    joined_at: dt.datetime
    has_consent: bool

    @staticmethod
    def resolve_id(m: Any) -> int:
        return m.user_id

    @staticmethod
    def resolve_display_name(m: Any) -> str:
        profile = getattr(m.user, "profile", None)
        return profile.display_name if profile else ""

    @staticmethod
    def resolve_phone(m: Any) -> str | None:
        return m.user.phone

    @staticmethod
    def resolve_email(m: Any) -> str | None:
        return m.user.email

    @staticmethod
    def resolve_joined_at(m: Any) -> dt.datetime:
        return m.created_at

    @staticmethod
    def resolve_has_consent(m: Any) -> bool:
        return bool(m.has_any_consent) and not m.consent_withdrawn


class ParticipantDetail(ParticipantRow):
    profile: ProfileOut | None

    @staticmethod
    def resolve_profile(m: Any) -> Any:
        return profile_dict(getattr(m.user, "profile", None))


class InviteIn(StrictIn):
    phone: str = Field(..., max_length=32, description="E.164, e.g. +51987654321")


class InviteOut(Schema):
    """The same for every valid number: it never tells whether the number has an account."""

    phone: str = Field(..., description="The number, in E.164, that the invitation went to")
    status: str = Field(
        "invited",
        description="Always 'invited': the person joins only once they accept it themselves",
    )


class InvitationOut(Schema):
    """An invitation waiting for the signed-in person's answer."""

    id: int
    programme_id: int
    programme: str
    organisation: str
    role: str = Field(..., description="participant or trainer: the role accepting gives")
    invited_at: dt.datetime
    status: str

    @staticmethod
    def resolve_programme(i: Any) -> str:
        return i.programme.name

    @staticmethod
    def resolve_organisation(i: Any) -> str:
        return i.programme.organisation.name

    @staticmethod
    def resolve_invited_at(i: Any) -> dt.datetime:
        return i.created_at

    @staticmethod
    def resolve_status(i: Any) -> str:
        if i.accepted_at:
            return "accepted"
        return "declined" if i.declined_at else "pending"


class TrainerIn(StrictIn):
    user_id: Id


class TrainerOut(Schema):
    user_id: int
    programme_id: int
    role: str


class ErasureRequestRow(Schema):
    id: int
    status: str
    requested_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(r: Any) -> bool:
        return bool(r.due_at and r.due_at < timezone.now() and r.status != "done")
