"""The one platform-wide role: an active superuser is an admin and sees every programme.

Programme roles (manager, trainer, participant, donor viewer) live in backend.programmes.access;
each domain app's access.py builds its objects' visibility on those.
"""

from django.contrib.auth.models import AnonymousUser

from .models import User

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
