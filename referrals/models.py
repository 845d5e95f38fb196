"""Referrals: beneficiaries, consent, the referral process, its audit trail and the personal-data access log.

Personal data lives in one place, ``BeneficiaryPersonalData``; everything else refers to a
beneficiary by its pseudonymous code. The referral is a concrete Viewflow process table
(``ReferralProcess``) with real foreign keys, so scopes are plain joins.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from viewflow.workflow.models import Process, Task

# Crockford's base32 without look-alikes: codes are read over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_beneficiary_code() -> str:
    """A random pseudonymous code such as ``B-7K3Q-9XW2`` (30^8 ≈ 6.5e11 codes)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"B-{chars[:4]}-{chars[4:]}"


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for triage")
    RETURNED = "returned", _("Returned to the social worker for more information")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved, waiting for the organisation")
    WAITING_LIST = "waiting_list", _("On the organisation's waiting list")
    DECLINED = "declined", _("Declined by the organisation, waiting for redirection")
    NO_RESPONSE = "no_response", _("No answer from the organisation in time, waiting for redirection")
    ACCEPTED = "accepted", _("Accepted, waiting for a volunteer")
    IN_PROGRESS = "in_progress", _("In progress with a volunteer")
    OUTCOME_RECORDED = "outcome_recorded", _("Outcome recorded, waiting to be closed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


TERMINAL_STATES = (State.CLOSED, State.REJECTED, State.CANCELLED)
# States in which the receiving organisation takes part (it sees the referral from approval on).
ORGANISATION_STATES = (
    State.APPROVED,
    State.WAITING_LIST,
    State.DECLINED,
    State.NO_RESPONSE,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.OUTCOME_RECORDED,
    State.CLOSED,
    State.CANCELLED,
)


class Outcome(models.TextChoices):
    HELP_RECEIVED = "help_received", _("Help received")
    PARTLY = "partly", _("Help partly received")
    NOT_RECEIVED = "not_received", _("Help not received")
    COULD_NOT_CONTACT = "could_not_contact", _("Could not contact the person")


class CloseResult(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


class OfficeMixin(models.Model):
    """The social-service office a record belongs to: an ambito office or a comune office (exactly one)."""

    office_ambito = models.ForeignKey(
        "cms.Ambito",
        verbose_name=_("ambito office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office_municipality = models.ForeignKey(
        "cms.Municipality",
        verbose_name=_("comune office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if bool(self.office_ambito_id) == bool(self.office_municipality_id):
            raise ValidationError(_("A record belongs to the office of one ambito or of one comune."))

    @property
    def office_key(self) -> tuple[str, int]:
        if self.office_municipality_id:
            return ("municipality", self.office_municipality_id)
        return ("ambito", self.office_ambito_id)


class Beneficiary(OfficeMixin):
    """A person helped by the network, known everywhere by a pseudonymous code."""

    code = models.CharField(_("code"), max_length=20, unique=True, default=new_beneficiary_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("erased"), null=True, blank=True, help_text=_("When the personal data were erased on request.")
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        editable=False,
        help_text=_("Invented for the development demo (manage.py referrals_demo); not a real case."),
    )

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")

    def __str__(self):
        return self.code


class BeneficiaryPersonalData(models.Model):
    """The only table holding a beneficiary's identity and contact details. Every read is logged."""

    beneficiary = models.OneToOneField(
        Beneficiary, primary_key=True, on_delete=models.CASCADE, related_name="personal_data"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("personal data of a beneficiary")
        verbose_name_plural = _("personal data of beneficiaries")

    def __str__(self):
        # Never the name: this string can reach logs and admin messages.
        return str(_("Personal data of %(code)s") % {"code": self.beneficiary_id})


class Consent(models.Model):
    """A beneficiary's consent to share their data with one organisation."""

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed form")
        VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")
        ELECTRONIC = "electronic", _("Electronic (e-mail or app)")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey(
        "cms.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("given on"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    document_reference = models.CharField(
        _("document reference"), max_length=100, blank=True, help_text=_("For example the protocol number.")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for the revocation"), blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "organization"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_consent_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.beneficiary_id} → {self.organization_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        if self.given_on and self.given_on > timezone.localdate():
            raise ValidationError({"given_on": _("The consent cannot be dated in the future.")})


class ValidatedProcess:
    """``full_clean`` for Viewflow process tables: Viewflow's flow reference field cannot validate a class."""

    def full_clean(self, exclude=None, **kwargs):
        return super().full_clean(exclude={*(exclude or ()), "flow_class"}, **kwargs)


class ReferralProcess(ValidatedProcess, OfficeMixin, Process):
    """One referral of a beneficiary to a service: the Viewflow process of ``referrals.flows.ReferralFlow``."""

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("cms.Service", verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "cms.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    ambito = models.ForeignKey(
        "cms.Ambito",
        verbose_name=_("ambito"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The ambito whose network managers triage the referral: the referring office's."),
    )
    referring_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referring social worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    theme = models.ForeignKey("cms.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    need = models.TextField(_("need"), max_length=2000)
    case_notes = models.TextField(
        _("case notes"), blank=True, max_length=5000, help_text=_("Never shown to volunteers.")
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    preferred_language = models.ForeignKey(
        "cms.SpokenLanguage",
        verbose_name=_("preferred language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "cms.Municipality",
        verbose_name=_("where"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The comune where the help is needed."),
    )
    availability = models.CharField(
        _("when"), max_length=200, blank=True, help_text=_("When the person is available, e.g. Tuesday mornings.")
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        help_text=_("The consent that covers sharing the data with the current organisation."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True, max_length=2000)
    close_result = models.CharField(_("result"), max_length=20, choices=CloseResult.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    forwarded_at = models.DateTimeField(
        _("forwarded to the organisation"), null=True, blank=True, help_text=_("When the current organisation got it.")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True, help_text=_("Closed, rejected or cancelled."))
    step_due_at = models.DateTimeField(_("current step due"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        editable=False,
        help_text=_("Invented for the development demo (manage.py referrals_demo); not a real case."),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created"]
        permissions = [
            ("view_reports", _("Can read the anonymous reports of the whole network (evaluation body)")),
        ]
        indexes = [
            models.Index(fields=["ambito", "state"]),
            models.Index(fields=["organization", "state"]),
            models.Index(fields=["office_municipality", "state"]),
            models.Index(fields=["office_ambito", "state"]),
            models.Index(fields=["state", "closed_at"]),
        ]

    def __str__(self):
        return str(_("Referral %(number)s") % {"number": self.number})

    @property
    def number(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-new"

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.step_due_at and self.step_due_at < timezone.now() and self.is_open)

    def clean(self):
        super().clean()
        if self.service_id and self.organization_id and self.service.organization_id != self.organization_id:
            raise ValidationError({"service": _("The service does not belong to the organisation.")})


class ReferralNote(models.Model):
    """Progress recorded by the volunteer working on the referral."""

    referral = models.ForeignKey(ReferralProcess, on_delete=models.CASCADE, related_name="notes")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    text = models.TextField(_("note"), max_length=2000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self):
        return f"{self.referral_id}/{self.pk}"


class EmergencyCallState(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN = "taken", _("Taken")
    CANCELLED = "cancelled", _("Cancelled")


class EmergencyCallProcess(ValidatedProcess, Process):
    """An open call from a network manager to every matching organisation; the first coordinator to accept takes it."""

    state = models.CharField(
        _("state"), max_length=20, choices=EmergencyCallState.choices, default=EmergencyCallState.OPEN, db_index=True
    )
    need = models.TextField(_("need"), max_length=2000, help_text=_("Describe the need; no personal data."))
    theme = models.ForeignKey("cms.Theme", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    ambiti = models.ManyToManyField("cms.Ambito", verbose_name=_("ambiti"), related_name="+")
    organizations = models.ManyToManyField(
        "cms.Organization", verbose_name=_("organisations called"), related_name="+", blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_by_organization = models.ForeignKey(
        "cms.Organization",
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        editable=False,
        help_text=_("Invented for the development demo (manage.py referrals_demo); not a real case."),
    )

    class Meta:
        verbose_name = _("emergency call")
        verbose_name_plural = _("emergency calls")
        ordering = ["-created"]

    def __str__(self):
        return str(_("Emergency call %(number)s") % {"number": self.number})

    @property
    def number(self) -> str:
        return f"E-{self.pk:05d}" if self.pk else "E-new"


class AuditEvent(models.Model):
    """One recorded transition: who, when, from what state, to what, why.

    Written by the services (every decision, with its actor and reason) and by the flow
    signals (timers fired by ``manage.py workflow_timers``, which have no actor).
    """

    class Action(models.TextChoices):
        STARTED = "started", _("Started")
        UPDATED = "updated", _("Draft updated")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for more information")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted by the organisation")
        DECLINED = "declined", _("Declined by the organisation")
        WAITING_LISTED = "waiting_listed", _("Put on the waiting list")
        REDIRECTED = "redirected", _("Redirected to another service")
        CLAIMED = "claimed", _("Task claimed")
        ASSIGNED = "assigned", _("Task assigned to a volunteer")
        HANDED_BACK = "handed_back", _("Task handed back")
        PROGRESS = "progress", _("Progress recorded")
        OUTCOME_RECORDED = "outcome_recorded", _("Outcome recorded")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")
        SLA_EXPIRED = "sla_expired", _("Time limit expired")
        ESCALATED = "escalated", _("Escalated")
        CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
        CONSENT_REVOKED = "consent_revoked", _("Consent revoked")
        ANONYMISED = "anonymised", _("Anonymised")
        ERASED = "erased", _("Personal data erased")
        CALL_OPENED = "call_opened", _("Emergency call opened")
        CALL_TAKEN = "call_taken", _("Emergency call taken")
        CALL_CANCELLED = "call_cancelled", _("Emergency call cancelled")

    referral = models.ForeignKey(
        ReferralProcess, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    emergency_call = models.ForeignKey(
        EmergencyCallProcess, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    beneficiary = models.ForeignKey(
        Beneficiary, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    step = models.CharField(_("step"), max_length=50, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for the system (time limits)."),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_state}→{self.to_state}"


class PersonalDataAccess(models.Model):
    """Who read which beneficiary's personal data, when, and what kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="access_log")
    referral = models.ForeignKey(ReferralProcess, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    categories = models.CharField(
        max_length=100, help_text=_("What was read: identity, contact, case (need and notes).")
    )
    purpose = models.CharField(max_length=100, help_text=_("The page, endpoint or command that read it."))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.beneficiary_id} {self.categories}"


class NotificationPreference(models.Model):
    """How a user wants to hear about new work: one e-mail per event, or a daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("Volunteers: one e-mail a day listing open tasks, instead of one e-mail per new task."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user_id}: {'digest' if self.daily_digest else 'each event'}"


class ApiToken(models.Model):
    """A bearer token for the JSON API (the volunteers' mobile app). Only a hash of the key is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("device or app"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user_id})"
