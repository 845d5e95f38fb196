"""The demo of the referral process for ``make run``: one account per role in two ambiti (Lecco and
Monza) and sample referrals in every state, created through ``referrals.services`` as people would.

Development only: :func:`load_demo` refuses to run when ``DEBUG`` is off, so a production database
never gets accounts with a shared password or invented cases. Idempotent: accounts are created
once (found again by username), the sample cases once (found again by ``is_sample``).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .accounts import ACCOUNTS, DemoAccount, demo_organizations, ensure_accounts, reset_password
from .cases import CaseCounts, ensure_cases

__all__ = ["ACCOUNTS", "DemoAccount", "DemoResult", "load_demo", "refuse_without_debug", "reset_password"]


@dataclass
class DemoResult:
    password: str | None  # the shared password when accounts were created now, else None
    created_accounts: list[str] = field(default_factory=list)
    cases: CaseCounts | None = None  # None: the sample cases already existed


def refuse_without_debug() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "The referral demo (shared-password accounts and invented cases) is for development only: DEBUG is off."
        )


def load_demo(*, password: str | None = None) -> DemoResult:
    """Creates what is missing of the demo; ``password`` (default: a new random one) for new accounts."""
    refuse_without_debug()
    organizations = demo_organizations()
    password, created = ensure_accounts(organizations, password=password)
    cases = ensure_cases(organizations)
    return DemoResult(password=password if created else None, created_accounts=created, cases=cases)
