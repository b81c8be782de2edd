"""The API's limit/offset pagination, with both numbers bounded.

``limit`` above NINJA_PAGINATION_MAX_LIMIT (100) is refused with 422 naming ``query.limit``
rather than quietly cut, so a client that asks for more learns it gets less. ``offset`` is
bounded too: an offset past any real list is pointless, and one past the database's integer
range would otherwise end in a server error. Lists that page by cursor (a venture's ledger)
cap ``page_size`` at 100 instead, as cursor pages have no total to be misread.
"""

from ninja import Field
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination as NinjaLimitOffsetPagination
from ninja.schema import Schema

MAX_OFFSET = 1_000_000


class LimitOffsetPagination(NinjaLimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
