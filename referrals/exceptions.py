"""Errors of the referral services, each mapped to one HTTP status by the API and the pages.

- ``django.core.exceptions.ValidationError``: bad input (400, with field messages);
- ``django.core.exceptions.PermissionDenied``: the person's role does not allow it (403);
- ``django.http.Http404``: the record is outside the person's scope, or does not exist (404);
- ``Conflict``: the referral or task is no longer in a state that allows it, e.g. a task someone
  else has just claimed (409).
"""

from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """The action does not fit the current state (someone else acted first)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


NOT_YOUR_ROLE = _("Your role does not allow this.")
NOT_FOUND = _("Not found, or not in your scope.")
