"""``manage.py content_changed``: records that the public content changed now (``Last-Modified`` of the APIs)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.content_version import content_changed_at, record_content_change


class Command(BaseCommand):
    help = (
        "Record that the public content changed now, so that clients revalidating with If-Modified-Since get the "
        "API responses again. Every change of records and pages records it by itself; run this once the new code "
        "serves after a release that changes what the APIs send without changing any record (new fields, new "
        "translations of labels)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            record_content_change()
        self.stdout.write(f"Public content changed at {content_changed_at().isoformat()}.")
