"""The directory pages of the public site: service, organisation, comune, ambito, accessibility statement.

They show only public records (404 otherwise), everything a person needs to reach a service, and
run a constant number of SQL queries whatever the number of items they list.
"""

import pytest

from cms.models import Service
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, ambito, comune
from tests.search.pages import make_guideline

from .conftest import count_queries, html, text_of

pytestmark = pytest.mark.django_db


def service_url(service, lang="it"):
    return f"/{lang}/services/{service.uuid}/"


def test_the_service_page_shows_how_to_reach_the_service(client):
    organization = OrganizationFactory(name="Cooperativa Il Ponte", phone="+39 039 555 1234")
    desk = LocationFactory(
        organization=organization,
        municipality=comune("Merate"),
        address="Via Roma 5",
        opening_hours_it="Martedì 14:00–17:00",
        phone="039 999 888",
    )
    service = ServiceFactory(
        organization=organization,
        name_it="Sportello lavoro",
        description_it="Aiuto per il curriculum.",
        how_to_access_it="Telefonare per un appuntamento.",
        eligibility_it="Adulti disoccupati.",
        email="lavoro@ponte.example.org",
        languages=["ar", "uk"],
        target_groups=["workers"],
        locations=[desk],
    )
    response = client.get(service_url(service, "en"))
    assert response.status_code == 200
    page, text = html(response), text_of(response)
    for expected in (
        "Sportello lavoro",
        "Aiuto per il curriculum.",
        "Telefonare per un appuntamento.",
        "Adulti disoccupati.",
        "Via Roma 5",
        "Martedì 14:00–17:00",
        "Cooperativa Il Ponte",
    ):
        assert expected in text
    assert 'href="tel:+390395551234"' in page  # the service has no phone: the organisation's
    assert 'href="tel:039999888"' in page  # the office's own phone
    assert 'href="mailto:lavoro@ponte.example.org"' in page
    assert f'href="/en/organisations/{organization.uuid}/"' in page
    assert 'href="/en/comuni/merate/"' in page
    assert '<span lang="ar" dir="auto">' in page and '<span lang="uk" dir="auto">' in page
    assert "Sample data" not in text


def test_sample_records_say_so(client):
    service = ServiceFactory(is_sample=True)
    assert 'class="note note--sample"' in html(client.get(service_url(service, "en")))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ServiceFactory(live=False),
        lambda: ServiceFactory(status=Service.Status.INACTIVE),
        lambda: ServiceFactory(organization=OrganizationFactory(live=False)),
    ],
    ids=["unpublished", "inactive", "organisation-unpublished"],
)
def test_a_service_that_is_not_public_is_not_found(client, make):
    service = make()
    response = client.get(service_url(service))
    assert response.status_code == 404
    assert service.name_it not in html(response)


def test_a_temporarily_closed_service_keeps_its_page_with_a_notice_but_is_not_offered_in_its_comune(client):
    organization = OrganizationFactory(name="Associazione Aurora")
    closed = ServiceFactory(
        organization=organization,
        name_it="Sportello chiuso per lavori",
        status=Service.Status.TEMPORARILY_CLOSED,
        comuni=["Bellano"],
    )
    ServiceFactory(organization=organization, name_it="Doposcuola", comuni=["Bellano"])

    page = client.get(service_url(closed, "en"))
    assert page.status_code == 200
    assert "This service is temporarily closed." in text_of(page)

    listing = text_of(client.get(f"/en/organisations/{organization.uuid}/"))
    assert "Sportello chiuso per lavori" in listing and "Temporarily closed" in listing
    in_comune = text_of(client.get("/en/comuni/bellano/"))
    assert "Doposcuola" in in_comune and "Sportello chiuso per lavori" not in in_comune

    active = ServiceFactory(name_it="Sportello aperto")
    assert "temporarily closed" not in text_of(client.get(service_url(active, "en")))


def test_unpublished_locations_are_not_shown(client):
    organization = OrganizationFactory()
    hidden = LocationFactory(organization=organization, address="Via Segreta 1", live=False)
    shown = LocationFactory(organization=organization, address="Via Aperta 2")
    service = ServiceFactory(organization=organization, locations=[hidden, shown])
    text = text_of(client.get(service_url(service)))
    assert "Via Aperta 2" in text and "Via Segreta 1" not in text


def test_an_office_of_an_unpublished_organisation_is_not_shown_on_another_organisations_service(client):
    """A location is public while it and its organisation are: the same rule as the APIs and the search."""
    host = OrganizationFactory(name="Cooperativa ospitante")
    office = LocationFactory(organization=host, address="Via Ospite 3")
    service = ServiceFactory(locations=[office])  # of another organisation
    assert "Via Ospite 3" in text_of(client.get(service_url(service)))
    host.live = False
    host.save()
    assert "Via Ospite 3" not in text_of(client.get(service_url(service)))


def _rich_service(size):
    organization = OrganizationFactory()
    locations = [LocationFactory(organization=organization) for _ in range(size)]
    themes = ["housing", "mediation", "italian-courses", "health-access", "rights-documents"][:size]
    service = ServiceFactory(
        organization=organization,
        locations=locations,
        themes=themes,
        languages=["ar", "uk", "fr", "en", "ro"][:size],
        target_groups=["families", "women", "minors", "workers", "everyone"][:size],
    )
    for number in range(size):
        guideline = make_guideline(title_it=f"Linea guida {size}-{number}")
        guideline.services.set([service])
        guideline.save_revision().publish()
    return service


