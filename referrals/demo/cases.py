"""The sample cases of the demo: referrals in every state, emergency calls, consents (one revoked).

Every case is walked through ``referrals.services`` by the demo account whose role performs each
step, exactly as on the staff pages: the audit trail, the Viewflow tasks, the deadlines and the
consents are real. The beneficiaries and their stories are invented; once created, every record
is flagged ``is_sample`` (the services never set it), which is also how a second run finds them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.test.utils import override_settings

from viewflow.workflow.models import Task

from cms.models import Municipality, Organization, Service, SpokenLanguage

from .. import services, sla
from ..flows import ReferralFlow
from ..models import AuditEvent, Beneficiary, Consent, EmergencyCallProcess, ReferralProcess
from .accounts import DEMO_AMBITI, users

# The steps that lead to each state (after the start), in order.
PATHS = {
    "draft": (),
    "submitted": ("submit",),
    "late": ("submit", "age"),
    "returned": ("submit", "return"),
    "rejected": ("submit", "reject"),
    "approved": ("submit", "approve"),
    "waiting_list": ("submit", "approve", "waiting_list"),
    "declined": ("submit", "approve", "decline"),
    "accepted": ("submit", "approve", "accept"),
    "in_progress": ("submit", "approve", "accept", "claim"),
    "outcome_recorded": ("submit", "approve", "accept", "claim", "progress", "outcome"),
    "closed": ("submit", "approve", "accept", "claim", "progress", "outcome", "close"),
    "cancelled": ("submit", "cancel"),
    "consent_revoked": ("submit", "revoke"),
}

# (path, which office starts it, first name, last name, preferred language, urgency, need)
CASES = (
    ("draft", "comune", "Amina", "Diallo", "fr", "normal", "Cerca un corso di italiano serale vicino a casa."),
    ("submitted", "comune", "Olena", "Shevchenko", "uk", "high", "Vuole imparare l'italiano per trovare lavoro."),
    ("late", "comune", "Karim", "Haddad", "ar", "normal", "Chiede un corso di italiano per il permesso di soggiorno."),
    ("returned", "ambito", "Mirela", "Popa", "ro", "normal", "Ha bisogno di un corso per la patente di guida."),
    ("rejected", "comune", "Li", "Wei", "zh", "low", "Vorrebbe conversare in italiano con altre persone."),
    ("approved", "comune", "Fatou", "Ndiaye", "fr", "normal", "Cerca un corso di italiano per principianti."),
    ("waiting_list", "comune", "Arben", "Hoxha", "sq", "normal", "Chiede un corso di italiano al mattino."),
    ("declined", "ambito", "Yusuf", "Demir", "en", "high", "Cerca un corso intensivo prima dell'esame A2."),
    ("accepted", "comune", "Nadia", "Benali", "ar", "normal", "Vuole un corso di italiano con baby-sitting."),
    ("in_progress", "comune", "Oksana", "Melnyk", "uk", "normal", "Accompagnamento all'iscrizione al corso."),
    ("outcome_recorded", "ambito", "Samuel", "Okafor", "en", "normal", "Cerca un gruppo di conversazione."),
    ("closed", "comune", "Rosa", "Quispe", "es", "normal", "Chiede un corso di italiano il sabato."),
    ("cancelled", "comune", "Omar", "Farah", "ar", "low", "Chiedeva un corso; si è trasferito in un altro comune."),
    ("consent_revoked", "comune", "Elira", "Dervishi", "sq", "normal", "Cercava un corso di italiano serale."),
    ("returned", "comune", "Tigist", "Bekele", "en", "normal", "Chiede un accompagnamento per iscrivere i figli."),
    ("outcome_recorded", "comune", "Hamza", "Ouali", "ar", "normal", "Cerca un gruppo di conversazione serale."),
    ("draft", "ambito", "Svitlana", "Kravets", "uk", "normal", "Vorrebbe un corso di italiano per la figlia."),
)

REASONS = {
    "return": "Indicare in quali giorni la persona è disponibile.",
    "reject": "Il servizio richiesto non è tra quelli della rete.",
    "waiting_list": "Il corso del mattino è al completo: primo posto libero a gennaio.",
    "decline": "Non abbiamo un corso intensivo in questo periodo.",
    "cancel": "La persona si è trasferita in un altro comune.",
    "revoke": "La persona ha ritirato il consenso al colloquio.",
}
PROGRESS_NOTE = "Primo incontro fatto: la persona è interessata e ha portato i documenti."
OUTCOME_NOTE = "Iscritta al corso del martedì e del giovedì; frequenta regolarmente."


@dataclass
class CaseCounts:
    referrals: int = 0
    emergency_calls: int = 0
    consents: int = 0


class AmbitoCases:
    """The cases of one ambito: its two offices, network manager, organisation and volunteers."""

    def __init__(self, ambito: str, organization: Organization, people: dict):
        key, self.ambito = ambito.lower(), ambito
        self.person = {role: people[f"{key}-{role}"] for role in ("comune", "ambito", "manager", "coordinator")}
        self.volunteer = people[f"{key}-volunteer-1"]
        self.organization = organization
        self.service = (
            Service.objects.filter(organization=organization, live=True, status=Service.Status.ACTIVE)
            .order_by("name")
            .first()
        )
        self.theme = self.service.themes.order_by("code").first()
        office_comune = Municipality.objects.get(name=ambito)
        other_comune = (
            Municipality.objects.filter(ambito=office_comune.ambito).exclude(pk=office_comune.pk).order_by("name")
        ).first()
        self.home = {"comune": office_comune, "ambito": other_comune or office_comune}
        self.languages = {language.code: language for language in SpokenLanguage.objects.all()}

    def start(self, office, first_name, last_name, language, urgency, need, *, submit):
        return services.referral_start(
            worker=self.person[office],
            service=self.service,
            theme=self.theme,
            need=need,
            municipality=self.home[office],
            personal_data={"first_name": first_name, "last_name": last_name, "phone": "+39 333 000 0000"},
            urgency=urgency,
            preferred_language=self.languages.get(language),
            availability="Martedì e giovedì dopo le 17",
            case_notes="Caso di esempio per provare il sistema: la persona non esiste.",
            consent={
                "given_on": date.today(),
                "method": Consent.Method.SIGNED_FORM,
                "document_reference": "DEMO-1",
            }
            if submit
            else None,
            submit=submit,
        )

    def walk(self, referral, office, step):
        worker, manager, coordinator = self.person[office], self.person["manager"], self.person["coordinator"]
        decisions = {
            "return": (services.referral_triage, manager, services.TriageDecision.RETURN),
            "reject": (services.referral_triage, manager, services.TriageDecision.REJECT),
            "approve": (services.referral_triage, manager, services.TriageDecision.APPROVE),
            "waiting_list": (services.referral_review, coordinator, services.ReviewDecision.WAITING_LIST),
            "decline": (services.referral_review, coordinator, services.ReviewDecision.DECLINE),
            "accept": (services.referral_review, coordinator, services.ReviewDecision.ACCEPT),
        }
        if step in decisions:
            function, user, decision = decisions[step]
            return function(user=user, referral=referral, decision=decision, reason=REASONS.get(step, ""))
        if step == "claim":
            services.task_claim(user=self.volunteer, task=self.volunteer_task(referral))
        elif step == "progress":
            services.task_record_progress(user=self.volunteer, task=self.volunteer_task(referral), note=PROGRESS_NOTE)
        elif step == "outcome":
            services.task_record_outcome(
                user=self.volunteer, task=self.volunteer_task(referral), outcome="help_received", note=OUTCOME_NOTE
            )
        elif step == "close":
            services.referral_close(user=worker, referral=referral, result="completed")
        elif step == "cancel":
            services.referral_cancel(user=worker, referral=referral, reason=REASONS["cancel"])
        elif step == "revoke":
            services.consent_revoke(user=worker, consent=referral.consent, reason=REASONS["revoke"])
        elif step == "age":
            age_waiting_referral(referral, days=6)
        return ReferralProcess.objects.get(pk=referral.pk)

    @staticmethod
    def volunteer_task(referral) -> Task:
        return Task.objects.filter(process_id=referral.pk, flow_task=ReferralFlow.volunteer_task).latest("pk")

    def create(self) -> tuple[list[int], int]:
        referral_ids = []
        for path, office, *details in CASES:
            steps = PATHS[path]
            referral = self.start(office, *details, submit=bool(steps))
            for step in steps[1:]:
                referral = self.walk(referral, office, step)
            referral_ids.append(referral.pk)
        return referral_ids, self.emergency_call()

    def emergency_call(self) -> int:
        """An open call in Lecco; in Monza a call the demo organisation's coordinator took."""
        manager = self.person["manager"]
        call = services.emergency_call_open(
            user=manager,
            need="Servono volontari per accompagnare tre famiglie appena arrivate all'iscrizione ai corsi.",
            theme=self.theme,
            ambiti=[self.home["comune"].ambito],
        )
        if self.ambito != DEMO_AMBITI[0]:
            services.emergency_call_accept(user=self.person["coordinator"], call=call, organization=self.organization)
        return call.pk


