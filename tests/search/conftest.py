"""Fixtures of the search tests: a clean engine, a rebuild helper, an API client, committed blocks."""

from contextlib import contextmanager

from django.db import connection

import pytest

from search.client import get_client
from search.index import alias_name, rebuild
from search.indexing import process_pending


@pytest.fixture
def search_index(clean_search_index, db):
    """A clean engine; call the returned function to (re)build the index from the database."""

    def build(**options):
        """What ``manage.py search_index --rebuild`` does: rebuild, then write the updates queued meanwhile."""
        report = rebuild(**options)
        process_pending(retry_now=True)
        get_client().indices.refresh(index=alias_name())
        return report

    return build


@pytest.fixture
def api(client):
    """GET the search API: ``api("/api/search/", q="casa", theme=["a", "b"])`` returns the response."""

    def get(path="/api/search/", **params):
        return client.get(path, params, HTTP_ACCEPT_LANGUAGE="it")

    return get


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the block as one transaction, then what Django runs after its commit.

    The test's own transaction never commits: what the test did before the block counts as
    committed already (the index was built from it), so its pending callbacks are dropped.
    """

    @contextmanager
    def transaction_block():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return transaction_block
