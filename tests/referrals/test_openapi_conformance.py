"""Every documented GET of the referral API answers, for every role, a status and a body its OpenAPI description
declares (the paginated lists were declared as arrays: generated clients broke on ``{count, next, previous,
results}``)."""

import re

import pytest
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from .conftest import volunteer_task_id

pytestmark = pytest.mark.django_db

ROLES = ["social_worker", "network_manager", "coordinator", "volunteer", "editor", "administrator", "evaluator", None]


@pytest.fixture
def description():
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def get_operations(description):
    return {
        path: item["get"]
        for path, item in description["paths"].items()
        if path.startswith("/api/referrals/") and "get" in item
    }


def check(description, operation, response, where):
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{where}: {status} is not documented ({sorted(declared)})"
    content = declared[status].get("content", {})
    if "application/json" not in content:
        return
    schema = {**content["application/json"]["schema"], "components": description["components"]}
    errors = sorted(OAS30Validator(schema).iter_errors(response.json()), key=str)
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_the_paginated_lists_are_declared_as_pages(description):
    operations = get_operations(description)
    for path in ("/api/referrals/", "/api/referrals/services/", "/api/referrals/tasks/", "/api/referrals/queue/"):
        schema = operations[path]["responses"]["200"]["content"]["application/json"]["schema"]
        component = description["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert set(component["properties"]) == {"count", "next", "previous", "results"}, path
        assert component["properties"]["results"]["type"] == "array"


def test_every_documented_get_answers_as_documented_for_every_role(description, world, walk, api):
    referral = walk("in_progress")
    task = volunteer_task_id(referral)
    operations = get_operations(description)
    checked = set()
    for path, operation in operations.items():
        record = task if path.startswith("/api/referrals/tasks/{") else referral
        url = re.sub(r"\{id\}", str(record), path).replace("{code}", "LC-0001")
        for role in ROLES:
            response = api(role).get(url, HTTP_ACCEPT="application/json")
            if response["Content-Type"].startswith("application/json"):
                check(description, operation, response, f"GET {url} as {role}")
                checked.add(path)
    json_answers = {
        path
        for path, op in operations.items()
        if "application/json" in op["responses"].get("200", {}).get("content", {})
    }
    assert checked >= json_answers and len(checked) >= 10