def age_waiting_referral(referral: ReferralProcess, *, days: int) -> None:
    """Moves a just-submitted referral ``days`` into the past (its history, tasks and deadline with it), so that
    the demo shows a referral waiting for triage beyond its time limit, as a busy week would leave one."""
    shift = timedelta(days=days)
    referral = ReferralProcess.objects.get(pk=referral.pk)
    ReferralProcess.objects.filter(pk=referral.pk).update(created=referral.created - shift)
    for task in Task.objects.filter(process_id=referral.pk):
        Task.objects.filter(pk=task.pk).update(created=task.created - shift)
    for event in AuditEvent.objects.filter(referral_id=referral.pk):
        AuditEvent.objects.filter(pk=event.pk).update(at=event.at - shift)
    triage = Task.objects.filter(process_id=referral.pk, flow_task=ReferralFlow.triage).latest("pk")
    ReferralProcess.objects.filter(pk=referral.pk).update(
        submitted_at=referral.submitted_at - shift, step_due_at=sla.deadline(sla.TRIAGE, start=triage.created)
    )


def ensure_cases(organizations: dict[str, Organization]) -> CaseCounts | None:
    """Creates the sample cases unless they exist. Returns what was created, or None when nothing was."""
    if ReferralProcess.objects.filter(is_sample=True).exists():
        return None
    people = users()
    # The notifications of the sample cases would go to invented addresses: they are discarded (the
    # console backend of development would otherwise print some sixty e-mails during ``make run``).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        referral_ids, call_ids = [], []
        for ambito in DEMO_AMBITI:
            ids, call_id = AmbitoCases(ambito, organizations[ambito], people).create()
            referral_ids += ids
            call_ids.append(call_id)
        referrals = ReferralProcess.objects.filter(pk__in=referral_ids)
        referrals.update(is_sample=True)
        Beneficiary.objects.filter(pk__in=referrals.values("beneficiary_id")).update(is_sample=True)
        EmergencyCallProcess.objects.filter(pk__in=call_ids).update(is_sample=True)
        consents = Consent.objects.filter(beneficiary__referrals__in=referral_ids).distinct().count()
    return CaseCounts(referrals=len(referral_ids), emergency_calls=len(call_ids), consents=consents)
