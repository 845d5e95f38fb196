"""What must be published before a record can be: a service is public only with a published
organisation and published locations, so approving it alone would leave it out of every public list
without a word. The admin refuses such a publication and names what to publish first."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Location, Service


def unpublished_dependencies(*, organization=None, locations=()) -> list:
    """The organisation and locations among those given that are not live, in that order."""
    pending = []
    if organization is not None and not organization.live:
        pending.append(organization)
    pending.extend(location for location in locations if location is not None and not location.live)
    return pending


def dependencies_of(record) -> list:
    """For a service or location as it would be published (a revision's object or a form's instance)."""
    if isinstance(record, Service):
        locations = [placement.location for placement in record.service_at_locations.all()]
        return unpublished_dependencies(organization=record.organization, locations=locations)
    if isinstance(record, Location):
        return unpublished_dependencies(organization=record.organization)
    return []


def describe(record) -> str:
    kind = record._meta.verbose_name
    return f"{kind} “{record}”"


def publish_first_message(pending) -> str:
    names = ", ".join(describe(record) for record in pending)
    return str(
        format_lazy(
            ngettext(
                "Publish the {names} first: the public sees a service or a location only when its "
                "organisation (and a service's locations) are published. Nothing has been published.",
                "Publish these first: {names}. The public sees a service or a location only when its "
                "organisation (and a service's locations) are published. Nothing has been published.",
                len(pending),
            ),
            names=names,
        )
    )


REFUSED_TITLE = _("Not published yet")
