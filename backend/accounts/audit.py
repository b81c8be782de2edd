from typing import Any

from django.contrib.auth.models import AnonymousUser

from .models import AuditEvent, User


def audit(
    actor: User | AnonymousUser | None,
    action: str,
    *,
    subject: User | None = None,
    obj: Any = None,
    **detail: Any,
) -> None:
    """Records a staff action on personal data. Detail names fields, never their values."""
    AuditEvent.objects.create(
        actor=actor if isinstance(actor, User) else None,
        action=action,
        subject=subject,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        detail=detail,
    )