def test_the_service_page_runs_a_constant_number_of_queries(client):
    small, large = _rich_service(1), _rich_service(5)
    few, _ = count_queries(client, service_url(small))
    many, response = count_queries(client, service_url(large))
    assert few == many
    assert text_of(response).count("Linea guida 5-") == 5


def test_the_organisation_page_lists_public_services_and_offices(client):
    organization = OrganizationFactory(name="Associazione Aurora", email="ciao@aurora.example.org")
    organization.ambiti.set([ambito("Lecco")])
    organization.save()
    ServiceFactory(organization=organization, name_it="Doposcuola")
    ServiceFactory(organization=organization, name_it="Bozza nascosta", live=False)
    LocationFactory(organization=organization, name="Sede di Bellano", municipality=comune("Bellano"))
    response = client.get(f"/it/organisations/{organization.uuid}/")
    text = text_of(response)
    assert "Doposcuola" in text and "Bozza nascosta" not in text
    assert "Sede di Bellano" in text
    assert 'href="/it/ambiti/lecco/"' in html(response)
    assert 'href="mailto:ciao@aurora.example.org"' in html(response)


def test_an_unpublished_organisation_is_not_found(client):
    organization = OrganizationFactory(live=False)
    assert client.get(f"/it/organisations/{organization.uuid}/").status_code == 404


def test_the_organisation_page_runs_a_constant_number_of_queries(client):
    small, large = OrganizationFactory(), OrganizationFactory()
    ServiceFactory(organization=small, comuni=["Lecco"])
    for name in ("Lecco", "Merate", "Bellano", "Calolziocorte"):
        ServiceFactory(organization=large, comuni=[name], themes=["housing", "mediation"])
    few, _ = count_queries(client, f"/it/organisations/{small.uuid}/")
    many, _ = count_queries(client, f"/it/organisations/{large.uuid}/")
    assert few == many


def test_the_comune_page_lists_services_with_an_office_there_first(client):
    covering = OrganizationFactory(municipality=comune("Lecco"))
    covering.ambiti.set([ambito("Lecco")])
    covering.save()
    ServiceFactory(organization=covering, name_it="Aaa servizio di tutto l'ambito")
    ServiceFactory(name_it="Zzz sportello in città", comuni=["Lecco"])
    ServiceFactory(name_it="Servizio di Monza", comuni=["Monza"])
    ServiceFactory(name_it="Sportello chiuso", comuni=["Lecco"], live=False)
    response = client.get("/en/comuni/lecco/")
    text = text_of(response)
    assert text.index("Zzz sportello in città") < text.index("Aaa servizio di tutto l'ambito")
    assert "Servizio di Monza" not in text and "Sportello chiuso" not in text
    assert "Office in Lecco" in text
    assert 'href="/en/search/?comune=lecco"' in html(response)


def test_the_comune_page_is_paged_and_runs_a_constant_number_of_queries(client):
    ServiceFactory(comuni=["Merate"])
    few, _ = count_queries(client, "/en/comuni/merate/")
    for _ in range(24):
        ServiceFactory(comuni=["Merate"], themes=["housing", "mediation"])
    many, response = count_queries(client, "/en/comuni/merate/")
    assert few == many
    assert "25 services available here" in text_of(response)
    assert 'href="?page=2"' in html(response)
    assert client.get("/it/comuni/merate/?page=2").status_code == 200
    assert client.get("/it/comuni/merate/?page=abc").status_code == 200  # the first page, not an error
    assert client.get("/it/comuni/atlantide/").status_code == 404


def test_the_ambito_page_lists_its_comuni_and_services(client):
    ServiceFactory(name_it="Servizio a Bellano", comuni=["Bellano"])
    ServiceFactory(name_it="Servizio a Monza", comuni=["Monza"])
    few, response = count_queries(client, "/it/ambiti/bellano/")
    text = text_of(response)
    assert "Servizio a Bellano" in text and "Servizio a Monza" not in text
    assert 'href="/it/comuni/bellano/"' in html(response)
    for _ in range(5):
        ServiceFactory(comuni=["Bellano"], themes=["housing", "mediation"])
    many, _ = count_queries(client, "/it/ambiti/bellano/")
    assert few == many


def test_the_accessibility_statement_follows_the_agid_model(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilita@example.org"
    response = client.get("/en/accessibility/")
    text = text_of(response)
    for section in (
        "Conformity status",
        "Content that is not accessible",
        "Preparation of this statement",
        "Feedback and contact details",
        "Enforcement procedure",
    ):
        assert section in text
    assert "partially compliant" in text and "WCAG" in text
    assert 'href="mailto:accessibilita@example.org' in html(response)
    assert 'href="https://form.agid.gov.it/"' in html(response)


def test_every_page_links_the_accessibility_statement(client):
    service = ServiceFactory()
    assert 'href="/it/accessibility/"' in html(client.get(service_url(service)))
