"""What a locked-out login gets from django-axes (``AXES_LOCKOUT_CALLABLE``): 429 everywhere.

The API token view answers its own JSON 429 (``referrals.api.TokenView``), which is kept; the login
pages (admin, staff pages) get a short page saying how long to wait and whom to ask.
"""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response, credentials):
    if original_response is not None and original_response.status_code == 429:
        return original_response
    context = {"cooloff_minutes": settings.AXES_COOLOFF_MINUTES}
    return render(request, "aftercare/locked_out.html", context, status=429)
