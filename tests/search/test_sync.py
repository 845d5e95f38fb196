"""Keeping the index in sync: every editorial action reaches the index after commit, through the task queue."""

from django.core.management import call_command

from wagtail.models import PageViewRestriction

import pytest
from django_tasks_db.models import DBTaskResult

from cms.geography import move_municipality
from cms.models import GuidelineIndexPage, Service, ServiceAtLocation, Theme
from search.documents import document_id
from search.index import rebuild
from search.models import PendingIndexUpdate
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, ambito, comune

from .helpers import database_documents, indexed_documents
from .pages import guidelines_index, make_guideline


def doc(doc_type, pk):
    return indexed_documents().get(document_id(doc_type, pk))


def test_publishing_unpublishing_and_deleting_a_service_reach_the_index_after_commit(search_index, committed):
    search_index()
    with committed():
        service = ServiceFactory(name_it="Sportello casa", live=False)
    assert doc("service", service.pk) is None  # a draft is not public

    with committed():
        revision = service.save_revision()
        revision.publish()
        assert doc("service", service.pk) is None  # not before the transaction commits
    assert doc("service", service.pk)["name"]["it"] == "Sportello casa"

    with committed():
        service.name_it = "Sportello casa e lavoro"
        service.save_revision()  # a draft of a live record: the public version stays
    assert doc("service", service.pk)["name"]["it"] == "Sportello casa"

    with committed():
        Service.objects.get(pk=service.pk).get_latest_revision().publish()
    assert doc("service", service.pk)["name"]["it"] == "Sportello casa e lavoro"

    service.refresh_from_db()
    with committed():
        service.unpublish()
    assert doc("service", service.pk) is None

    with committed():
        service.get_latest_revision().publish()
    assert doc("service", service.pk) is not None

    with committed():
        service.status = Service.Status.TEMPORARILY_CLOSED
        service.save()
    assert doc("service", service.pk) is None

    with committed():
        service.status = Service.Status.ACTIVE
        service.save()
        service.delete()
    assert doc("service", service.pk) is None
    assert not PendingIndexUpdate.objects.exists()


def test_themes_target_groups_and_languages_of_a_service_from_either_side(search_index, committed):
    service = ServiceFactory(themes=["housing"])
    search_index()
    with committed():
        service.themes.add(Theme.objects.get(code="mediation"))
        service.languages_spoken.set(["ar", "uk"])
        service.save()
    document = doc("service", service.pk)
    assert (document["themes"], document["languages_spoken"]) == (["housing", "mediation"], ["ar", "uk"])

    with committed():
        Theme.objects.get(code="parenting-family").services.add(service)
    assert doc("service", service.pk)["themes"] == ["housing", "mediation", "parenting-family"]
    with committed():
        Theme.objects.get(code="housing").services.clear()
    assert doc("service", service.pk)["themes"] == ["mediation", "parenting-family"]


def test_an_organisation_change_updates_every_service_of_it(search_index, committed):
    organization = OrganizationFactory(name="Associazione Vecchio Nome")
    services = [ServiceFactory(organization=organization, comuni=["Lecco"]) for _ in range(3)]
    search_index()
    with committed():
        organization.name = "Associazione Nuovo Nome"
        organization.save()
    assert {doc("service", s.pk)["organization"]["name"] for s in services} == {"Associazione Nuovo Nome"}

    with committed():
        organization.ambiti.add(ambito("Bellano"))
        organization.save()
    assert "bellano" in doc("service", services[0].pk)["ambiti"]

    with committed():
        organization.unpublish()
    assert all(doc("service", s.pk) is None for s in services)


def test_a_location_change_updates_the_services_offered_there(search_index, committed):
    service = ServiceFactory(comuni=["Lecco"])
    location = service.service_at_locations.get().location
    search_index()
    with committed():
        location.municipality = comune("Merate")
        location.save()
    assert doc("service", service.pk)["located_in"] == ["merate"]

    with committed():
        other = LocationFactory(organization=service.organization, municipality=comune("Monza"))
        ServiceAtLocation.objects.create(service=service, location=other)
    assert doc("service", service.pk)["located_in"] == ["merate", "monza"]

    with committed():
        other.unpublish()
    assert doc("service", service.pk)["located_in"] == ["merate"]


