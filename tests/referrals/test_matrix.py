"""Roles × endpoints at each step: the one legitimate actor succeeds; everyone else gets 401, 403 or 404,
and nothing changes. Users of another ambito and of another organisation get 404: for them it does not exist."""

import pytest

from referrals.models import AuditEvent, ReferralProcess

from .conftest import volunteer_task_id

pytestmark = pytest.mark.django_db

ROLES = (
    "social_worker",
    "social_worker_other",
    "network_manager",
    "network_manager_other",
    "coordinator",
    "coordinator_other",
    "volunteer",
    "volunteer2",
    "volunteer_other",
    "editor",
    "administrator",
    "evaluator",
    "outsider",
    None,
)
# People with no role for referral endpoints, and anonymous requests.
NO_REFERRAL_ROLE = {
    "volunteer": 403,
    "volunteer2": 403,
    "volunteer_other": 403,
    "editor": 403,
    "administrator": 403,
    "evaluator": 403,
    "outsider": 403,
    None: 401,
}
NO_TASK_ROLE = {
    "social_worker": 403,
    "social_worker_other": 403,
    "network_manager": 403,
    "network_manager_other": 403,
    "editor": 403,
    "administrator": 403,
    "evaluator": 403,
    "outsider": 403,
    None: 401,
}

ALSO = None  # also a legitimate actor; not exercised here because it would change the state (see the lifecycle tests)

