"""Reads, always scoped to the person asking (``referrals.permissions``). Nothing here writes.

Every list is one query plus a constant number of helpers, whatever its length: the
related rows a page shows are joined (``select_related``) or prefetched, never fetched per row.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from modeltranslation.utils import build_localized_fieldname
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cms.models import Membership, Role, Service

from .exceptions import NOT_FOUND
from .flows import ReferralFlow
from .models import TERMINAL_STATES, AuditEvent, Beneficiary, EmergencyCallProcess, ReferralNote, ReferralProcess
from .permissions import Actor, Scope, View

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)
REFERRAL_RELATED = (
    "beneficiary__personal_data",
    "consent",
    "theme",
    "service",
    "organization",
    "ambito",
    "municipality",
    "preferred_language",
    "office_municipality",
    "office_ambito",
)
TASK_RELATED = ("owner", *(f"process__referralprocess__{name}" for name in REFERRAL_RELATED))

# Steps with the nearest time limit first; steps without one (drafts, closing) last, on every database.
MOST_URGENT = F("process__referralprocess__step_due_at").asc(nulls_last=True)

# The actions each open step offers (to the people ``Scope.is_actor`` allows).
STEP_ACTIONS = {
    "prepare": ("update", "submit"),
    "triage": ("triage",),
    "org_review": ("review",),
    "waiting_list": ("review",),
    "redirect": ("redirect",),
    "close": ("close",),
}


# --- referrals ---------------------------------------------------------------


def referrals_for(user, *, state: str | None = None, overdue: bool = False) -> QuerySet:
    """The referrals ``user`` may see in lists, newest first."""
    scope = Scope.of(user)
    queryset = ReferralProcess.objects.filter(scope.referrals_q()).select_related(*REFERRAL_RELATED)
    if state:
        queryset = queryset.filter(state=state)
    if overdue:
        queryset = queryset.filter(step_due_at__lt=timezone.now()).exclude(state__in=TERMINAL_STATES)
    return queryset.order_by("-created", "-pk")


def referral_get(user, pk) -> ReferralProcess:
    """One referral ``user`` may see, or 404 (a referral outside the scope does not exist for them)."""
    referral = ReferralProcess.objects.select_related(*REFERRAL_RELATED).filter(pk=pk).first()
    if referral is None or not Scope.of(user).can_see(referral):
        raise Http404(NOT_FOUND)
    return referral


def overdue_for(user) -> QuerySet:
    """Open referrals of the network manager's ambiti whose current step is past its time limit, oldest first."""
    scope = Scope.of(user)
    return (
        ReferralProcess.objects.filter(ambito_id__in=scope.managed_ambiti, step_due_at__lt=timezone.now())
        .exclude(state__in=TERMINAL_STATES)
        .select_related(*REFERRAL_RELATED)
        .order_by("step_due_at", "pk")
    )


def open_steps(referral: ReferralProcess) -> list[Task]:
    return list(
        Task.objects.filter(process_id=referral.pk, flow_task_type="HUMAN", status__in=OPEN_TASK).order_by("pk")
    )


def available_actions(user, referral: ReferralProcess, steps: list[Task]) -> list[str]:
    """What ``user`` can do on ``referral`` now (for buttons and for API clients)."""
    scope = Scope.of(user)
    actions = []
    for task in steps:
        node = task.flow_task
        if node is ReferralFlow.volunteer_task:
            continue
        if scope.is_actor(node.actor, referral):
            actions.extend(STEP_ACTIONS.get(node.name, ()))
    if referral.is_open and (scope.is_actor(Actor.OFFICE, referral) or scope.is_actor(Actor.NETWORK_MANAGER, referral)):
        actions.append("cancel")
    return actions


def progress_notes(referral: ReferralProcess) -> QuerySet:
    return ReferralNote.objects.filter(referral=referral).select_related("author").order_by("created_at", "pk")


def team_of(referral: ReferralProcess) -> QuerySet:
    """Volunteers and coordinators of the receiving organisation (a coordinator gives them tasks)."""
    members = Membership.objects.filter(
        organization_id=referral.organization_id, role__in=[Role.VOLUNTEER, Role.COORDINATOR]
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=members, is_active=True).order_by("username")


def history_for(user, referral: ReferralProcess) -> list[AuditEvent]:
    """The audit trail of a referral the person may see (``referral_get`` first).

    An organisation whose consent was withdrawn keeps the trail of what happened and when, but not
    the reasons: they are free text about the beneficiary's case."""
    events = list(AuditEvent.objects.filter(referral=referral).select_related("actor").order_by("at", "pk"))
    if Scope.of(user).views_of(referral) == {View.ORGANISATION_NO_CONSENT}:
        for event in events:
            event.reason = ""
    return events


# --- tasks ------------------------------------------------------------------------


