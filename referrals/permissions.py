"""Who may see and do what: scopes computed from ``cms.Membership``, denied by default.

Viewflow checks the state of a task, never who asks: every check of a person against a
referral lives here, and the flow nodes, services, selectors, API and pages all call it.

- social worker: referrals started in their office (an ambito office or a comune office);
- network manager: referrals of their ambiti, once submitted;
- coordinator: referrals addressed to their organisation, from triage approval on;
- volunteer: only the volunteer tasks of their organisation, with the minimum needed;
- editor: nothing here; administrator: the anonymous reports and nothing personal;
- evaluation body: no role; the permission ``referrals.view_reports`` (group "Evaluation body").
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from cms.models import Membership, Role

from .exceptions import NOT_YOUR_ROLE
from .models import ORGANISATION_STATES, ReferralProcess, State

REPORTS_PERMISSION = "referrals.view_reports"


class Actor(StrEnum):
    """Who performs a step of the flow (see ``referrals.flows``)."""

    OFFICE = "office"  # a social worker of the referring office
    NETWORK_MANAGER = "network_manager"  # a network manager of the referral's ambito
    COORDINATOR = "coordinator"  # a coordinator of the receiving organisation
    VOLUNTEER = "volunteer"  # a volunteer (or coordinator) of the receiving organisation
    CALLED_COORDINATOR = "called_coordinator"  # a coordinator of an organisation an emergency call reached


class View(StrEnum):
    """What a person sees of a referral (the serialiser picks fields by these)."""

    OFFICE = "office"  # everything
    MANAGER = "manager"  # no direct identifiers (no name, no contact)
    ORGANISATION = "organisation"  # identity, contact and case, while the consent holds
    ORGANISATION_NO_CONSENT = "organisation_no_consent"  # consent revoked: nothing personal


def consent_covers(referral) -> bool:
    """Whether the beneficiary's consent, still active, lets the receiving organisation see their data."""
    consent = referral.consent
    return consent is not None and consent.is_active and consent.organization_id == referral.organization_id


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    office_ambiti: frozenset = field(default_factory=frozenset)
    office_municipalities: frozenset = field(default_factory=frozenset)
    managed_ambiti: frozenset = field(default_factory=frozenset)
    coordinated_organizations: frozenset = field(default_factory=frozenset)
    volunteer_organizations: frozenset = field(default_factory=frozenset)
    is_administrator: bool = False
    user: object = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, user) -> "Scope":
        """The scope of ``user`` (one query, cached on the user object for the request)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user_id=None)
        cached = getattr(user, "_referral_scope", None)
        if cached is not None:
            return cached
        sets = {role: set() for role in Role.values}
        office_ambiti, office_municipalities = set(), set()
        rows = Membership.objects.filter(user=user).values_list(
            "role", "ambito_id", "municipality_id", "organization_id"
        )
        for role, ambito_id, municipality_id, organization_id in rows:
            if role == Role.SOCIAL_WORKER:
                if municipality_id:
                    office_municipalities.add(municipality_id)
                elif ambito_id:
                    office_ambiti.add(ambito_id)
            elif role == Role.NETWORK_MANAGER and ambito_id:
                sets[role].add(ambito_id)
            elif role in (Role.COORDINATOR, Role.VOLUNTEER) and organization_id:
                sets[role].add(organization_id)
            elif role == Role.ADMINISTRATOR:
                sets[role].add(True)
        scope = cls(
            user_id=user.pk,
            office_ambiti=frozenset(office_ambiti),
            office_municipalities=frozenset(office_municipalities),
            managed_ambiti=frozenset(sets[Role.NETWORK_MANAGER]),
            coordinated_organizations=frozenset(sets[Role.COORDINATOR]),
            volunteer_organizations=frozenset(sets[Role.VOLUNTEER]),
            is_administrator=bool(sets[Role.ADMINISTRATOR]),
            user=user,
        )
        user._referral_scope = scope
        return scope

    # --- roles -------------------------------------------------------------

    @property
    def is_social_worker(self) -> bool:
        return bool(self.office_ambiti or self.office_municipalities)

    @property
    def is_network_manager(self) -> bool:
        return bool(self.managed_ambiti)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinated_organizations)

    @property
    def is_volunteer(self) -> bool:
        return bool(self.volunteer_organizations)

    @property
    def task_organizations(self) -> frozenset:
        """Organisations whose volunteer tasks this person may claim: as a volunteer or a coordinator."""
        return self.volunteer_organizations | self.coordinated_organizations

    @cached_property
    def is_evaluator(self) -> bool:
        """The evaluation body: no role, the permission ``referrals.view_reports`` (asked only when needed)."""
        return self.user is not None and self.user.has_perm(REPORTS_PERMISSION)

    @property
    def may_read_reports(self) -> bool:
        return self.is_network_manager or self.is_administrator or self.is_evaluator

    @property
    def reports_network_wide(self) -> bool:
        return self.is_administrator or self.is_evaluator

    def has_any(self, *roles: str) -> bool:
        checks = {
            Role.SOCIAL_WORKER: self.is_social_worker,
            Role.NETWORK_MANAGER: self.is_network_manager,
            Role.COORDINATOR: self.is_coordinator,
            Role.VOLUNTEER: self.is_volunteer,
            Role.ADMINISTRATOR: self.is_administrator,
        }
        return any(checks.get(role, False) for role in roles)

    # --- offices -----------------------------------------------------------

    def owns_office_of(self, record) -> bool:
        """Whether ``record`` (a referral or a beneficiary) belongs to one of this social worker's offices."""
        if record.office_municipality_id:
            return record.office_municipality_id in self.office_municipalities
        return record.office_ambito_id in self.office_ambiti

    def office_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}office_municipality_id__in": self.office_municipalities}) | Q(
            **{f"{prefix}office_ambito_id__in": self.office_ambiti}
        )

    # --- referrals ---------------------------------------------------------

    def referrals_q(self, prefix: str = "") -> Q:
        """The referrals this person may see in referral lists and pages (volunteers: none, they see tasks)."""
        q = Q(pk__in=[])
        if self.is_social_worker:
            q |= self.office_q(prefix)
        if self.managed_ambiti:  # drafts are the social worker's own work until submitted
            q |= Q(**{f"{prefix}ambito_id__in": self.managed_ambiti}) & ~Q(**{f"{prefix}state": State.DRAFT})
        if self.coordinated_organizations:
            q |= Q(
                **{
                    f"{prefix}organization_id__in": self.coordinated_organizations,
                    f"{prefix}forwarded_at__isnull": False,
                    f"{prefix}state__in": ORGANISATION_STATES,
                }
            )
        return q

    def is_manager_of(self, referral: ReferralProcess) -> bool:
        return referral.ambito_id in self.managed_ambiti and referral.state != State.DRAFT

    def is_organisation_of(self, referral: ReferralProcess) -> bool:
        return (
            referral.organization_id in self.coordinated_organizations
            and referral.forwarded_at is not None
            and referral.state in ORGANISATION_STATES
        )

    def views_of(self, referral: ReferralProcess) -> set[View]:
        """Every way this person sees ``referral`` (empty: not at all)."""
        views = set()
        if self.is_social_worker and self.owns_office_of(referral):
            views.add(View.OFFICE)
        if self.is_manager_of(referral):
            views.add(View.MANAGER)
        if self.is_organisation_of(referral):
            views.add(View.ORGANISATION if consent_covers(referral) else View.ORGANISATION_NO_CONSENT)
        return views

    def can_see(self, referral: ReferralProcess) -> bool:
        return bool(self.views_of(referral))

    def is_actor(self, actor: Actor, process) -> bool:
        """Whether this person may act as ``actor`` on ``process`` (a referral or an emergency call)."""
        if actor == Actor.OFFICE:
            return self.is_social_worker and self.owns_office_of(process)
        if actor == Actor.NETWORK_MANAGER:
            return self.is_manager_of(process)
        if actor == Actor.COORDINATOR:
            return self.is_organisation_of(process)
        if actor == Actor.VOLUNTEER:
            return (
                process.organization_id in self.task_organizations
                and process.forwarded_at is not None
                and consent_covers(process)
            )
        if actor == Actor.CALLED_COORDINATOR:
            called = {organization.pk for organization in process.organizations.all()}
            return bool(called & self.coordinated_organizations)
        return False

    def can_see_task(self, task, referral: ReferralProcess) -> bool:
        """Volunteer tasks: coordinators of the organisation see them all; a volunteer sees the open tasks
        of the queue and the task they are working on, and nothing once it is done (data minimisation).
        Nobody at the organisation sees a task once the beneficiary's consent to it is withdrawn."""
        if not consent_covers(referral):
            return False
        if self.is_actor(Actor.COORDINATOR, referral):
            return True
        if referral.organization_id not in self.volunteer_organizations or referral.forwarded_at is None:
            return False
        if task.status == "NEW":
            return True
        return task.status == "ASSIGNED" and task.owner_id == self.user_id

    def must_be(self, *roles: str) -> None:
        """Raises PermissionDenied unless this person holds one of ``roles`` somewhere."""
        if not self.has_any(*roles):
            raise PermissionDenied(NOT_YOUR_ROLE)
