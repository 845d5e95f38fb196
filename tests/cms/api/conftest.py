"""Helpers of the API tests: JSON of a response, names of listed records, a larger directory."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cms.demo.synthetic import generate_services
from tests.factories import OrganizationFactory, comune


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def queries_for(client, url, params) -> tuple[int, dict]:
    """The SQL queries of one successful GET, and its JSON."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()


def names(response) -> list[str]:
    return [item["name"] for item in results(response)]


@pytest.fixture
def hundred_services(db):
    """100 live synthetic services (1–3 themes, target groups, languages, one location each) of 5 organisations."""
    return generate_services(100, seed=7)


@pytest.fixture
def hundred_organizations(db):
    """100 live organisations, each covering two ambiti and two comuni."""
    organizations = OrganizationFactory.create_batch(100)
    lecco, monza = comune("Lecco"), comune("Monza")
    for organization in organizations:
        organization.ambiti.set([lecco.ambito, monza.ambito])
        organization.municipalities.set([lecco, monza])
        organization.save()
    return organizations
