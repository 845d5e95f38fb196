"""Notification preferences of a person."""

from ..models import (
    NotificationPreference,
)


def preferences_set(*, user, daily_digest: bool) -> NotificationPreference:
    """A person chooses one e-mail per new task, or a daily digest."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": bool(daily_digest)}
    )
    return preference
