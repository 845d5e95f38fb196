"""Retention (daily): cancel drafts abandoned for REFERRALS_ABANDONED_DRAFT_DAYS, and anonymise
referrals that ended more than REFERRALS_RETENTION_DAYS ago."""

from django.core.management.base import BaseCommand

from referrals.privacy import (
    abandoned_draft_days,
    abandoned_drafts,
    anonymise_expired,
    cancel_abandoned_drafts,
    expired_referrals,
    retention_days,
)


class Command(BaseCommand):
    help = (
        "Cancel drafts untouched for REFERRALS_ABANDONED_DRAFT_DAYS; anonymise referrals closed, rejected or "
        "cancelled more than REFERRALS_RETENTION_DAYS ago, and erase the personal data of beneficiaries left with "
        "nothing that needs it. Anonymous statistics are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be anonymised.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"{expired_referrals().count()} referral(s) older than {retention_days()} days.")
            self.stdout.write(f"{abandoned_drafts().count()} draft(s) untouched for {abandoned_draft_days()} days.")
            return
        cancelled = cancel_abandoned_drafts()
        if cancelled:
            self.stdout.write(f"{cancelled} abandoned draft(s) cancelled.")
        referrals, beneficiaries = anonymise_expired()
        self.stdout.write(f"{referrals} referral(s) anonymised, {beneficiaries} beneficiary(ies) erased.")
