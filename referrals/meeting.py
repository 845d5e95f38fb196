"""Where a volunteer meets the person and whom to call at the organisation (the task page).

The meeting place is the service's location (its published locations, the one in the comune where
help is needed first); the map link opens the phone's map app on the address (a ``geo:`` URI, RFC
5870, with an OpenStreetMap link for phones and computers without one). No map tiles are loaded.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth import get_user_model

from cms.models import Location, Membership, Role

from .models import ReferralProcess


@dataclass(frozen=True)
class MeetingPlace:
    name: str
    address: str
    cap: str
    comune: str
    opening_hours: str
    phone: str
    geo_uri: str
    osm_url: str


def full_address(location: Location) -> str:
    return f"{location.address}, {location.cap} {location.municipality.name}"


def meeting_places(referral: ReferralProcess) -> list[MeetingPlace]:
    """The published locations of the referral's service, the one in the referral's comune first."""
    locations = Location.objects.filter(
        service_at_locations__service_id=referral.service_id, live=True, organization__live=True
    ).select_related("municipality")
    ordered = sorted(locations, key=lambda loc: (loc.municipality_id != referral.municipality_id, loc.name))
    places = []
    for location in ordered:
        address = full_address(location)
        query = quote(address)
        if location.latitude is not None and location.longitude is not None:
            geo = f"geo:{location.latitude},{location.longitude}?q={query}"
        else:
            geo = f"geo:0,0?q={query}"
        places.append(
            MeetingPlace(
                name=location.name,
                address=location.address,
                cap=location.cap,
                comune=location.municipality.name,
                opening_hours=location.opening_hours,
                phone=location.phone,
                geo_uri=geo,
                osm_url=f"https://www.openstreetmap.org/search?query={query}",
            )
        )
    return places


def coordinators(referral: ReferralProcess) -> list:
    """The coordinators of the receiving organisation, with their work e-mail (their account's)."""
    members = Membership.objects.filter(organization_id=referral.organization_id, role=Role.COORDINATOR).values(
        "user_id"
    )
    return list(get_user_model().objects.filter(pk__in=members, is_active=True).order_by("last_name", "username"))
