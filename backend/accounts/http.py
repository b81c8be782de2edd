from django.http import HttpRequest

from .models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that passed authentication (API auth or login_required)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - auth already refused anonymous callers
        raise TypeError("request_user() needs an authenticated request")
    return user
