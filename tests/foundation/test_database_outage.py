"""A database that does not answer gives 503 with Retry-After (JSON for the APIs, a page for the site), not 500."""

from contextlib import contextmanager
from copy import copy

from django.db import connection
from django.test import Client

import pytest

from devtools.osmem import free_loopback_port

TRANSACTION_STATE = (
    "autocommit",
    "in_atomic_block",
    "savepoint_state",
    "savepoint_ids",
    "atomic_blocks",
    "commit_on_exit",
    "needs_rollback",
    "run_on_commit",
    "closed_in_transaction",
    "health_check_done",
)


@contextmanager
def database_down():
    """The real driver failing to connect: SQLite to a file it cannot open, PostgreSQL to a closed port.

    The test's own connection (and its transaction) is put aside meanwhile and comes back afterwards.
    """
    original, kept = dict(connection.settings_dict), connection.connection
    state = {name: copy(getattr(connection, name)) for name in TRANSACTION_STATE}
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/aftercare.sqlite3"
    else:
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", free_loopback_port()
    try:
        yield
    finally:
        assert connection.connection is None  # no connection was made to a database that is down
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        connection.connection = kept
        for name, value in state.items():  # connecting resets them
            setattr(connection, name, value)


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/directory/services/", "/hsds/services", "/api/v2/pages/"])
def test_the_apis_answer_503_json_with_retry_after_while_the_database_is_down(anonymous, path):
    assert anonymous.get(path).status_code == 200
    with database_down():
        response = anonymous.get(path, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "Il servizio è momentaneamente non disponibile. Riprova tra un minuto.",
        "retry_after": 30,
    }
    assert anonymous.get(path).status_code == 200  # back at once, with no restart


@pytest.mark.django_db
def test_the_site_answers_a_friendly_503_page_while_the_database_is_down(anonymous):
    with database_down():
        response = anonymous.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Unavailable for a moment" in text and "nothing you saved is lost" in text
    assert 'lang="en"' in text