# (step, method, url template, body, legitimate actor, expected answers of everyone else)
CASES = [
    (
        "draft",
        "get",
        "/api/referrals/{pk}/",
        None,
        "social_worker",
        {
            **NO_REFERRAL_ROLE,
            "social_worker_other": 404,
            "network_manager": 404,
            "network_manager_other": 404,
            "coordinator": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "draft",
        "patch",
        "/api/referrals/{pk}/",
        {"need": "Casa e lavoro."},
        "social_worker",
        {
            **NO_REFERRAL_ROLE,
            "social_worker_other": 404,
            "network_manager": 404,
            "network_manager_other": 404,
            "coordinator": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "draft",
        "post",
        "/api/referrals/{pk}/submit/",
        {},
        "social_worker",
        {
            **NO_REFERRAL_ROLE,
            "social_worker_other": 404,
            "network_manager": 403,
            "network_manager_other": 403,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
    (
        "submitted",
        "get",
        "/api/referrals/{pk}/",
        None,
        "network_manager",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 200,
            "social_worker_other": 404,
            "network_manager_other": 404,
            "coordinator": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "submitted",
        "post",
        "/api/referrals/{pk}/triage/",
        {"decision": "approve"},
        "network_manager",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 403,
            "social_worker_other": 403,
            "network_manager_other": 404,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
    (
        "submitted",
        "patch",
        "/api/referrals/{pk}/",
        {"need": "Casa e lavoro."},
        None,
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 409,
            "social_worker_other": 404,
            "network_manager": 403,
            "network_manager_other": 404,
            "coordinator": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "approved",
        "get",
        "/api/referrals/{pk}/",
        None,
        "coordinator",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 200,
            "network_manager": 200,
            "social_worker_other": 404,
            "network_manager_other": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "approved",
        "post",
        "/api/referrals/{pk}/review/",
        {"decision": "accept"},
        "coordinator",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 403,
            "social_worker_other": 403,
            "network_manager": 403,
            "network_manager_other": 403,
            "coordinator_other": 404,
        },
    ),
    (
        "approved",
        "post",
        "/api/referrals/{pk}/triage/",
        {"decision": "approve"},
        None,
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 403,
            "social_worker_other": 403,
            "network_manager": 409,
            "network_manager_other": 404,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
    (
        "declined",
        "post",
        "/api/referrals/{pk}/redirect/",
        {"service": "service_a2", "reason": "Altro sportello."},
        "network_manager",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 403,
            "social_worker_other": 403,
            "network_manager_other": 404,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
    (
        "accepted",
        "get",
        "/api/referrals/tasks/{task}/",
        None,
        "volunteer",
        {**NO_TASK_ROLE, "volunteer2": 200, "coordinator": 200, "volunteer_other": 404, "coordinator_other": 404},
    ),
    (
        "accepted",
        "post",
        "/api/referrals/tasks/{task}/claim/",
        {},
        "volunteer",
        {**NO_TASK_ROLE, "volunteer2": ALSO, "coordinator": ALSO, "volunteer_other": 404, "coordinator_other": 404},
    ),
    (
        "in_progress",
        "get",
        "/api/referrals/tasks/{task}/",
        None,
        "volunteer",
        {**NO_TASK_ROLE, "volunteer2": 404, "coordinator": 200, "volunteer_other": 404, "coordinator_other": 404},
    ),
    (
        "in_progress",
        "post",
        "/api/referrals/tasks/{task}/outcome/",
        {"outcome": "help_received", "note": "Fatto."},
        "volunteer",
        {**NO_TASK_ROLE, "volunteer2": 403, "coordinator": 403, "volunteer_other": 404, "coordinator_other": 404},
    ),
    (
        "in_progress",
        "post",
        "/api/referrals/tasks/{task}/claim/",
        {},
        None,
        {
            **NO_TASK_ROLE,
            "volunteer": 200,
            "volunteer2": 409,
            "coordinator": 409,
            "volunteer_other": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "in_progress",
        "get",
        "/api/referrals/{pk}/history/",
        None,
        "coordinator",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": 200,
            "network_manager": 200,
            "social_worker_other": 404,
            "network_manager_other": 404,
            "coordinator_other": 404,
        },
    ),
    (
        "in_progress",
        "post",
        "/api/referrals/{pk}/cancel/",
        {"reason": "Non serve più."},
        "network_manager",
        {
            **NO_REFERRAL_ROLE,
            "social_worker": ALSO,
            "social_worker_other": 404,
            "network_manager_other": 404,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
    (
        "outcome_recorded",
        "post",
        "/api/referrals/{pk}/close/",
        {"result": "completed"},
        "social_worker",
        {
            **NO_REFERRAL_ROLE,
            "social_worker_other": 404,
            "network_manager": 403,
            "network_manager_other": 403,
            "coordinator": 403,
            "coordinator_other": 403,
        },
    ),
]


def snapshot(pk):
    referral = ReferralProcess.objects.get(pk=pk)
    return referral.state, referral.organization_id, AuditEvent.objects.filter(referral=referral).count()


@pytest.mark.parametrize("step, method, url, body, actor, others", CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_only_the_legitimate_actor_may(world, api, walk, step, method, url, body, actor, others):
    walk_to = "approved" if step == "declined" else step
    pk = walk(walk_to)
    if step == "declined":
        assert (
            api("coordinator")
            .post(f"/api/referrals/{pk}/review/", {"decision": "decline", "reason": "Pieno."}, format="json")
            .status_code
            == 200
        )
    if body and body.get("service") == "service_a2":
        body = {**body, "service": world.service_a2.pk}
    task = volunteer_task_id(pk) if "{task}" in url else None
    url = url.format(pk=pk, task=task)
    before = snapshot(pk)
    for role in ROLES:
        if role == actor or others.get(role, ALSO) is ALSO:
            continue
        response = (
            getattr(api(role), method)(url, body, format="json")
            if body is not None
            else getattr(api(role), method)(url)
        )
        assert response.status_code == others[role], (role, response.status_code, response.content[:200])
        if response.status_code >= 400:
            assert "need" not in response.json() and "beneficiary" not in response.json()
        if method != "get":
            assert snapshot(pk) == before, role
    if actor is not None:
        response = (
            getattr(api(actor), method)(url, body, format="json")
            if body is not None
            else getattr(api(actor), method)(url)
        )
        assert response.status_code == 200, response.json()


def test_every_role_appears_in_every_case():
    for step, _method, url, _body, actor, others in CASES:
        covered = set(others) | {actor}
        missing = set(ROLES) - covered - ({"volunteer2"} if "tasks" not in url else set())
        assert not missing, (step, url, missing)


@pytest.mark.parametrize(
    "role, sees",
    [
        ("social_worker", True),
        ("network_manager", True),
        ("coordinator", True),
        ("social_worker_other", False),
        ("network_manager_other", False),
        ("coordinator_other", False),
    ],
)
def test_lists_show_only_what_is_in_scope(api, walk, role, sees):
    pk = walk("in_progress")
    listed = [row["id"] for row in api(role).get("/api/referrals/").json()["results"]]
    assert (pk in listed) is sees
    inbox = api(role).get("/api/referrals/tasks/").json()["results"]
    assert all(item.get("referral", {}).get("id") != pk for item in inbox) or sees


@pytest.mark.parametrize("role", ["volunteer", "editor", "administrator", "evaluator", "outsider"])
def test_people_without_a_referral_role_get_no_list(api, role):
    assert api(role).get("/api/referrals/").status_code == 403


def test_anonymous_gets_401(api):
    for url in ("/api/referrals/", "/api/referrals/tasks/", "/api/referrals/queue/", "/api/referrals/reports/"):
        assert api(None).get(url).status_code == 401


def test_organisation_does_not_see_the_referral_before_triage(api, walk):
    pk = walk("submitted")
    assert pk not in [row["id"] for row in api("coordinator").get("/api/referrals/").json()["results"]]
    assert api("coordinator").get(f"/api/referrals/{pk}/").status_code == 404


def test_a_coordinator_may_also_take_a_task(api, walk):
    pk = walk("accepted")
    assert api("coordinator").post(f"/api/referrals/tasks/{volunteer_task_id(pk)}/claim/").status_code == 200
