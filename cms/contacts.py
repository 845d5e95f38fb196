"""Which contacts the public is shown for a service, and whose they are.

A service's own phone, e-mail and website come first. A service without a phone of its own is also
reached through its locations' phones and then its organisation's contacts, each labelled with its
owner, so that a page never says "call the service" without a number to call.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Service

SERVICE, LOCATION, ORGANIZATION = "service", "location", "organization"
OWNER_LABELS = {
    SERVICE: _("Contacts of the service"),
    LOCATION: _("Phone of the office"),
    ORGANIZATION: _("Contacts of the organisation"),
}


@dataclass(frozen=True)
class ContactGroup:
    owner: str  # SERVICE, LOCATION or ORGANIZATION
    name: str  # whose: the service, the office or the organisation
    phone: str = ""
    email: str = ""
    website: str = ""

    @property
    def owner_label(self) -> str:
        return OWNER_LABELS[self.owner]

    def __bool__(self) -> bool:
        return bool(self.phone or self.email or self.website)


def service_contacts(service: Service) -> list[ContactGroup]:
    """The contacts to show for ``service`` (its locations and organisation already loaded: no query)."""
    own = ContactGroup(SERVICE, service.name, service.phone, service.email, service.website)
    groups = [own]
    if own.phone:
        return [own]
    groups += [
        ContactGroup(LOCATION, placement.location.name, phone=placement.location.phone)
        for placement in service.service_at_locations.all()
        if placement.location.phone
    ]
    organization = service.organization
    groups.append(
        ContactGroup(ORGANIZATION, organization.name, organization.phone, organization.email, organization.website)
    )
    return [group for group in groups if group]


def is_reachable(service: Service) -> bool:
    return bool(service_contacts(service))
