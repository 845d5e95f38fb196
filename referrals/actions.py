"""The actions on a referral and on a volunteer task, shared by the JSON API and the staff pages.

Each action names the serializer that validates its input, the service that performs it, and
who may use it (for the OpenAPI description and the role check before anything is read).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from cms.models import Role

from . import services
from .models import Beneficiary
from .serializers import (
    AssignInput,
    CloseInput,
    OutcomeInput,
    ProgressInput,
    ReasonInput,
    RedirectInput,
    ReviewInput,
    TriageInput,
)


class NoInput(serializers.Serializer):
    pass


@dataclass(frozen=True)
class Action:
    name: str
    input: type[serializers.Serializer]
    run: Callable
    roles: tuple
    summary: str
    who: str


REFERRAL_ACTIONS = {
    action.name: action
    for action in (
        Action(
            "submit",
            NoInput,
            lambda user, referral, data: services.referral_submit(user=user, referral=referral),
            (Role.SOCIAL_WORKER,),
            _("Submit a draft (or a returned referral) for triage"),
            _("A social worker of the referring office. Needs an active consent for the target organisation."),
        ),
        Action(
            "triage",
            TriageInput,
            lambda user, referral, data: services.referral_triage(user=user, referral=referral, **data),
            (Role.NETWORK_MANAGER,),
            _("Triage: approve, return for more information, or reject"),
            _("A network manager of the referral's ambito, while it waits for triage."),
        ),
        Action(
            "review",
            ReviewInput,
            lambda user, referral, data: services.referral_review(user=user, referral=referral, **data),
            (Role.COORDINATOR,),
            _("The organisation's answer: accept, decline or waiting list"),
            _(
                "A coordinator of the receiving organisation, while the referral waits for its answer or is on its "
                "waiting list."
            ),
        ),
        Action(
            "redirect",
            RedirectInput,
            lambda user, referral, data: services.referral_redirect(user=user, referral=referral, **data),
            (Role.NETWORK_MANAGER,),
            _("Redirect a declined (or unanswered) referral to another service"),
            _(
                "A network manager of the referral's ambito. The beneficiary must have consented for the new "
                "organisation."
            ),
        ),
        Action(
            "close",
            CloseInput,
            lambda user, referral, data: services.referral_close(user=user, referral=referral, **data),
            (Role.SOCIAL_WORKER,),
            _("Close the loop after the outcome: completed or not completed"),
            _("A social worker of the referring office, once the outcome is recorded."),
        ),
        Action(
            "cancel",
            ReasonInput,
            lambda user, referral, data: services.referral_cancel(user=user, referral=referral, **data),
            (Role.SOCIAL_WORKER, Role.NETWORK_MANAGER),
            _("Cancel a referral, with a reason"),
            _("A social worker of the referring office or a network manager of its ambito, before it ends."),
        ),
    )
}

TASK_ACTIONS = {
    action.name: action
    for action in (
        Action(
            "claim",
            NoInput,
            lambda user, task, data: services.task_claim(user=user, task=task),
            (Role.VOLUNTEER, Role.COORDINATOR),
            _("Take a task of your organisation's queue"),
            _("A volunteer or coordinator of the receiving organisation. If someone took it first: 409."),
        ),
        Action(
            "hand-back",
            ReasonInput,
            lambda user, task, data: services.task_hand_back(user=user, task=task, **data),
            (Role.VOLUNTEER, Role.COORDINATOR),
            _("Put a taken task back in the queue, with a reason"),
            _("The volunteer who took it, or a coordinator of the organisation."),
        ),
        Action(
            "assign",
            AssignInput,
            lambda user, task, data: services.task_assign(user=user, task=task, **data),
            (Role.COORDINATOR,),
            _("Give a task to a volunteer of the organisation"),
            _("A coordinator of the receiving organisation."),
        ),
        Action(
            "progress",
            ProgressInput,
            lambda user, task, data: services.task_record_progress(user=user, task=task, **data),
            (Role.VOLUNTEER, Role.COORDINATOR),
            _("Record progress on the task"),
            _("The volunteer working on the task."),
        ),
        Action(
            "outcome",
            OutcomeInput,
            lambda user, task, data: services.task_record_outcome(user=user, task=task, **data),
            (Role.VOLUNTEER, Role.COORDINATOR),
            _("Record the outcome (help received, partly, not received, could not contact)"),
            _("The volunteer working on the task."),
        ),
    )
}


def start_referral(user, data: dict):
    """Starts a referral from ``StartInput``'s validated data (the API and the start page)."""
    data = dict(data)
    person = data.pop("beneficiary")
    beneficiary = None
    if person.get("code"):
        beneficiary = Beneficiary.objects.filter(code=person["code"].strip().upper()).first()
        if beneficiary is None:
            raise ValidationError({"beneficiary": gettext("No beneficiary with this code in your office.")})
    office = data.pop("office_municipality", None) or data.pop("office_ambito", None)
    data.pop("office_ambito", None)
    return services.referral_start(
        worker=user, beneficiary=beneficiary, personal_data=None if beneficiary else person, office=office, **data
    )
