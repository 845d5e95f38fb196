"""Fixtures of the search tests: a clean engine, a rebuild helper, and an API client."""

import pytest

from search.client import get_client
from search.index import alias_name, rebuild


@pytest.fixture
def search_index(clean_search_index, db):
    """A clean engine; call the returned function to (re)build the index from the database."""

    def build(**options):
        report = rebuild(**options)
        get_client().indices.refresh(index=alias_name())
        return report

    return build


@pytest.fixture
def api(client):
    """GET the search API: ``api("/api/search/", q="casa", theme=["a", "b"])`` returns the response."""

    def get(path="/api/search/", **params):
        return client.get(path, params, HTTP_ACCEPT_LANGUAGE="it")

    return get