def tasks_for(user) -> QuerySet:
    """Every open step ``user`` can act on now: their inbox, whatever their roles."""
    scope = Scope.of(user)
    rp = "process__referralprocess__"
    q = Q(
        flow_task=ReferralFlow.volunteer_task,
        owner_id=scope.user_id,
        status=STATUS.ASSIGNED,
        **{f"{rp}organization_id__in": scope.task_organizations},
    )
    if scope.is_social_worker:
        q |= Q(flow_task__in=[ReferralFlow.prepare, ReferralFlow.close]) & scope.office_q(rp)
    if scope.managed_ambiti:
        q |= Q(
            flow_task__in=[ReferralFlow.triage, ReferralFlow.redirect], **{f"{rp}ambito_id__in": scope.managed_ambiti}
        )
    if scope.coordinated_organizations:
        q |= Q(
            flow_task__in=[ReferralFlow.org_review, ReferralFlow.waiting_list],
            **{f"{rp}organization_id__in": scope.coordinated_organizations},
        )
    if scope.user_id is None:
        return Task.objects.none()
    return (
        Task.objects.filter(q, status__in=OPEN_TASK, process__flow_class=ReferralFlow)
        .select_related(*TASK_RELATED)
        .order_by(MOST_URGENT, "pk")
    )


def queue_for(user) -> QuerySet:
    """Open volunteer tasks of the person's organisations that nobody has taken yet, most urgent first."""
    scope = Scope.of(user)
    return (
        Task.objects.filter(
            flow_task=ReferralFlow.volunteer_task,
            status=STATUS.NEW,
            process__referralprocess__organization_id__in=scope.task_organizations,
        )
        .select_related(*TASK_RELATED)
        .order_by(MOST_URGENT, "pk")
    )


def volunteer_task_get(user, pk) -> Task:
    """A volunteer task the person may see (``Scope.can_see_task``), or 404."""
    task = Task.objects.filter(pk=pk, flow_task=ReferralFlow.volunteer_task).select_related(*TASK_RELATED).first()
    if task is None or not Scope.of(user).can_see_task(task, task.process.referralprocess):
        raise Http404(NOT_FOUND)
    return task


def organisation_task_get(user, pk) -> Task:
    """A volunteer task of one of the person's organisations (volunteers and coordinators), whatever its
    status, or 404. Actions use it: a task someone else has just taken answers 409, not 404."""
    task = Task.objects.filter(pk=pk, flow_task=ReferralFlow.volunteer_task).select_related(*TASK_RELATED).first()
    if task is None or not Scope.of(user).is_actor(Actor.VOLUNTEER, task.process.referralprocess):
        raise Http404(NOT_FOUND)
    return task


def notes_of(task: Task, user) -> QuerySet:
    return ReferralNote.objects.filter(task=task, author=user).order_by("created_at", "pk")


def beneficiary_get(user, code: str):
    """A beneficiary of the social worker's office (not erased), or 404."""
    beneficiary = Beneficiary.objects.filter(code=code.strip().upper(), erased_at__isnull=True).first()
    if beneficiary is None or not Scope.of(user).owns_office_of(beneficiary):
        raise Http404(NOT_FOUND)
    return beneficiary


# --- emergency calls ------------------------------------------------------------------


def emergency_calls_for(user) -> QuerySet:
    """Calls of the network manager's ambiti, or calls that reached the coordinator's organisations."""
    scope = Scope.of(user)
    return (
        EmergencyCallProcess.objects.filter(
            Q(ambiti__in=scope.managed_ambiti) | Q(organizations__in=scope.coordinated_organizations)
        )
        .distinct()
        .select_related("theme", "taken_by_organization")
        .prefetch_related("ambiti", "organizations")
        .order_by("-created", "-pk")
    )


def emergency_call_get(user, pk) -> EmergencyCallProcess:
    call = emergency_calls_for(user).filter(pk=pk).first()
    if call is None:
        raise Http404(NOT_FOUND)
    return call


# --- the directory, for choosing a target service --------------------------------------


def services_search(*, query: str = "", theme: str = "", municipality: str = "", language: str = "") -> QuerySet:
    """Published, active services matching words of ``query`` in name, description or organisation.

    A simple database search for staff (the public full-text search lives in ``search``). Names and
    descriptions are searched in every language, whatever the staff member's interface language:
    modeltranslation would otherwise search only the active language's column, which is often empty.
    """
    queryset = Service.objects.available()
    text_columns = [
        build_localized_fieldname(field, language)
        for field in ("name", "description")
        for language in settings.MODELTRANSLATION_LANGUAGES
    ]
    for word in query.split()[:8]:
        matches = Q(organization__name__icontains=word)
        for column in text_columns:
            matches |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(matches)
    if theme:
        queryset = queryset.filter(themes__code=theme)
    if municipality:
        queryset = queryset.filter(
            Q(service_at_locations__location__municipality__istat_code=municipality)
            | Q(organization__ambiti__municipalities__istat_code=municipality)
        )
    if language:
        queryset = queryset.filter(languages_spoken__code=language)
    ids = queryset.values("pk")
    return (
        Service.objects.filter(pk__in=ids)
        .select_related("organization")
        .prefetch_related("themes", "service_at_locations__location__municipality")
        .order_by("name", "pk")
    )
