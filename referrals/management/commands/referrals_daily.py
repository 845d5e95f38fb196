"""Daily: remind people of late steps, and send the volunteers' digests (systemd timer, once a day)."""

from django.core.management.base import BaseCommand

from referrals.digests import send_digests, send_reminders


class Command(BaseCommand):
    help = "Send reminders of late referral steps and the volunteers' daily digests."

    def handle(self, *args, **options):
        reminders = send_reminders()
        digests = send_digests()
        self.stdout.write(f"{reminders} reminder(s) and {digests} digest(s) sent.")
