"""Breakdown dimensions as database expressions over a participant (a User row).

Each returns the SQL expression for the dimension, given the path from the queried model to
the participant ("" when the query is on User, "owner__" on Venture, ...). Unanswered and
"prefer not to say" answers fall in "not_stated"; disability is "not_asked" when none of the
six Washington Group questions was answered.
"""

import datetime as dt

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Coalesce, NullIf

from backend.accounts.models import WASHINGTON_GROUP_FIELDS, Difficulty

NOT_STATED = "not_stated"


def _answer(path: str, field: str) -> Coalesce:
    expr = NullIf(NullIf(F(f"{path}profile__{field}"), Value("")), Value("prefer_not_to_say"))
    return Coalesce(expr, Value(NOT_STATED), output_field=CharField())


def age_band(path: str, at: dt.date) -> Case:
    year = f"{path}profile__birth_year"
    return Case(
        When(**{f"{year}__isnull": True}, then=Value(NOT_STATED)),
        When(**{f"{year}__gt": at.year - 18}, then=Value("under_18")),
        When(**{f"{year}__gt": at.year - 25}, then=Value("18-24")),
        When(**{f"{year}__gt": at.year - 60}, then=Value("25-59")),
        default=Value("60+"),
        output_field=CharField(),
    )


def disability(path: str) -> Case:
    hard = [Difficulty.A_LOT.value, Difficulty.CANNOT.value]
    any_hard = Q()
    for field in WASHINGTON_GROUP_FIELDS:
        any_hard |= Q(**{f"{path}profile__{field}__in": hard})
    answered = Q()
    for field in WASHINGTON_GROUP_FIELDS:
        answered |= Q(
            **{
                f"{path}profile__{field}__in": [
                    d.value for d in Difficulty if d != Difficulty.PREFER_NOT
                ]
            }
        )
    return Case(
        When(any_hard, then=Value("yes")),
        When(answered, then=Value("no")),
        default=Value("not_asked"),
        output_field=CharField(),
    )


def expression(dimension: str, path: str, period_start: dt.date) -> object:
    if dimension == "age_band":
        return age_band(path, period_start)
    if dimension == "disability":
        return disability(path)
    return _answer(path, dimension)
