"""Emergency calls: the network manager calls every matching organisation, the first to accept takes it."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Ambito, Organization, Role, Service, Theme

from .. import audit
from ..exceptions import NOT_FOUND, NOT_YOUR_ROLE, Conflict
from ..flows import EmergencyCallFlow
from ..models import (
    EmergencyCallProcess,
    EmergencyCallState,
)
from ..notifications import Event
from ..permissions import Scope
from ..tasks import notify
from .steps import (
    Action,
    _open_task,
    _reason,
    _required,
)

# --- emergency calls -----------------------------------------------------------------


def matching_organizations(*, theme: Theme, ambiti: Iterable[Ambito]):
    """Published organisations with a public service of ``theme`` working in one of ``ambiti``."""
    ambito_ids = [ambito.pk for ambito in ambiti]
    services = (
        Service.objects.available()
        .filter(themes=theme)
        .filter(
            Q(service_at_locations__location__municipality__ambito_id__in=ambito_ids)
            | Q(organization__ambiti__in=ambito_ids)
            | Q(organization__municipalities__ambito_id__in=ambito_ids)
            | Q(organization__municipality__ambito_id__in=ambito_ids)
        )
    )
    return Organization.objects.public().filter(pk__in=services.values("organization_id")).order_by("name")


def emergency_call_open(*, user, need: str, theme: Theme, ambiti: Iterable[Ambito]) -> EmergencyCallProcess:
    """A network manager calls every matching organisation at once."""
    scope = Scope.of(user)
    scope.must_be(Role.NETWORK_MANAGER)
    need = _required(need, "need", _("Describe the need (no personal data)."))
    ambiti = list(ambiti)
    if not ambiti:
        raise ValidationError({"ambiti": _("Choose at least one ambito.")})
    outside = [ambito.name for ambito in ambiti if ambito.pk not in scope.managed_ambiti]
    if outside:
        raise ValidationError({"ambiti": _("You manage none of: %(names)s.") % {"names": ", ".join(outside)}})
    organizations = list(matching_organizations(theme=theme, ambiti=ambiti))
    if not organizations:
        raise ValidationError({"theme": _("No organisation of these ambiti offers a service of this theme.")})
    with transaction.atomic():
        call = EmergencyCallFlow.start.run(need=need, theme=theme, opened_by=user, state=EmergencyCallState.OPEN)
        call.ambiti.set(ambiti)
        call.organizations.set(organizations)
        audit.record(action=Action.CALL_OPENED, actor=user, emergency_call=call, to_state=EmergencyCallState.OPEN)
        notify(Event.CALL_OPENED, call=call, actor=user)
    return call


def _call_visible(scope: Scope, call: EmergencyCallProcess) -> None:
    ambiti = {ambito.pk for ambito in call.ambiti.all()}
    organizations = {organization.pk for organization in call.organizations.all()}
    if not (ambiti & scope.managed_ambiti or organizations & scope.coordinated_organizations):
        raise Http404(NOT_FOUND)


def emergency_call_accept(*, user, call: EmergencyCallProcess, organization: Organization | None = None):
    """The first coordinator of a called organisation to accept takes the call; later ones get ``Conflict``."""
    scope = Scope.of(user)
    with transaction.atomic(), EmergencyCallFlow.lock(call.pk):
        call = EmergencyCallProcess.objects.select_related("taken_by_organization").get(pk=call.pk)
        _call_visible(scope, call)
        mine = sorted({o.pk for o in call.organizations.all()} & scope.coordinated_organizations)
        if not mine:
            raise PermissionDenied(NOT_YOUR_ROLE)
        task = _open_task(call, [EmergencyCallFlow.answer])
        if task is None or call.state != EmergencyCallState.OPEN:
            if call.state == EmergencyCallState.TAKEN:
                raise Conflict(_("Already taken by %(organisation)s.") % {"organisation": call.taken_by_organization})
            raise Conflict(_("This call was cancelled."))
        if organization is None and len(mine) > 1:
            raise ValidationError({"organization": _("You coordinate several called organisations: choose one.")})
        organization_id = organization.pk if organization is not None else mine[0]
        if organization_id not in mine:
            raise ValidationError({"organization": _("That organisation was not called or is not yours.")})
        task.process = call
        if not task.flow_task.can_assign(user, task):
            raise PermissionDenied(NOT_YOUR_ROLE)
        activation = task.flow_task.activation_class(task)
        task.assigned = timezone.now()
        activation.assign(user)
        activation.start(None)
        call.state = EmergencyCallState.TAKEN
        call.taken_by, call.taken_by_organization_id, call.taken_at = user, organization_id, timezone.now()
        call.save()
        activation.execute()
        audit.record(
            action=Action.CALL_TAKEN,
            actor=user,
            emergency_call=call,
            from_state=EmergencyCallState.OPEN,
            to_state=EmergencyCallState.TAKEN,
            task=task,
        )
        notify(Event.CALL_TAKEN, call=call, actor=user)
    return call


def emergency_call_cancel(*, user, call: EmergencyCallProcess, reason: str) -> EmergencyCallProcess:
    """A network manager of one of the call's ambiti withdraws an open call."""
    reason = _reason(reason)
    scope = Scope.of(user)
    with transaction.atomic(), EmergencyCallFlow.lock(call.pk):
        call = EmergencyCallProcess.objects.get(pk=call.pk)
        _call_visible(scope, call)
        if not {a.pk for a in call.ambiti.all()} & scope.managed_ambiti:
            raise PermissionDenied(NOT_YOUR_ROLE)
        if call.state != EmergencyCallState.OPEN:
            raise Conflict(_("Only an open call can be cancelled."))
        EmergencyCallFlow.instance.cancel(call)
        call.state, call.cancel_reason = EmergencyCallState.CANCELLED, reason
        call.save()
        audit.record(
            action=Action.CALL_CANCELLED,
            actor=user,
            emergency_call=call,
            from_state=EmergencyCallState.OPEN,
            to_state=EmergencyCallState.CANCELLED,
            reason=reason,
        )
        notify(Event.CALL_CANCELLED, call=call, actor=user)
    return call
