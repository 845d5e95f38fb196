"""When the search engine is down or hangs: the API answers 503 in time, publishing goes on, nothing is lost.

A stopped engine refuses connections (ConnectionError); a paused one (SIGSTOP) accepts them and
never answers (ConnectionTimeout, which is not a subclass of ConnectionError). Both are tested.
"""

import os
import signal
import time
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from cms.models import Location
from search.client import get_client, reset_client
from search.documents import build_index
from search.index import alias_name, new_index_name
from search.indexing import _delete_unchanged, process_pending, request_update
from search.models import PendingIndexUpdate
from tests.factories import ServiceFactory

from .corpus import make_corpus
from .helpers import database_documents, indexed_documents


@contextmanager
def paused(engine):
    """The engine process stopped with SIGSTOP: connections are accepted and never answered."""
    os.kill(engine._server.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(engine._server.pid, signal.SIGCONT)


def restarted(engine):
    engine.start()
    reset_client()  # drop connections to the old process


def restore(documents: dict[str, dict]) -> None:
    """Puts back an index as it was (osmem keeps nothing on disk; Elasticsearch would still have it)."""
    client = get_client()
    name = new_index_name()
    body = build_index(name).to_dict()
    client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
    operations = []
    for doc_id, source in documents.items():
        operations += [{"index": {"_index": name, "_id": doc_id}}, source]
    client.bulk(operations=operations, refresh=True)
    client.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias_name()}}])


def timed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started


@pytest.mark.parametrize("path", ["/api/search/", "/api/search/suggest/"])
def test_a_stopped_engine_gives_503_with_retry_after_at_once(search_index, search_engine, api, path):
    make_corpus()
    search_index()
    search_engine.stop()
    response, seconds = timed(api, path, q="casa", lang="fr")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "fr"
    assert response.json() == {  # in the language asked for
        "detail": "La recherche est momentanément indisponible. Réessayez dans une minute.",
        "retry_after": 30,
    }
    assert seconds < 2


@pytest.mark.parametrize("path", ["/api/search/", "/api/search/suggest/"])
def test_a_hanging_engine_gives_503_within_two_seconds(search_index, search_engine, api, path):
    make_corpus()
    search_index()
    with paused(search_engine):
        response, seconds = timed(api, path, q="casa")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert 1 <= seconds < 2  # it waited for SEARCH_TIMEOUT_SECONDS, not longer
    assert api(path, q="casa").status_code == 200  # and answers again when the engine does


def test_with_the_engine_stopped_editors_publish_and_delete_and_nothing_is_lost(
    search_index, search_engine, committed, api
):
    corpus = make_corpus()
    search_index()
    before = indexed_documents()

    search_engine.stop()
    with committed():
        created = ServiceFactory(name_it="Nuovo sportello lavoro", comuni=["Lecco"])
    with committed():
        corpus.jobs.name_it = "Orientamento al lavoro e alla formazione"
        corpus.jobs.save_revision().publish()
    started = time.monotonic()
    deleted = corpus.finance.pk
    with committed():
        corpus.finance.delete()
        corpus.mediation.refresh_from_db()
        corpus.mediation.unpublish()
    assert time.monotonic() - started < 1  # publishing does not wait for a dead engine
    pending = PendingIndexUpdate.objects.order_by("object_id")
    assert {(row.doc_type, row.object_id) for row in pending} == {
        ("service", created.pk),
        ("service", corpus.jobs.pk),
        ("service", deleted),
        ("service", corpus.mediation.pk),
    }
    # The first change tried the engine and failed; the next ones did not even try (it is known to be down).
    tried = PendingIndexUpdate.objects.get(object_id=created.pk)
    assert (tried.attempts, tried.next_attempt_at > timezone.now()) == (1, True)
    assert "ConnectionError" in tried.last_error
    assert PendingIndexUpdate.objects.filter(attempts=0).count() == 3
    status = StringIO()
    with pytest.raises(CommandError, match="did not answer"):
        call_command("search_index", "--status", stdout=status)
    assert "Search engine unreachable" in status.getvalue()
    assert "Pending updates: 4 (1 failing)" in status.getvalue()

    restarted(search_engine)
    restore(before)  # the index as the engine kept it (Elasticsearch keeps its data across restarts)
    assert indexed_documents() == before != database_documents()
    output = StringIO()
    call_command("search_index", "--process-pending", "--retry-now", stdout=output)
    assert "4 written, 0 failed, 0 left" in output.getvalue()

    assert indexed_documents() == database_documents()
    assert not PendingIndexUpdate.objects.exists()
    titles = [hit["title"] for hit in api(q="lavoro").json()["results"]]
    assert set(titles) == {"Nuovo sportello lavoro", "Orientamento al lavoro e alla formazione"}


