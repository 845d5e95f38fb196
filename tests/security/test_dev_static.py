"""The development server answers 404, not 500, to a static path that climbs out of the static folders."""

from io import BytesIO

from django.core.management import get_commands, load_command_class
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True  # runserver serves static files only in debug mode


def dev_server_get(path: str) -> str:
    """The status line the WSGI application of ``manage.py runserver`` answers to ``GET path``."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))  # as `manage.py runserver`
    application = command.get_handler(**options)
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": BytesIO(),
    }
    # As Django's test client does: a request must not close the test's connection (inside its
    # transaction, PostgreSQL's connection would be closed as "unusable").
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return statuses[0]


def test_a_static_path_out_of_the_static_folders_is_not_found():
    # PATH_INFO as the server decodes /static/%2e%2e/%2e%2e/manage.py
    assert dev_server_get("/static/../../manage.py").startswith("404")


def test_static_files_are_still_served():
    assert dev_server_get("/static/wagtailadmin/css/core.css").startswith("200")
