"""Fixtures of the public site tests: an index built from the database, and HTML helpers."""

import html as html_module
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.client import get_client
from search.index import alias_name, rebuild


@pytest.fixture
def indexed(clean_search_index, db):
    """Call it to (re)build the search index from the database."""

    def build():
        rebuild()
        get_client().indices.refresh(index=alias_name())

    return build


def count_queries(client, url, **extra) -> tuple[int, object]:
    """(number of SQL queries, response) of one GET; the response must be 200. A first request warms the
    caches (site root paths, facet labels), so that two pages compare in the same steady state."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:2000]
    return len(queries), response


def html(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed (tags removed)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html(response), flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split())