def test_with_the_engine_hanging_publications_wait_no_longer_than_the_inline_timeout_and_nothing_is_lost(
    search_index, search_engine, committed, settings
):
    """A hanging engine is slow, not known down: each change tries it again, for a short while only."""
    corpus = make_corpus()
    search_index()
    with paused(search_engine):
        started = time.monotonic()
        with committed():
            corpus.jobs.name_it = "Orientamento al lavoro"
            corpus.jobs.save_revision().publish()
        first = time.monotonic() - started
        started = time.monotonic()
        with committed():
            corpus.housing.name_it = "Sportello casa"
            corpus.housing.save_revision().publish()
            corpus.finance.delete()
        second = time.monotonic() - started
        assert PendingIndexUpdate.objects.count() == 3
    limit = settings.SEARCH_INLINE_WRITE_TIMEOUT_SECONDS + 0.5
    assert first < limit and second < limit  # the inline write timeout, and no more
    jobs = PendingIndexUpdate.objects.get(object_id=corpus.jobs.pk)
    assert jobs.attempts == 1 and not jobs.engine_unreachable  # slow, not down: no circuit opened
    assert "ConnectionTimeout" in jobs.last_error
    assert PendingIndexUpdate.objects.get(object_id=corpus.housing.pk).attempts == 1  # the second change tried too

    report = process_pending(retry_now=True)
    assert (report.written, report.failed, report.remaining) == (3, 0, 0)
    assert indexed_documents() == database_documents()


def test_failed_updates_are_retried_with_growing_delays_until_they_succeed(search_index, search_engine, committed):
    service = ServiceFactory(name_it="Sportello")
    search_index()
    before = indexed_documents()
    search_engine.stop()
    with committed():
        service.name_it = "Sportello rinnovato"
        service.save()
    row = PendingIndexUpdate.objects.get()
    delays = [row.next_attempt_at - timezone.now()]
    assert timedelta(seconds=8) < delays[0] <= timedelta(seconds=10)

    report = process_pending()  # not due yet: nothing is tried
    assert (report.written, report.failed) == (0, 0)
    assert PendingIndexUpdate.objects.get().attempts == 1

    for attempts, seconds in ((2, 20), (3, 40), (4, 80)):
        PendingIndexUpdate.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))  # time passes
        report = process_pending()
        row = PendingIndexUpdate.objects.get()
        assert (report.failed, row.attempts) == (1, attempts)
        assert timedelta(seconds=seconds - 2) < row.next_attempt_at - timezone.now() <= timedelta(seconds=seconds)

    restarted(search_engine)
    restore(before)
    PendingIndexUpdate.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert process_pending().written == 1
    assert indexed_documents()[f"service-{service.pk}"]["name"]["it"] == "Sportello rinnovato"
    assert not PendingIndexUpdate.objects.exists()


def test_process_pending_rebuilds_an_engine_that_came_back_empty(search_index, search_engine, committed):
    corpus = make_corpus()
    search_index()
    search_engine.stop()
    with committed():
        corpus.housing.delete()
    restarted(search_engine)  # an in-memory engine restarts with no index at all
    output = StringIO()
    call_command("search_index", "--process-pending", stdout=output)
    assert "No search index behind the alias: rebuilding it." in output.getvalue()
    assert indexed_documents() == database_documents()
    assert not PendingIndexUpdate.objects.exists()


def test_a_change_made_while_its_update_is_written_is_not_lost(search_index):
    """The outbox deletes a row only if the record did not change again after the row was read."""
    service = ServiceFactory()
    search_index()
    request_update("service", [service.pk])
    read = list(PendingIndexUpdate.objects.all())  # what a worker read...
    PendingIndexUpdate.objects.update(requested_at=timezone.now() + timedelta(microseconds=1))  # ...a new change
    _delete_unchanged(read)
    assert PendingIndexUpdate.objects.filter(object_id=service.pk).exists()
    _delete_unchanged(list(PendingIndexUpdate.objects.all()))
    assert not PendingIndexUpdate.objects.exists()


def test_a_document_the_engine_refuses_is_retried_without_holding_back_the_others(search_index, committed):
    broken, fine = ServiceFactory(comuni=["Lecco"]), ServiceFactory(name_it="Servizio in ordine")
    search_index()
    # A latitude out of range, written past the model's validation: the engine refuses the document.
    Location.objects.filter(service_at_locations__service=broken).update(latitude=95)
    with committed():
        broken.save()
        fine.name_it = "Servizio aggiornato"
        fine.save()
    row = PendingIndexUpdate.objects.get()
    assert (row.object_id, row.attempts, row.engine_unreachable) == (broken.pk, 1, False)
    assert "latitude" in row.last_error
    assert indexed_documents()[f"service-{fine.pk}"]["name"]["it"] == "Servizio aggiornato"

    with committed():  # the engine is up: later changes are written at once, not held back
        later = ServiceFactory(name_it="Servizio successivo")
    assert f"service-{later.pk}" in indexed_documents()
    assert PendingIndexUpdate.objects.get().object_id == broken.pk

    Location.objects.filter(service_at_locations__service=broken).update(latitude=45.85)  # repaired
    report = process_pending(retry_now=True)
    assert (report.written, report.remaining) == (1, 0)
