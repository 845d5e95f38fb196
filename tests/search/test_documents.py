"""Documents: what a service or a guideline becomes in the index, only public records, never personal data."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from cms.models import Location, Organization, Service, ServiceAtLocation
from search.documents import GuidelineDocument, Lookups, ServiceDocument, allowed_fields, document_id
from search.index import prepared_documents, write_documents
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    ServiceFactory,
    UserFactory,
    ambito,
    comune,
)

from .helpers import indexed_documents
from .pages import make_guideline


def prepared(service) -> dict:
    record = ServiceDocument.public_queryset().get(pk=service.pk)
    return ServiceDocument.prepare(record, Lookups())


def test_a_service_document_holds_every_language_and_its_directory_context(db):
    organization = OrganizationFactory(name="Cooperativa Il Ponte", kind=Organization.Kind.SOCIAL_COOPERATIVE)
    organization.municipalities.add(comune("Vimercate"))
    organization.ambiti.add(ambito("Bellano"))
    organization.save()  # parental many-to-many fields are written on save
    service = ServiceFactory(
        organization=organization,
        name_it="Sportello casa",
        name_en="Housing desk",
        description_it="Aiuto a trovare casa.",
        description_en="Help to find a home.",
        eligibility_it="Famiglie residenti.",
        how_to_access_fr="Sur rendez-vous.",
        themes=["housing", "mediation"],
        target_groups=["families"],
        languages=["ar", "fr"],
        comuni=["Lecco", "Merate"],
    )
    document = prepared(service)

    assert document["doc_type"] == "service"
    assert document["record_id"] == service.pk
    assert document["translated"] == ["en", "it"]
    assert document["name"] == {"it": "Sportello casa", "en": "Housing desk"}
    assert document["body"]["it"] == "Aiuto a trovare casa.\nFamiglie residenti."
    assert document["body"]["en"] == "Help to find a home."
    assert document["body"]["fr"] == "Sur rendez-vous."
    # The autocomplete has every language, in Italian where there is no translation.
    assert document["autocomplete"]["en"] == "Housing desk"
    assert document["autocomplete"]["ar"] == "Sportello casa"
    assert document["organization"] == {
        "id": str(organization.uuid),
        "name": "Cooperativa Il Ponte",
        "kind": "social_cooperative",
    }
    assert document["themes"] == ["housing", "mediation"]
    assert document["target_groups"] == ["families"]
    assert document["topics"]["it"] == "Casa · Mediazione interculturale e linguistica · Famiglie"
    assert document["topics"]["fr"] == "Logement · Médiation interculturelle et linguistique · Familles"
    assert document["languages_spoken"] == ["ar", "fr"]
    assert document["cost"] == "free"
    assert document["status"] == "active"
    assert [loc["comune_name"] for loc in document["locations"]] == ["Lecco", "Merate"]
    lecco = document["locations"][0]
    assert lecco["point"] == {"lat": float(comune("Lecco").latitude), "lon": float(comune("Lecco").longitude)}
    assert document["located_in"] == ["lecco", "merate"]
    # Served: where it has offices, the comuni the organisation covers, every comune of the ambiti it covers.
    bellano = set(comune("Bellano").ambito.municipalities.values_list("slug", flat=True))
    assert set(document["comuni"]) == {"lecco", "merate", "vimercate"} | bellano
    assert set(document["ambiti"]) == {"lecco", "merate", "vimercate", "bellano"}


def test_a_guideline_document_holds_its_text_blocks_and_the_target_groups_of_its_models(db):
    page = make_guideline(
        title_it="Accompagnare le famiglie nella ricerca della casa",
        title_fr="Accompagner les familles dans la recherche d'un logement",
        intro_it="<p>Come aiutare una <b>famiglia</b> appena arrivata.</p>",
        themes=["housing"],
        target_group="newly-arrived",
    )
    record = GuidelineDocument.public_queryset().get(pk=page.pk)
    document = GuidelineDocument.prepare(record, Lookups())

    assert document["doc_type"] == "guideline"
    assert document["translated"] == ["fr", "it"]
    assert document["name"]["fr"].startswith("Accompagner")
    body = document["body"]["it"]
    for text in ("Come aiutare una famiglia appena arrivata.", "Primo colloquio", "Sportello casa del comune"):
        assert text in body
    assert "<b>" not in body
    assert document["themes"] == ["housing"]
    assert document["target_groups"] == ["newly-arrived"]
    assert document["topics"]["en"] == "Housing · Newly arrived"
    assert GuidelineDocument.api_path(document) == f"/api/v2/pages/{page.pk}/"


def test_only_published_active_records_of_published_organisations_are_indexed(search_index):
    public = ServiceFactory(name_it="Pubblico", comuni=["Lecco"])
    ServiceFactory(name_it="Bozza", live=False)
    ServiceFactory(name_it="Inattivo", status=Service.Status.INACTIVE)
    ServiceFactory(name_it="Chiuso per ora", status=Service.Status.TEMPORARILY_CLOSED)
    ServiceFactory(name_it="Di un ente non pubblicato", organization=OrganizationFactory(live=False))
    hidden_office = LocationFactory(organization=public.organization, municipality=comune("Merate"), live=False)
    ServiceAtLocation.objects.create(service=public, location=hidden_office)
    guideline = make_guideline(title_it="Linea guida pubblica")
    make_guideline(title_it="Linea guida in bozza", live=False)
    private = make_guideline(title_it="Linea guida riservata")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    search_index()
    documents = indexed_documents()

    services = {doc_id for doc_id in documents if doc_id.startswith("service-")}
    guidelines = {doc_id for doc_id in documents if doc_id.startswith("guideline-")}
    assert services == {document_id("service", public.pk)}
    assert guidelines == {document_id("guideline", guideline.pk)}
    assert documents[document_id("service", public.pk)]["located_in"] == ["lecco"]


def field_paths(document: dict, prefix="") -> set[str]:
    paths = set()
    for key, value in document.items():
        path = f"{prefix}{key}"
        if key in ("name", "body", "autocomplete", "title_sort") and not prefix:
            paths.add(path)  # per-language objects: the language codes are the mapped sub-fields
            paths |= {f"{path}.{code}" for code in value}
        elif isinstance(value, dict) and key != "point":  # a geo_point is one field
            paths |= {path} | field_paths(value, f"{path}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            paths.add(path)
            for item in value:
                paths |= field_paths(item, f"{path}.")
        else:
            paths.add(path)
    return paths


PERSONAL = "Riservatissima"


def test_no_personal_data_reaches_the_index(search_index, api):
    """People's names, e-mail addresses and phone numbers of the directory never enter a document,
    and every field of every document is one the strict mapping allows."""
    organization = OrganizationFactory(email=f"giulia.{PERSONAL.lower()}@example.org", phone="+39 0341 000000")
    worker = UserFactory(username="giulia", first_name="Giulia", last_name=PERSONAL, email=f"{PERSONAL}@example.org")
    MembershipFactory(user=worker, role="coordinator", organization=organization)
    service = ServiceFactory(
        organization=organization,
        email=f"g.{PERSONAL.lower()}@example.org",
        phone="+39 0341 123456",
        comuni=["Lecco"],
    )
    service.save_revision(user=worker, log_action=True)
    Location.objects.filter(organization=organization).update(phone="+39 0341 654321")
    make_guideline(title_it="Linea guida", owner=worker)

    search_index()
    documents = indexed_documents()

    dumped = json.dumps(documents, ensure_ascii=False)
    for secret in (PERSONAL, PERSONAL.lower(), "Giulia", "0341"):
        assert secret not in dumped
    allowed = allowed_fields()
    for doc_id, document in documents.items():
        assert field_paths(document) <= allowed, doc_id
    assert api(q=PERSONAL).json()["total"] == 0


def test_the_engine_refuses_a_field_outside_the_allow_list(search_index):
    search_index()
    result = write_documents({"service-999999": {"doc_type": "service", "record_id": 999999, "beneficiary": "x"}})
    assert "service-999999" in result.errors
    assert "strict" in result.errors["service-999999"]


def test_preparing_documents_costs_the_same_queries_for_1_or_12_services(db):
    organization = OrganizationFactory()
    organization.ambiti.add(ambito("Lecco"))
    organization.save()

    def queries_to_prepare_all():
        with CaptureQueriesContext(connection) as queries:
            documents = list(prepared_documents("service"))
        return len(documents), len(queries)

    ServiceFactory(organization=organization, themes=["housing", "mediation"], comuni=["Lecco", "Monza"])
    one = queries_to_prepare_all()
    for _ in range(11):
        ServiceFactory(organization=organization, themes=["housing", "mediation"], comuni=["Lecco", "Monza"])
    twelve = queries_to_prepare_all()
    assert (one[0], twelve[0]) == (1, 12)
    assert one[1] == twelve[1]
