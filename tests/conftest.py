"""Fixtures shared by the whole suite.

One osmem-server (the in-memory Elasticsearch-compatible engine) runs for the
whole test session; settings.ELASTICSEARCH_URL points at it. Tests that write
to the index take ``clean_search_index`` and start with no index at all.
"""

import os

from django.conf import settings

import pytest

from devtools.osmem import start_engine
from search.client import get_client, reset_client


@pytest.fixture(scope="session", autouse=True)
def search_engine():
    """The session's search engine process; tests may stop and restart it (same port)."""
    engine = start_engine()
    previous = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"] = engine.url
    reset_client()
    yield engine
    engine.stop()
    settings.ELASTICSEARCH_URL = previous
    reset_client()


def delete_test_indices():
    client = get_client()
    pattern = f"{settings.SEARCH_INDEX_PREFIX}*"
    for name in client.indices.get(index=pattern, expand_wildcards="all", ignore_unavailable=True):
        client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def clean_search_index(search_engine):
    """An engine with no index of this project, before and after the test."""
    if not search_engine.running:
        search_engine.start()
    reset_client()
    delete_test_indices()
    yield search_engine
    if not search_engine.running:
        search_engine.start()
        reset_client()
    delete_test_indices()
