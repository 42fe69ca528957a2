from __future__ import annotations

from audit.context import client_address
from audit.models import AuthEvent, PersonalDataReveal


def auth_event_record(*, kind: str, request=None, user=None, username: str = "", actor=None) -> AuthEvent:
    """Appends a sign-in or password event (auth signal receivers, password services)."""
    from accounts.models import User

    if user is None and username:
        user = User.objects.filter(username=username).first()
    return AuthEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        actor=actor,
        ip_address=client_address(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )


def personal_data_reveal_record(*, request, user, record, fields: str) -> PersonalDataReveal:
    """Records that ``user`` saw the unmasked personal data of ``record``."""
    return PersonalDataReveal.objects.create(
        user=user,
        record_type=record._meta.label,
        record_id=record.pk,
        fields=fields,
        ip_address=client_address(request),
    )