def test_taxonomy_and_geography_changes_reach_the_documents_that_hold_them(search_index, committed, api):
    service = ServiceFactory(themes=["housing"], comuni=["Merate"])
    search_index()
    theme = Theme.objects.get(code="housing")
    with committed():
        theme.name_it = "Abitare"
        theme.save()
    assert doc("theme", theme.pk)["name"]["it"] == "Abitare"  # (this also refreshes the index)
    assert doc("service", service.pk)["topics"]["it"] == "Abitare"  # the names of its themes are searched
    suggestions = [item["text"] for item in api("/api/search/suggest/", q="abita").json()["suggestions"]]
    assert suggestions == ["Abitare"]

    with committed():
        theme.code = "housing-and-home"
        theme.save()
    assert doc("service", service.pk)["themes"] == ["housing-and-home"]

    with committed():
        move_municipality(municipality=comune("Merate"), ambito=ambito("Lecco"))
    assert doc("service", service.pk)["ambiti"] == ["lecco"]
    assert doc("comune", comune("Merate").pk)["ambiti"] == ["lecco"]


def test_guidelines_follow_publishing_moves_privacy_and_deletion(search_index, committed):
    search_index()
    with committed():
        page = make_guideline(title_it="Linea guida casa", live=False)
    assert doc("guideline", page.pk) is None

    with committed():
        page.save_revision().publish()
    assert doc("guideline", page.pk)["name"]["it"] == "Linea guida casa"

    with committed():
        page.title_it = page.title = "Linea guida abitare"
        page.save_revision().publish()
    assert doc("guideline", page.pk)["name"]["it"] == "Linea guida abitare"

    page.refresh_from_db()
    with committed():
        page.unpublish()
    assert doc("guideline", page.pk) is None
    with committed():
        page.get_latest_revision().publish()
    assert doc("guideline", page.pk) is not None

    index = guidelines_index()
    with committed():
        restriction = PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert doc("guideline", page.pk) is None
    with committed():
        restriction.delete()
    assert doc("guideline", page.pk) is not None

    with committed():
        private = index.get_parent().add_child(instance=GuidelineIndexPage(title="Riservate", slug="riservate"))
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    with committed():
        page.move(private, pos="last-child")
    assert doc("guideline", page.pk) is None
    with committed():
        page.refresh_from_db()
        index.refresh_from_db()
        page.move(index, pos="last-child")
    assert doc("guideline", page.pk) is not None

    with committed():
        page.delete()
    assert doc("guideline", page.pk) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_are_written_by_the_database_worker_in_production(clean_search_index, settings):
    """Production's path: the task is a row of django-tasks-db, run by ``manage.py db_worker``.

    The worker opens and closes database connections itself, so this test really commits.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rebuild()
    service = ServiceFactory(name_it="Servizio pubblicato")  # each save commits; tasks are queued
    assert doc("service", service.pk) is None  # queued, not written yet
    assert PendingIndexUpdate.objects.filter(object_id=service.pk).exists()
    assert DBTaskResult.objects.filter(status="READY").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert doc("service", service.pk)["name"]["it"] == "Servizio pubblicato"
    assert not PendingIndexUpdate.objects.exists()
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_index_equals_database(search_index):
    """The helper the outage tests rely on: after a rebuild, the index is exactly what the database gives."""
    ServiceFactory(comuni=["Lecco"], languages=["ar"])
    make_guideline(title_it="Linea guida")
    search_index()
    assert indexed_documents() == database_documents()


def test_a_record_whose_document_cannot_be_built_does_not_hold_back_the_others(search_index, committed, monkeypatch):
    """A bug or unexpected data in one record: the others are indexed, that one stays queued with the error."""
    from search.documents import ServiceDocument
    from search.indexing import process_pending

    search_index()
    original = ServiceDocument.prepare.__func__

    def prepare(cls, record, lookups):
        if record.name_it == "Record difettoso":
            raise ValueError("unexpected data")
        return original(cls, record, lookups)

    monkeypatch.setattr(ServiceDocument, "prepare", classmethod(prepare))
    with committed():
        broken = ServiceFactory(name_it="Record difettoso")
        fine = [ServiceFactory(name_it=f"Sportello {n}") for n in range(3)]
    process_pending(retry_now=True)
    assert all(doc("service", service.pk) for service in fine)
    assert doc("service", broken.pk) is None
    pending = PendingIndexUpdate.objects.get()
    assert pending.object_id == broken.pk and "cannot build the document: ValueError" in pending.last_error

    monkeypatch.undo()  # the bug is fixed: the next run writes it
    process_pending(retry_now=True)
    assert doc("service", broken.pk)["name"]["it"] == "Record difettoso"
    assert not PendingIndexUpdate.objects.exists()


def test_unpublishing_an_organisation_takes_its_offices_out_of_other_organisations_services(search_index, committed):
    search_index()
    with committed():
        host = OrganizationFactory(name="Cooperativa ospitante")
        office = LocationFactory(organization=host, municipality=comune("Merate"))
        service = ServiceFactory(locations=[office])
    assert [loc["comune"] for loc in doc("service", service.pk)["locations"]] == ["merate"]
    with committed():
        host.live = False
        host.save()
    assert doc("service", service.pk).get("locations", []) == []
    assert indexed_documents() == database_documents()
