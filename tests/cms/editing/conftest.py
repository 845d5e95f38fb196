"""People and records of the editorial tests: editors of Lecco and of Monza, records in both."""

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from cms.models import Role
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    ServiceFactory,
    UserFactory,
    ambito,
    comune,
)


def make_editor(username, *, ambito_name=None, group="Moderators", membership=True, **user_fields):
    """A user in a Wagtail group, with an editor membership of ``ambito_name`` (None: the whole network)."""
    user = UserFactory(username=username, **user_fields)
    # The admin speaks English to these users: assertions on messages do not depend on catalogues.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    if membership:
        MembershipFactory(user=user, role=Role.EDITOR, ambito=ambito(ambito_name) if ambito_name else None)
    return user


def published(records: dict) -> dict:
    """Records as the admin or the import leave them: live, with a published revision."""
    for record in records.values():
        record.save_revision().publish()
    return records


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snippet_url(record, view, *args):
    return reverse(f"wagtailsnippets_cms_{record._meta.model_name}:{view}", args=[record.pk, *args])


def assert_denied(response):
    """Wagtail answers a denied admin request with a redirect to the dashboard (403 for XHR)."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home"), response.url


@pytest.fixture
def lecco_moderator(db):
    return make_editor("moderatore-lecco", ambito_name="Lecco")


@pytest.fixture
def lecco_editor(db):
    """Saves drafts and submits them; cannot publish (Wagtail group Editors)."""
    return make_editor("redattore-lecco", ambito_name="Lecco", group="Editors")


@pytest.fixture
def monza_moderator(db):
    return make_editor("moderatore-monza", ambito_name="Monza")


@pytest.fixture
def network_editor(db):
    return make_editor("redazione-rete")


def records_in(comune_name, organization_name):
    """A published organisation with its seat in ``comune_name``, a location there and a service at it."""
    place = comune(comune_name)
    organization = OrganizationFactory(name=organization_name, municipality=place)
    location = LocationFactory(organization=organization, municipality=place, name=f"Sportello {comune_name}")
    service = ServiceFactory(organization=organization, name_it=f"Sportello casa {comune_name}", locations=[location])
    return published({"organization": organization, "location": location, "service": service})


@pytest.fixture
def lecco_records(db):
    return records_in("Lecco", "Cooperativa del Lario")


@pytest.fixture
def monza_records(db):
    return records_in("Monza", "Associazione di Monza")
