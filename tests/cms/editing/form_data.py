"""POST data of the admin forms, as a browser would send them for an existing or a new record."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data


def _value(value):
    return "" if value is None else value


def organization_data(organization, **overrides):
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "kind": organization.kind,
        "municipality": organization.municipality_id,
        "description_it": _value(organization.description_it),
        "website": organization.website,
        "email": organization.email,
        "phone": organization.phone,
        "language": organization.language,
        "external_id": _value(organization.external_id),
    }
    return data | overrides


def location_data(location, **overrides):
    data = {
        "organization": location.organization_id,
        "name": location.name,
        "address": location.address,
        "municipality": location.municipality_id,
        "cap": location.cap,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "phone": location.phone,
        "opening_hours_it": _value(location.opening_hours_it),
        "accessibility_it": _value(location.accessibility_it),
        "external_id": _value(location.external_id),
    }
    return data | overrides


def service_data(service, *, locations=None, **overrides):
    """``locations``: the locations to submit (default: the service's current ones)."""
    links = list(service.service_at_locations.all()) if service.pk else []
    if locations is None:
        rows = [{"id": link.pk, "location": link.location_id} for link in links]
        initial = len(rows)
    else:
        kept = {link.location_id: link for link in links}
        rows = [{"id": kept[loc.pk].pk if loc.pk in kept else "", "location": loc.pk} for loc in locations]
        rows += [
            {"id": link.pk, "location": link.location_id, "DELETE": "on"}
            for link in links
            if link.location_id not in {loc.pk for loc in locations}
        ]
        initial = sum(1 for row in rows if row["id"])
        rows.sort(key=lambda row: row["id"] == "")  # existing forms first, as Django expects
    data = nested_form_data(
        {
            "organization": service.organization_id,
            "name_it": service.name_it,
            "description_it": service.description_it,
            "how_to_access_it": _value(service.how_to_access_it),
            "eligibility_it": _value(service.eligibility_it),
            "cost": service.cost,
            "status": service.status,
            "email": service.email,
            "phone": service.phone,
            "website": service.website,
            "external_id": _value(service.external_id),
            "service_at_locations": inline_formset(rows, initial=initial),
        }
    )
    data["themes"] = [theme.pk for theme in service.themes.all()] if service.pk else []
    return data | overrides
