"""``manage.py referrals_demo``: the demo staff (one account per role) and sample referrals in every state.

Development only (refused when DEBUG is off); idempotent. ``make run`` calls it after the demo
directory is loaded. See referrals/demo/ and the README's "Try every role".
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from referrals.demo import ACCOUNTS, load_demo, refuse_without_debug, reset_password
from referrals.demo.accounts import demo_organizations
from referrals.demo.cases import CaseCounts


def accounts_table(organizations) -> str:
    """The demo accounts as a plain-text table: username, role, where they work."""

    def where(account):
        if account.scope == "organization":
            return organizations[account.ambito].name
        if account.scope == "comune":
            return f"Comune di {account.ambito} (office)"
        if account.ambito:
            return f"Ambito of {account.ambito}"
        return "whole network"

    rows = [("username", "role", "where")] + [(a.username, a.role, where(a)) for a in ACCOUNTS]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Create the demo staff of Lecco and Monza (one account per role, one shared password printed once) and "
        "sample referrals in every state. Development only (DEBUG on); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-password", action="store_true", help="Give every demo account a new shared password and print it."
        )

    def handle(self, *args, reset_password: bool, **options):
        try:
            if reset_password:
                self._reset()
                return
            result = load_demo()
        except (ImproperlyConfigured, LookupError) as error:
            raise CommandError(str(error)) from error
        organizations = demo_organizations()
        if result.password:
            self.stdout.write(self.style.SUCCESS("Demo staff accounts (sample data; log in at /workflow/ or /admin/):"))
            self.stdout.write(accounts_table(organizations))
            self.stdout.write(self.style.SUCCESS(f"Password of every demo account: {result.password}"))
            self.stdout.write(
                "  (shown only now; a new one with: .venv/bin/python manage.py referrals_demo --reset-password)"
            )
        else:
            self.stdout.write("The demo staff accounts already exist (see the README, 'Try every role').")
        self._report_cases(result.cases)

    def _reset(self):
        refuse_without_debug()
        password = reset_password()
        self.stdout.write(self.style.SUCCESS(f"New password of every demo account: {password}"))

    def _report_cases(self, cases: CaseCounts | None):
        if cases is None:
            self.stdout.write("The sample referrals already exist.")
            return
        self.stdout.write(
            f"Sample data: {cases.referrals} referrals in every state, {cases.emergency_calls} emergency calls, "
            f"{cases.consents} consents."
        )
