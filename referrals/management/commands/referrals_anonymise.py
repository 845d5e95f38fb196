"""Retention: anonymise referrals that ended more than REFERRALS_RETENTION_DAYS ago (daily)."""

from django.core.management.base import BaseCommand

from referrals.privacy import anonymise_expired, expired_referrals, retention_days


class Command(BaseCommand):
    help = (
        "Anonymise referrals closed, rejected or cancelled more than REFERRALS_RETENTION_DAYS ago, and erase the "
        "personal data of beneficiaries left with nothing that needs it. Anonymous statistics are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be anonymised.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"{expired_referrals().count()} referral(s) older than {retention_days()} days.")
            return
        referrals, beneficiaries = anonymise_expired()
        self.stdout.write(f"{referrals} referral(s) anonymised, {beneficiaries} beneficiary(ies) erased.")
