"""One definition of "public": the site, the directory API, HSDS, the search documents and the referral
service picker agree on the same edge cases (a draft, a service of an unpublished organisation, a
temporarily closed service, an inactive one, and an unpublished office of a public service)."""

import pytest

from cms.models import Service, ServiceAtLocation
from referrals import selectors as referral_selectors
from referrals.serializers import public_services as referable_services
from search.documents import ServiceDocument
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge_cases():
    public = ServiceFactory(name_it="Sportello pubblico", comuni=["Lecco"])
    hidden_office = LocationFactory(
        organization=public.organization, name="Ufficio non pubblicato", municipality=comune("Merate"), live=False
    )
    ServiceAtLocation.objects.create(service=public, location=hidden_office)
    return {
        "public": public,
        "closed": ServiceFactory(name_it="Chiuso per ora", status=Service.Status.TEMPORARILY_CLOSED),
        "inactive": ServiceFactory(name_it="Non più attivo", status=Service.Status.INACTIVE),
        "draft": ServiceFactory(name_it="In bozza", live=False),
        "unpublished_organisation": ServiceFactory(
            name_it="Di un ente non pubblicato", organization=OrganizationFactory(live=False)
        ),
    }


def names(services) -> set[str]:
    return {service.name_it for service in services}


def answering(client, path_of, cases) -> set[str]:
    return {case.name_it for case in cases.values() if client.get(path_of(case)).status_code == 200}


def test_every_public_surface_agrees_on_what_is_public(client, edge_cases):
    cases = edge_cases
    seen_by_anyone = {"Sportello pubblico", "Chiuso per ora", "Non più attivo"}  # a page; inactive ones on request
    listed = {"Sportello pubblico", "Chiuso per ora"}
    available = {"Sportello pubblico"}  # found by search, chosen as a referral's target

    # The managers, and the same question asked of one record.
    assert names(Service.objects.public()) == seen_by_anyone
    assert names(Service.objects.listed()) == listed
    assert names(Service.objects.available()) == available
    assert {c.name_it for c in cases.values() if c.is_public} == seen_by_anyone
    assert {c.name_it for c in cases.values() if c.is_available} == available

    # The public site: listed services have a page; the others answer 404.
    assert answering(client, lambda s: f"/it/services/{s.uuid}/", cases) == listed
    # The directory API and HSDS: every public record can be read by id.
    assert answering(client, lambda s: f"/api/directory/services/{s.uuid}/", cases) == seen_by_anyone
    assert answering(client, lambda s: f"/hsds/services/{s.uuid}", cases) == seen_by_anyone
    # The directory API's default list.
    listed_by_api = {item["name"] for item in client.get("/api/directory/services/?lang=it").json()["results"]}
    assert listed_by_api == listed
    # The search index is built from the available services only.
    assert names(ServiceDocument.public_queryset()) == available
    # The referral service picker (staff lookup and the referral's validation) offers the same.
    assert names(referral_selectors.services_search()) == available
    assert names(referable_services()) == available

    # An unpublished office of a public service appears nowhere.
    public = cases["public"]
    for path in (
        f"/it/services/{public.uuid}/",
        f"/api/directory/services/{public.uuid}/",
        f"/hsds/services/{public.uuid}",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert "Ufficio non pubblicato" not in response.content.decode(), path
        assert "Merate" not in response.content.decode(), path
    assert not ServiceAtLocation.objects.public().filter(location__live=False).exists()
    document_locations = ServiceDocument.public_queryset().get(pk=public.pk).service_at_locations.all()
    assert [placement.location.municipality.name for placement in document_locations] == ["Lecco"]
