"""What an organisation sees through its link, and what it can do: confirm, or propose changes.

Confirming marks the organisation and its public services verified today. Proposed changes are
saved as a draft revision of each changed record and submitted to the record's moderation
workflow (the moderators of its ambito); nothing is published by the link.
"""

from dataclasses import dataclass, field

from django.db import transaction

from ..languages import localized
from ..models import Organization, Service, VerificationLink
from .cycle import mark_verified
from .links import Action, audit

CONTACT_FIELDS = ("phone", "email", "website")
# Text fields proposed in the language of the link (``how_to_access_en`` for an English link).
SERVICE_TEXT_FIELDS = ("how_to_access",)


def public_services(organization: Organization):
    """The organisation's services as the public sees them (published and not withdrawn)."""
    return Service.objects.listed().filter(organization=organization).order_by("name", "pk")


def editable_fields(record, language: str) -> tuple[str, ...]:
    names = list(CONTACT_FIELDS)
    if isinstance(record, Service):
        names += [localized(name, language) for name in SERVICE_TEXT_FIELDS]
    return tuple(names)


@transaction.atomic
def confirm(link: VerificationLink, *, ip_address=None) -> list:
    """The organisation says its records are still correct: all are verified today by the link's address."""
    organization = Organization.objects.select_for_update().get(pk=link.organization_id)
    records = [organization, *public_services(organization)]
    for record in records:
        mark_verified(record, email=link.email)
    audit(Action.CONFIRMED, link=link, ip_address=ip_address, records=[str(r.uuid) for r in records])
    return records


@dataclass
class Proposal:
    record: object
    changes: dict = field(default_factory=dict)


def changed_values(record, values: dict) -> dict:
    """The submitted values that differ from the live record."""
    return {name: value for name, value in values.items() if (getattr(record, name) or "") != (value or "")}


@transaction.atomic
def propose(link: VerificationLink, proposals: list[Proposal], *, note: str = "", ip_address=None) -> list:
    """Saves each changed record as a draft revision submitted to moderation; returns the revisions.

    The live rows are not changed: readers keep seeing the published version until a moderator
    of the ambito approves the draft.
    """
    revisions = []
    for proposal in proposals:
        if not proposal.changes:
            continue
        draft = proposal.record.get_latest_revision_as_object()
        for name, value in proposal.changes.items():
            setattr(draft, name, value)
        revisions.append(draft.save_revision(log_action=True))
        if not draft.workflow_in_progress:
            workflow = draft.get_workflow()
            if workflow is not None:
                workflow.start(draft, None)
    audit(
        Action.PROPOSED,
        link=link,
        ip_address=ip_address,
        note=note,
        changes={str(p.record.uuid): sorted(p.changes) for p in proposals if p.changes},
    )
    return revisions
