"""Background work (django-tasks): immediate in development and tests, ``db_worker`` in production."""

from django_tasks import task

from .notifications import Event, send_call_event, send_referral_event


@task()
def send_notification(
    *,
    event: str,
    referral_id: int | None = None,
    call_id: int | None = None,
    exclude_user_id: int | None = None,
    user_ids: list[int] | None = None,
) -> int:
    """Sends the e-mails of one event; returns how many were sent."""
    if referral_id is not None:
        return send_referral_event(
            Event(event), referral_id=referral_id, exclude_user_id=exclude_user_id, user_ids=user_ids
        )
    if call_id is not None:
        return send_call_event(Event(event), call_id=call_id, exclude_user_id=exclude_user_id)
    return 0
