"""Directory records as Open Referral HSDS 3.0 objects, in the active language.

Ids are UUIDs that never change: the records' ``uuid`` for organisations, services, locations and
service-at-location links; ``Theme.uuid``/``TargetGroup.uuid`` (derived from the stable code) for
taxonomy terms; fixed UUIDs for the two taxonomies. Objects without a record of their own (a
phone, an address, a language, an attribute) get a UUID derived from their owner's and their
role, so they are stable too.

Text fields are read in the active language with fallback to Italian, field by field. HSDS has
no place to say which fields fell back (the directory API's ``fallback_fields`` does); a taxonomy
term's ``language`` names the language its name is actually in. Empty optional fields are left
out rather than sent as empty strings.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from ..api.serializers import site_base, url_template
from ..api.translated import translated_value
from ..models import Location, Organization, Service, ServiceAtLocation, TargetGroup, Theme

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/v3.0/"
COUNTRY = "IT"
REGION = "Lombardia"  # both provinces of the network (MB, LC) are in Lombardy

# Derived ids of objects that have no record of their own (phones, addresses, languages...).
HSDS_NAMESPACE = uuid.UUID("a10b7ce4-4e20-4534-ac87-937949de3e92")
# The two taxonomies of the directory; their terms are Theme and TargetGroup records.
THEMES_TAXONOMY_ID = uuid.UUID("72aa6d1f-74c5-47e1-b63c-23ad5d2a82fa")
TARGET_GROUPS_TAXONOMY_ID = uuid.UUID("7a555bca-78d3-4693-a1ab-61304079576e")

SERVICE_STATUS = {
    Service.Status.ACTIVE: "active",
    Service.Status.INACTIVE: "inactive",
    Service.Status.TEMPORARILY_CLOSED: "temporarily closed",
}


def derived_id(*parts) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts)))


def timestamp(moment) -> str:
    """ISO 8601 in UTC with milliseconds, as HSDS asks for ``last_modified``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def text(instance, field: str) -> str:
    value, _found_in = translated_value(instance, field, translation.get_language())
    return str(value or "")


def compact(data: dict, *, keep: tuple[str, ...] = ("id",)) -> dict:
    """Drops optional keys with no value (None, "", []); keeps the required ones named in ``keep``."""
    return {key: value for key, value in data.items() if key in keep or value not in (None, "", [])}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


# --- Taxonomies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyInfo:
    model: type
    id: uuid.UUID
    name: str  # lazy: translated when shown
    description: str
    api_list: str
    api_detail: str


TAXONOMIES = (
    TaxonomyInfo(
        Theme,
        THEMES_TAXONOMY_ID,
        gettext_lazy("After Care Network themes"),
        gettext_lazy("What a service helps with: housing, financial education, rights and documents, mediation…"),
        "directory:theme-list",
        "directory:theme-detail",
    ),
    TaxonomyInfo(
        TargetGroup,
        TARGET_GROUPS_TAXONOMY_ID,
        gettext_lazy("After Care Network target groups"),
        gettext_lazy("Who a service is for: families, women, minors, young people, workers, newly arrived, everyone."),
        "directory:target-group-list",
        "directory:target-group-detail",
    ),
)


def taxonomies() -> tuple[TaxonomyInfo, ...]:
    return TAXONOMIES


def taxonomy_of(term) -> TaxonomyInfo:
    return next(info for info in TAXONOMIES if isinstance(term, info.model))


def taxonomy(info: TaxonomyInfo, request) -> dict:
    return {
        "id": str(info.id),
        "name": str(info.name),
        "description": str(info.description),
        "uri": absolute(request, reverse(info.api_list)),
    }


def taxonomy_term(term, request) -> dict:
    info = taxonomy_of(term)
    name, name_language = translated_value(term, "name", translation.get_language())
    before, after = url_template(info.api_detail, "code", get_script_prefix())
    return compact(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": str(name or term.code),
            "description": text(term, "description"),
            "taxonomy": str(info.name),
            "taxonomy_id": str(info.id),
            "language": name_language,
            "term_uri": f"{site_base(request)}{before}{term.code}{after}",
        },
        keep=("id", "name", "description"),
    )


def attribute(owner_id: str, link_entity: str, term, request) -> dict:
    term_id = str(term.uuid)
    return {
        "id": derived_id("attribute", link_entity, owner_id, term_id),
        "link_id": owner_id,
        "link_entity": link_entity,
        "taxonomy_term_id": term_id,
        "taxonomy_term": taxonomy_term(term, request),
    }


# --- Organisations ---------------------------------------------------------------------------


def organization_summary(organization: Organization, request) -> dict:
    """The one-to-one fields (HSDS ``organization_list``)."""
    logo = absolute(request, organization.logo.file.url) if organization.logo_id else None
    return compact(
        {
            "id": str(organization.uuid),
            "name": organization.name,
            "description": text(organization, "description"),
            "email": organization.email,
            "website": organization.website,
            "logo": logo,
        },
        keep=("id", "name", "description"),
    )


