"""The demo staff: one account per role in the ambiti of Lecco and Monza, all with one shared password.

Each account is a plain user with the membership (and Wagtail group) its role needs, as an
administrator would set it up in People and Settings › Users, and belongs to the group
``DEMO_GROUP`` so that anyone can tell (and an administrator can remove) the demo accounts.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from cms.models import Ambito, Membership, Municipality, Organization, Role, Service

from ..apps import EVALUATION_GROUP

DEMO_GROUP = "Demo accounts (sample data)"
DEMO_AMBITI = ("Lecco", "Monza")
# The organisation of each ambito whose coordinator and volunteers are demo accounts: these two sample
# associations of the demo directory (cms/demo), or else the first fitting organisation of the ambito.
PREFERRED_ORGANIZATIONS = {"Lecco": "Associazione Incontro Lecco", "Monza": "Associazione Ponti di Parole"}
WORKING_KINDS = (Organization.Kind.VOLUNTEER_ASSOCIATION, Organization.Kind.SOCIAL_COOPERATIVE)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str  # what the printed table calls the role
    ambito: str | None  # Lecco, Monza, or None (the whole network)
    membership: str | None  # a cms Role, or None (the evaluation body has no membership)
    scope: str | None = None  # "comune", "ambito" or "organization": where the membership points
    groups: tuple[str, ...] = ()


def _ambito_accounts(ambito: str, names: list[tuple[str, str]]) -> list[DemoAccount]:
    key = ambito.lower()
    specs = [
        ("comune", "social worker, comune office", Role.SOCIAL_WORKER, "comune", ()),
        ("ambito", "social worker, ambito office", Role.SOCIAL_WORKER, "ambito", ()),
        ("manager", "network manager", Role.NETWORK_MANAGER, "ambito", ()),
        ("coordinator", "organisation coordinator", Role.COORDINATOR, "organization", ()),
        ("volunteer-1", "volunteer", Role.VOLUNTEER, "organization", ()),
        ("volunteer-2", "volunteer", Role.VOLUNTEER, "organization", ()),
        ("editor", "editor of the directory", Role.EDITOR, "ambito", ("Editors",)),
        ("moderator", "moderator of the directory", Role.EDITOR, "ambito", ("Moderators",)),
    ]
    return [
        DemoAccount(f"{key}-{suffix}", first, last, role, ambito, membership, scope, groups)
        for (suffix, role, membership, scope, groups), (first, last) in zip(specs, names, strict=True)
    ]


ACCOUNTS: tuple[DemoAccount, ...] = (
    *_ambito_accounts(
        "Lecco",
        [
            ("Giulia", "Ferrari"),
            ("Marco", "Colombo"),
            ("Chiara", "Bianchi"),
            ("Luca", "Galli"),
            ("Sara", "Riva"),
            ("Ahmed", "Benali"),
            ("Elena", "Sala"),
            ("Paolo", "Brambilla"),
        ],
    ),
    *_ambito_accounts(
        "Monza",
        [
            ("Francesca", "Villa"),
            ("Davide", "Fumagalli"),
            ("Anna", "Mariani"),
            ("Stefano", "Longoni"),
            ("Irina", "Popescu"),
            ("Matteo", "Cattaneo"),
            ("Laura", "Meroni"),
            ("Andrea", "Redaelli"),
        ],
    ),
    DemoAccount("evaluation", "Valeria", "Conti", "evaluation body", None, None, groups=(EVALUATION_GROUP,)),
)


def demo_organizations() -> dict[str, Organization]:
    """{"Lecco": organisation, "Monza": organisation}: a published association or cooperative with its seat
    in the ambito and a public service (the preferred one when it exists)."""
    found = {}
    for ambito in DEMO_AMBITI:
        public = Service.objects.filter(live=True, status=Service.Status.ACTIVE)
        candidates = (
            Organization.objects.filter(
                live=True,
                kind__in=WORKING_KINDS,
                municipality__ambito__name=ambito,
                pk__in=public.values("organization_id"),
            )
            .annotate(
                preferred=Case(
                    When(name=PREFERRED_ORGANIZATIONS[ambito], then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("preferred", "name")
        )
        organization = candidates.first()
        if organization is None:
            raise LookupError(
                f"No published association or cooperative with a public service in the ambito of {ambito}: "
                "load the demo directory first (manage.py load_demo_content)."
            )
        found[ambito] = organization
    return found


def _scope(account: DemoAccount, organizations: dict[str, Organization]) -> dict:
    if account.scope == "comune":
        return {"municipality": Municipality.objects.get(name=account.ambito)}
    if account.scope == "ambito":
        return {"ambito": Ambito.objects.get(name=account.ambito)}
    if account.scope == "organization":
        return {"organization": organizations[account.ambito]}
    return {}


def new_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def ensure_accounts(organizations: dict[str, Organization], *, password: str | None = None) -> tuple[str, list[str]]:
    """Creates the missing demo accounts with ``password`` (a new random one by default).
    Returns the password and the usernames created (existing accounts are left as they are)."""
    password = password or new_password()
    user_model = get_user_model()
    usernames = [account.username for account in ACCOUNTS]
    existing = set(user_model.objects.filter(username__in=usernames).values_list("username", flat=True))
    demo_group, _created = Group.objects.get_or_create(name=DEMO_GROUP)
    created = []
    for account in ACCOUNTS:
        if account.username in existing:
            continue
        user = user_model.objects.create_user(
            username=account.username,
            email=f"{account.username}@demo.invalid",
            first_name=account.first_name,
            last_name=account.last_name,
            password=password,
        )
        user.groups.add(demo_group, *(Group.objects.get(name=name) for name in account.groups))
        if account.membership:
            membership = Membership(user=user, role=account.membership, **_scope(account, organizations))
            membership.full_clean()
            membership.save()
        created.append(account.username)
    return password, created


@transaction.atomic
def reset_password(password: str | None = None) -> str:
    """Gives every demo account a new shared password (for when the printed one was lost)."""
    password = password or new_password()
    for user in get_user_model().objects.filter(groups__name=DEMO_GROUP):
        user.set_password(password)
        user.save(update_fields=["password"])
    return password


def users() -> dict:
    """{username: user} of the demo accounts that exist."""
    by_name = {account.username for account in ACCOUNTS}
    return {user.username: user for user in get_user_model().objects.filter(username__in=by_name)}
