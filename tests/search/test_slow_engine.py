"""The index never drifts from the database: not when the engine is slow, not when it is killed.

A slow engine is played by a loopback proxy that forwards each request at once (the engine
applies it) and holds the answer back in proportion to the request's size, so big bulk requests
time out on the client although their writes arrived: the case that made the index drift.
"""

import os
import signal
import threading
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import pytest

from cms.models import Service, Theme
from search.client import get_client, reset_client
from search.index import (
    SearchIndexError,
    alias_name,
    building_alias_name,
    document_version,
    index_pattern,
    indices_behind,
    rebuild,
    write_documents,
)
from search.locks import rebuild_lock
from search.models import PendingIndexUpdate
from tests.factories import ServiceFactory

from .helpers import database_documents, indexed_documents
from .slow_proxy import SlowProxy


@pytest.fixture
def slow_engine(search_engine, settings):
    """The engine behind a proxy that delays its answers (none at first)."""
    proxy = SlowProxy(search_engine.port)
    settings.ELASTICSEARCH_URL = proxy.url
    reset_client()
    yield proxy
    proxy.close()
    settings.ELASTICSEARCH_URL = search_engine.url
    reset_client()


def time_passes():
    """The retry time of every kept update comes (what waiting would do)."""
    PendingIndexUpdate.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def burst_of_changes(committed, services):
    """A theme renamed (every service of it), services edited, created and deleted: several commits."""
    with committed():
        theme = Theme.objects.get(code="housing")
        theme.name_it = "Casa e abitare"
        theme.save()
    with committed():
        for service in services[:20]:
            service.name_it = f"{service.name_it} (aggiornato)"
            service.save()
    with committed():
        created = ServiceFactory.create_batch(5, name_it="Sportello nuovo")
    with committed():
        for service in services[-5:]:
            service.delete()
    return created


def test_a_slow_engine_during_a_burst_of_changes_leaves_the_index_equal_to_the_database(
    search_index, slow_engine, committed, settings
):
    services = ServiceFactory.create_batch(120)
    search_index()
    settings.SEARCH_INLINE_WRITE_TIMEOUT_SECONDS = 0.3
    settings.SEARCH_WRITE_TIMEOUT_SECONDS = 1.5
    # Answers come 0.5 s late, plus 4 s per megabyte sent: a bulk request of 200 documents (in the
    # live index and the one being built) takes several seconds, one of 50 about a second.
    slow_engine.delay, slow_engine.seconds_per_megabyte = 0.5, 4.0

    burst_of_changes(committed, services)
    kept = PendingIndexUpdate.objects.all()
    assert kept.count() == 120 + 5 + 1  # services and the theme: every inline write timed out, all kept
    assert not kept.filter(engine_unreachable=True).exists()  # slow, not down: no circuit opened
    assert indexed_documents() != database_documents()

    time_passes()
    output = StringIO()
    call_command("search_index", "--process-pending", stdout=output)  # production's timer, run_local's loop
    assert "126 written, 0 failed, 0 left" in output.getvalue()
    slow_engine.delay = slow_engine.seconds_per_megabyte = 0
    assert indexed_documents() == database_documents()  # every document, and no stale one

    slow_engine.delay, slow_engine.seconds_per_megabyte = 0.3, 4.0
    rebuilt = StringIO()
    call_command("search_index", "--rebuild", "--no-progress", stdout=rebuilt)  # exits 0: no CommandError
    assert "alias aftercare-test-search moved" in rebuilt.getvalue()
    slow_engine.delay = slow_engine.seconds_per_megabyte = 0
    assert indexed_documents() == database_documents()
    assert not PendingIndexUpdate.objects.exists()


def test_an_engine_killed_and_restarted_during_a_burst_of_changes_is_rebuilt_equal_to_the_database(
    search_index, search_engine, committed
):
    services = ServiceFactory.create_batch(40)
    search_index()
    os.kill(search_engine._server.pid, signal.SIGKILL)
    search_engine._server.process.wait()
    burst_of_changes(committed, services)
    assert PendingIndexUpdate.objects.filter(engine_unreachable=True).exists()  # refused: known down

    search_engine.restart()  # an in-memory engine comes back empty
    reset_client()
    output = StringIO()
    call_command("search_index", "--process-pending", stdout=output)
    assert "No search index behind the alias: rebuilding it." in output.getvalue()
    assert indexed_documents() == database_documents()
    assert not PendingIndexUpdate.objects.exists()
    call_command("search_index", "--rebuild", "--no-progress", stdout=StringIO())  # exits 0