def organization_full(organization: Organization, request, *, locations, services) -> dict:
    """The organisation with its phone, its public locations and its public services (id, name, status)."""
    owner = str(organization.uuid)
    return compact(
        {
            **organization_summary(organization, request),
            "phones": [phone(organization.phone, owner_key="organization_id", owner=owner)]
            if organization.phone
            else [],
            "locations": [location(loc, request) for loc in locations],
            "services": [
                compact({"id": str(s.uuid), "organization_id": owner, "name": text(s, "name"), "status": status(s)})
                for s in services
            ],
        },
        keep=("id", "name", "description"),
    )


# --- Locations -------------------------------------------------------------------------------


def phone(value: str, *, owner_key: str, owner: str) -> dict:
    return {"id": derived_id("phone", owner_key, owner), owner_key: owner, "number": value}


def location_summary(loc: Location) -> dict:
    """The one-to-one fields (HSDS ``location`` inside ``service_at_location_list``)."""
    return compact(
        {
            "id": str(loc.uuid),
            "location_type": "physical",
            "organization_id": str(loc.organization.uuid),
            "name": loc.name,
            "latitude": number(loc.latitude),
            "longitude": number(loc.longitude),
        },
        keep=("id", "location_type"),
    )


def location(loc: Location, request) -> dict:
    """A location with its address (comune, province, CAP), phone, opening hours and accessibility notes."""
    owner = str(loc.uuid)
    comune = loc.municipality
    opening_hours = text(loc, "opening_hours")
    accessibility = text(loc, "accessibility")
    return compact(
        {
            **location_summary(loc),
            "addresses": [
                {
                    "id": derived_id("address", owner),
                    "location_id": owner,
                    "address_1": loc.address,
                    "city": comune.name,
                    "region": REGION,
                    "state_province": comune.province,
                    "postal_code": loc.cap,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            ],
            "phones": [phone(loc.phone, owner_key="location_id", owner=owner)] if loc.phone else [],
            "schedules": [{"id": derived_id("schedule", owner), "location_id": owner, "description": opening_hours}]
            if opening_hours
            else [],
            "accessibility": [
                {"id": derived_id("accessibility", owner), "location_id": owner, "description": accessibility}
            ]
            if accessibility
            else [],
        },
        keep=("id", "location_type"),
    )


# --- Services --------------------------------------------------------------------------------


def status(service: Service) -> str:
    return SERVICE_STATUS[service.status]


def service_summary(service: Service, request) -> dict:
    """The one-to-one fields (HSDS ``service_list``), with the organisation's."""
    return compact(
        {
            "id": str(service.uuid),
            "organization_id": str(service.organization.uuid),
            "name": text(service, "name"),
            "description": text(service, "description"),
            "url": service.website,
            "email": service.email,
            "status": status(service),
            "application_process": text(service, "how_to_access"),
            "fees_description": str(service.get_cost_display()),
            "eligibility_description": text(service, "eligibility"),
            "assured_date": service.assured_date.isoformat() if service.assured_date else None,
            "assurer_email": service.assurer_email,
            "last_modified": timestamp(service.updated_at),
            "organization": organization_summary(service.organization, request),
        },
        keep=("id", "name", "status"),
    )


def service_at_location_summary(placement: ServiceAtLocation, request) -> dict:
    """HSDS ``service_at_location_list``: the link with its location and service (one-to-one fields)."""
    return {
        "id": str(placement.uuid),
        "service_id": str(placement.service.uuid),
        "location_id": str(placement.location.uuid),
        "location": location_summary(placement.location),
        "service": service_summary(placement.service, request),
    }


def service_at_location_full(placement: ServiceAtLocation, request, *, include_service: bool) -> dict:
    data = {
        "id": str(placement.uuid),
        "service_id": str(placement.service.uuid),
        "location_id": str(placement.location.uuid),
        "location": location(placement.location, request),
    }
    if include_service:
        data["service"] = service_full(placement.service, request, placements=[])
    return data


def service_full(service: Service, request, *, placements) -> dict:
    """A fully nested service: phone, languages, locations, organisation and its themes/target groups."""
    owner = str(service.uuid)
    return compact(
        {
            **service_summary(service, request),
            "phones": [phone(service.phone, owner_key="service_id", owner=owner)] if service.phone else [],
            "languages": [
                {
                    "id": derived_id("language", owner, spoken.code),
                    "service_id": owner,
                    "name": spoken.name,
                    "code": spoken.code,
                }
                for spoken in service.language_list
            ],
            "service_at_locations": [
                service_at_location_full(placement, request, include_service=False) for placement in placements
            ],
            "attributes": [
                attribute(owner, "service", term, request) for term in [*service.theme_list, *service.target_group_list]
            ],
        },
        keep=("id", "name", "status"),
    )
