"""The local administrator account that ``make run`` creates on a development machine."""

import secrets

from django.contrib.auth import get_user_model

LOCAL_ADMIN_USERNAME = "admin"


def ensure_local_admin(username: str = LOCAL_ADMIN_USERNAME) -> str | None:
    """Creates the superuser ``username`` with a random password and returns it, or None if it exists."""
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email=f"{username}@localhost", password=password)
    return password
