"""Pages of the public site that read the directory: service, organisation, comune, ambito, and the
accessibility statement. Server-rendered, in the language of the URL prefix (``/ar/services/12/``).

Who may use them: anyone, without an account. They show only public records (published, and for
services active, of a published organisation); anything else answers 404. Each page runs a
constant number of SQL queries, whatever the number of services, locations or themes it lists.
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms.models import Ambito, Municipality, Organization, Service

from . import selectors
from .templatetags.public_site import translated_text

PAGE_SIZE = 20
PUBLIC_CACHE = {"public": True, "max_age": 60}

# When the accessibility statement was last reviewed (AgID model: "data di redazione / ultimo riesame").
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2025, 11, 24)
# The official AgID form where anyone can report an unsatisfactory answer (enforcement procedure).
AGID_REPORTING_URL = "https://form.agid.gov.it/"


def _texts(record, *fields):
    texts = {name: translated_text(record, name) for name in fields}
    return texts, any(text.fallback for text in texts.values())


def _paginate(request, queryset):
    """One page of ``queryset`` (a wrong or too large page number gives the last page, never an error)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@cache_control(**PUBLIC_CACHE)
def service_detail(request, uuid):
    """A service: what it offers, for whom, how to access it, where and when, languages, contacts.

    Who may use it: anyone. 404 when the service is not public."""
    try:
        service = selectors.service_detail(uuid)
    except Service.DoesNotExist:
        raise Http404("No public service with this id.")
    texts, fallback = _texts(service, "name", "description", "how_to_access", "eligibility")
    organization_description = translated_text(service.organization, "description")
    places = []
    for placement in service.service_at_locations.all():
        location = placement.location
        hours = translated_text(location, "opening_hours")
        access = translated_text(location, "accessibility")
        fallback = fallback or hours.fallback or access.fallback
        places.append({"location": location, "opening_hours": hours, "accessibility": access})
    guidelines = list(service.guidelines.all())
    return render(
        request,
        "public_site/service_detail.html",
        {
            "service": service,
            "texts": texts,
            "places": places,
            "organization_description": organization_description,
            "guidelines": guidelines,
            "fallback": fallback,
        },
    )


@require_safe
@cache_control(**PUBLIC_CACHE)
def organization_detail(request, uuid):
    """An organisation: what it is, where it is, whom it serves, and its public services.

    Who may use it: anyone. 404 when the organisation is not published."""
    try:
        organization = selectors.organization_detail(uuid)
    except Organization.DoesNotExist:
        raise Http404("No published organisation with this id.")
    description = translated_text(organization, "description")
    return render(
        request,
        "public_site/organization_detail.html",
        {
            "organization": organization,
            "description": description,
            "services": list(organization.services.all()),
            "locations": list(organization.locations.all()),
            "fallback": description.fallback,
        },
    )


@require_safe
@cache_control(**PUBLIC_CACHE)
def comune_detail(request, slug: str):
    """A comune: the public services available there (an office in the comune first), paged, and the
    organisations seated there. Who may use it: anyone."""
    comune = get_object_or_404(Municipality.objects.select_related("ambito"), slug=slug)
    services = _paginate(request, selectors.service_listing(selectors.services_in_comune(comune)))
    organizations = list(Organization.objects.public().filter(municipality=comune).order_by("name", "pk"))
    return render(
        request,
        "public_site/comune_detail.html",
        {"comune": comune, "services": services, "organizations": organizations},
    )


@require_safe
@cache_control(**PUBLIC_CACHE)
def ambito_detail(request, slug: str):
    """An ambito: its comuni and the public services available in it, paged. Who may use it: anyone."""
    ambito = get_object_or_404(Ambito, slug=slug)
    comuni = list(ambito.municipalities.order_by("name"))
    services = _paginate(request, selectors.service_listing(selectors.services_in_ambito(ambito)))
    return render(
        request,
        "public_site/ambito_detail.html",
        {"ambito": ambito, "comuni": comuni, "services": services},
    )


@require_safe
@cache_control(**PUBLIC_CACHE)
def accessibility_statement(request):
    """The accessibility statement (AgID model): conformity status, content not accessible, how to
    report a problem, and the enforcement procedure. Who may use it: anyone."""
    return render(
        request,
        "public_site/accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "responsible_body": settings.ACCESSIBILITY_RESPONSIBLE_BODY,
            "reviewed": ACCESSIBILITY_STATEMENT_REVIEWED,
            "agid_reporting_url": AGID_REPORTING_URL,
            "site_url": settings.SITE_URL,
        },
    )
