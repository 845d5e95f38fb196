"""Schemathesis over the whole OpenAPI description: anonymous and with a token per role, no server
error and no response outside its documented schema. Bounded: a few generated cases per operation
(``SCHEMATHESIS_EXAMPLES``, 3 by default), so it adds about a minute or two to the suite.

Schemathesis's own pytest plugin does not run under pytest 9 yet; its operations give Hypothesis
strategies, driven here by one ordinary test."""

import os

from django.core.wsgi import get_wsgi_application

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from referrals.auth import token_issue
from tests.referrals.conftest import world  # noqa: F401 (a fixture: one user per role)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
ROLES = ("social_worker", "network_manager", "coordinator", "volunteer", "administrator")


def test_no_server_error_and_no_schema_violation(world):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    role_headers = [{}]  # anonymous
    for role in ROLES:
        _token, key = token_issue(user=getattr(world.users, role), name="schemathesis")
        role_headers.append({"Authorization": f"Token {key}"})
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            for headers in role_headers:
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        call()
