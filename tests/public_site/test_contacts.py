"""Contacts reach the public: a service without its own shows its offices' and its organisation's, saying whose."""

from datetime import date

from django.urls import reverse
from django.utils import translation

import pytest

from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

from .conftest import html, text_of

pytestmark = pytest.mark.django_db


def service_page(client, service):
    with translation.override("en"):
        url = reverse("public:service", args=[service.uuid])
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_a_service_without_contacts_shows_its_organisations_saying_whose(client):
    organization = OrganizationFactory(
        name="Associazione Lario", phone="+39 0341 555 0100", email="info@lario.example.org"
    )
    service = ServiceFactory(organization=organization, name_it="Sportello lavoro", comuni=["Lecco"])
    response = service_page(client, service)
    text = text_of(response)
    assert "Contacts of the organisation: Associazione Lario" in text
    assert 'href="tel:+3903415550100"' in html(response)
    assert "mailto:info@lario.example.org" in html(response)


def test_an_office_phone_comes_before_the_organisations_contacts(client):
    organization = OrganizationFactory(name="Cooperativa Adda", email="adda@example.org")
    office = LocationFactory(
        organization=organization, municipality=comune("Merate"), name="Sede di Merate", phone="039 555 0101"
    )
    service = ServiceFactory(organization=organization, locations=[office])
    text = text_of(service_page(client, service))
    assert text.index("Phone of the office: Sede di Merate") < text.index(
        "Contacts of the organisation: Cooperativa Adda"
    )


def test_a_service_with_its_own_contacts_shows_only_those(client):
    organization = OrganizationFactory(name="Cooperativa Brianza", email="coop@example.org")
    service = ServiceFactory(organization=organization, phone="039 555 0199", comuni=["Monza"])
    page = html(service_page(client, service))
    assert "039 555 0199" in page and "coop@example.org" not in page
    assert "Contacts of the organisation" not in page


def test_a_service_nobody_can_reach_promises_no_contact(client):
    organization = OrganizationFactory(email="", phone="", website="")
    service = ServiceFactory(organization=organization, comuni=["Lecco"])
    text = text_of(service_page(client, service))
    assert "No phone, e-mail or website is listed" in text
    assert "Contact the service" not in text and "use the contacts" not in text
    assert "tel:" not in html(service_page(client, service))


def test_the_page_says_when_the_service_was_verified(client):
    service = ServiceFactory(assured_date=date(2026, 3, 14), comuni=["Lecco"])
    response = service_page(client, service)
    assert '<time datetime="2026-03-14">' in html(response)
    assert "Verified on" in text_of(response)