def test_rebuild_marks_the_updates_it_covered_done_and_exits_0(search_index, committed):
    services = ServiceFactory.create_batch(3)
    search_index()
    PendingIndexUpdate.objects.bulk_create(  # queued before the rebuild, e.g. by a failed write
        PendingIndexUpdate(
            doc_type="service", object_id=s.pk, requested_at=timezone.now(), next_attempt_at=timezone.now()
        )
        for s in services
    )
    output = StringIO()
    call_command("search_index", "--rebuild", "--no-progress", stdout=output)
    assert "Index updates" not in output.getvalue()  # nothing left to write: the rebuild covered them
    assert not PendingIndexUpdate.objects.exists()


def test_a_late_write_of_an_older_document_never_replaces_a_newer_one(search_index):
    """A write retried after a timeout may land after a newer one: the engine keeps the newer."""
    service = ServiceFactory(name_it="Prima")
    search_index()
    doc_id = f"service-{service.pk}"
    old = indexed_documents()[doc_id]
    new = {**old, "name": {**old["name"], "it": "Dopo"}}
    read_at = document_version()  # versions: when the documents were read from the database
    assert write_documents({doc_id: new}, version=read_at + 2).written == {doc_id}
    assert write_documents({doc_id: old}, version=read_at + 1).written == {doc_id}  # newer one there: done
    assert indexed_documents()[doc_id]["name"]["it"] == "Dopo"
    assert write_documents({doc_id: new}, version=read_at + 2).written == {doc_id}  # the same write again
    assert write_documents({doc_id: None}, version=read_at + 3).written == {doc_id}
    write_documents({doc_id: new}, version=read_at + 2)  # a late write after the delete does not resurrect it
    assert doc_id not in indexed_documents()


def all_indices() -> list[str]:
    return sorted(get_client().indices.get(index=index_pattern()).body)


def test_a_killed_rebuild_leaves_nothing_behind_after_the_next_one(search_index, committed):
    service = ServiceFactory(name_it="Servizio")
    first = search_index()

    def killed(n):
        raise SystemExit("kill -KILL")  # not an Exception: no clean-up runs, as after a real kill

    with pytest.raises(SystemExit):
        rebuild(batch_size=10, progress=killed)
    orphan = indices_behind(building_alias_name())
    assert len(orphan) == 1 and all_indices() == sorted([first.index, *orphan])

    second = rebuild()
    assert second.stale == orphan
    assert all_indices() == [second.index] == indices_behind(alias_name())
    assert indices_behind(building_alias_name()) == []
    with committed():  # a later write goes into the live index only
        service.name_it = "Servizio rinnovato"
        service.save()
    assert indexed_documents() == database_documents()


def test_a_second_rebuild_while_one_runs_is_refused_and_changes_nothing(search_index):
    first = search_index()
    holding, release = threading.Event(), threading.Event()

    def other_rebuild():  # another process: its own database connection
        try:
            with rebuild_lock():
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_rebuild)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(SearchIndexError, match="another rebuild of this index is running"):
            rebuild()
    finally:
        release.set()
        thread.join()
    assert all_indices() == [first.index]
    assert rebuild().previous == [first.index]  # free again once the other one ended


def test_status_is_in_sync_after_a_slow_burst(search_index, slow_engine, committed, settings):
    services = ServiceFactory.create_batch(10)
    search_index()
    settings.SEARCH_INLINE_WRITE_TIMEOUT_SECONDS = 0.2
    slow_engine.delay = 0.4
    burst_of_changes(committed, services)
    slow_engine.delay = 0
    time_passes()
    call_command("search_index", "--process-pending", stdout=StringIO())
    status = StringIO()
    call_command("search_index", "--status", stdout=status)
    assert status.getvalue().rstrip().endswith("In sync.")
    assert Service.objects.count() == 10
