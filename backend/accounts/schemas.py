import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from .models import (
    ConsentChannel,
    Difficulty,
    Education,
    IdDocument,
    Language,
    PopulationGroup,
    Sex,
)


class StrictIn(Schema):
    """Input schemas refuse unknown fields: a client cannot slip in role or staff flags."""

    model_config = ConfigDict(extra="forbid")


class ProfileFields(Schema):
    display_name: str | None = Field(None, max_length=120)
    sex: Sex | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100)
    nationality: str | None = Field(
        None, max_length=20, description="ISO 3166 alpha-2, or prefer_not_to_say"
    )
    population_group: PopulationGroup | None = None
    country: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2")
    region: str | None = Field(None, max_length=10, description="ISO 3166-2, e.g. PE-PIU")
    wg_seeing: Difficulty | None = None
    wg_hearing: Difficulty | None = None
    wg_walking: Difficulty | None = None
    wg_cognition: Difficulty | None = None
    wg_selfcare: Difficulty | None = None
    wg_communication: Difficulty | None = None
    education_level: Education | None = None
    id_document_type: IdDocument | None = None
    id_document_expiry: dt.date | None = Field(None, description="Only the month is kept")
    gender_identity: str | None = Field(None, max_length=80)


class ProfileIn(ProfileFields, StrictIn):
    pass


class ProfileOut(ProfileFields):
    has_disability: bool | None = None


class MeIn(StrictIn):
    preferred_language: Language | None = None
    profile: ProfileIn | None = None


class RoleOut(Schema):
    programme_id: int
    programme: str
    role: str


class ConsentOut(Schema):
    notice_version: str
    channel: str
    purposes: list[str]
    given_at: dt.datetime


class MeOut(Schema):
    id: int
    email: str | None
    phone: str | None
    phone_verified: bool
    preferred_language: str
    is_admin: bool
    mfa_enabled: bool
    roles: list[RoleOut]
    donor_funders: list[str]
    consent: ConsentOut | None
    profile: ProfileOut | None


class NoticeOut(Schema):
    version: str
    language: str
    text: str
    purposes: list[str]
    published_at: dt.datetime


class ConsentIn(StrictIn):
    notice_version: str = Field(..., max_length=20)
    purposes: list[str] = Field(..., max_length=20)


class ErasureOut(Schema):
    id: int
    status: str
    requested_at: dt.datetime
    due_at: dt.datetime | None
    confirmed_at: dt.datetime | None


class ErasureConfirmIn(StrictIn):
    confirm: bool = Field(..., description="Must be true: the erasure cannot be undone")


__all__ = ["ConsentChannel"]
