"""Everything held about one beneficiary, as JSON (a data subject's access request)."""

import json

from django.core.management.base import BaseCommand, CommandError

from referrals.management.operator import add_operator_argument, operator
from referrals.models import Beneficiary
from referrals.privacy import beneficiary_export


class Command(BaseCommand):
    help = "Export everything held about one beneficiary (by code) as JSON. The export is logged as a read."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The beneficiary's code, e.g. B-7K3Q-9XW2.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        add_operator_argument(parser)

    def handle(self, *args, code, output, by, **options):
        user = operator(by)
        beneficiary = Beneficiary.objects.filter(code=code.strip().upper()).first()
        if beneficiary is None:
            raise CommandError(f"No beneficiary with code {code}.")
        text = json.dumps(beneficiary_export(beneficiary=beneficiary, user=user), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
