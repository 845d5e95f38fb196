"""E-mail each organisation with records due for verification a link to check them, and remind the
editors of records still unverified a month after the cycle (deploy/systemd/aftercare-verification.timer)."""

from django.core.management.base import BaseCommand

from cms.verification import mail


class Command(BaseCommand):
    help = (
        "Sends the verification links to the organisations whose records are due "
        "(DIRECTORY_VERIFY_EVERY_DAYS) and the reminders to the editors of each ambito."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many organisations this run.")
        parser.add_argument("--no-reminders", action="store_true", help="Only the links, no reminders to editors.")

    def handle(self, *args, limit=None, no_reminders=False, **options):
        summary = mail.send_requests(limit=limit)
        if not no_reminders:
            summary.reminders_sent = mail.send_reminders()
        self.stdout.write(
            f"verification: {summary.requests_sent} link(s) sent, {summary.without_address} organisation(s) "
            f"due without an e-mail address, {summary.reminders_sent} reminder(s) to editors"
        )
