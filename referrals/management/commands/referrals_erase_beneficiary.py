"""Erase one beneficiary's personal data on request, keeping anonymous statistics."""

from django.core.management.base import BaseCommand, CommandError

from referrals.management.operator import add_operator_argument, operator
from referrals.models import Beneficiary
from referrals.privacy import beneficiary_erase


class Command(BaseCommand):
    help = (
        "Erase a beneficiary's personal data (name, contact, free texts, notes; open referrals are cancelled). "
        "States, dates, themes, organisations and outcomes stay for the anonymous reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The beneficiary's code.")
        parser.add_argument("--reason", default="erasure request", help="Recorded in the history.")
        parser.add_argument("--yes", action="store_true", help="Do it (without it, only say what would happen).")
        add_operator_argument(parser)

    def handle(self, *args, code, reason, yes, by, **options):
        actor = operator(by)
        beneficiary = Beneficiary.objects.filter(code=code.strip().upper()).first()
        if beneficiary is None:
            raise CommandError(f"No beneficiary with code {code}.")
        if beneficiary.erased_at:
            raise CommandError(f"{beneficiary.code} was already erased on {beneficiary.erased_at:%Y-%m-%d}.")
        count = beneficiary.referrals.count()
        if not yes:
            self.stdout.write(f"Would erase {beneficiary.code} and anonymise {count} referral(s). Add --yes to do it.")
            return
        anonymised = beneficiary_erase(beneficiary=beneficiary, actor=actor, reason=reason)
        self.stdout.write(f"Erased {beneficiary.code}; {anonymised} referral(s) anonymised.")
