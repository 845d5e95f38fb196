"""Fixtures of the cms tests."""

from datetime import timedelta

from django.utils import timezone

import pytest

from cms.models import ContentVersion


@pytest.fixture
def settle(db):
    """Puts the date of the public content a minute back, as if nothing had changed since; returns it.

    Just after a change the stored date is up to a second ahead, and responses carry the current
    time instead (cms/api/http.py): tests that compare Last-Modified with it settle it first.
    """

    def settle_content_date():
        moment = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
        ContentVersion.objects.update(changed_at=moment)
        return moment

    return settle_content_date
