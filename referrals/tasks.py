"""Background work (django-tasks): immediate in development and tests, ``db_worker`` in production."""

from functools import partial

from django.db import transaction

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


def notify(event: Event, *, referral=None, call=None, actor=None, user_ids=None) -> None:
    """Sends ``event`` about ``referral`` (or an emergency ``call``) after the current transaction commits."""
    kwargs = {
        "event": str(event),
        "referral_id": referral.pk if referral is not None else None,
        "call_id": call.pk if call is not None else None,
        "exclude_user_id": actor.pk if actor is not None else None,
        "user_ids": sorted(user_ids) if user_ids else None,
    }
    transaction.on_commit(partial(send_notification.enqueue, **kwargs))
