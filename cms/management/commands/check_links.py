"""Checks that the websites of the directory answer (deploy/systemd/aftercare-link-check.timer)."""

from django.core.management.base import BaseCommand

from cms.link_checker import check_links


class Command(BaseCommand):
    help = (
        "Asks every website of the published directory whether it answers; "
        "the data-quality dashboard counts those that do not."
    )

    def handle(self, *args, **options):
        answers = check_links()
        broken = sorted(url for url, ok in answers.items() if not ok)
        self.stdout.write(f"links: {len(answers)} checked, {len(broken)} not answering")
        for url in broken:
            self.stdout.write(f"  not answering: {url}")
