"""The API's limit/offset pagination, with both numbers bounded.

``limit`` above NINJA_PAGINATION_MAX_LIMIT (100) is refused with 422 naming ``query.limit``
rather than quietly cut, so a client that asks for more learns it gets less. ``offset`` is
bounded too: an offset past any real list is pointless, and one past the database's integer
range would otherwise end in a server error. Lists that page by cursor (a venture's ledger)
cap ``page_size`` at 100 instead, as cursor pages have no total to be misread.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field
from ninja.conf import settings as ninja_settings
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination
from ninja.schema import Schema
from pydantic import ValidationError as PydanticValidationError

from backend.lib.errors import DomainError
from backend.lib.validation import MAX_ID

MAX_OFFSET = 1_000_000


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


BAD_CURSOR = (
    NinjaValidationError,
    PydanticValidationError,
    DjangoValidationError,
    ValueError,
    TypeError,
    OverflowError,
)


class BoundedCursorPagination(CursorPagination):
    """ninja's cursor pages with a cursor that was not ours refused.

    A cursor is opaque to clients: one that does not decode, or decodes to a position that is
    not of the ordering field's type, is 400 naming ``query.cursor`` (ninja would let the
    database or the type conversion fail with a server error).
    """

    class Input(Schema):
        # Above 100 a page is cut to 100 (see above); the bound only keeps the number sane.
        page_size: int | None = Field(
            None, ge=1, le=MAX_ID, description="Rows per page; at most 100 are sent"
        )
        cursor: str | None = Field(None, max_length=500)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        try:
            return super().paginate_queryset(queryset, pagination, request, **params)
        except BAD_CURSOR as exc:
            raise DomainError(
                _("This page link is not valid. Start again from the first page."),
                code="invalid_cursor",
                field="query.cursor",
            ) from exc
