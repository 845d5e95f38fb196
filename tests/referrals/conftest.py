"""One user per role, in two ambiti and two organisations, and helpers to walk a referral."""

import datetime
from types import SimpleNamespace

from django.contrib.auth.models import Group

import pytest
from rest_framework.test import APIClient

from cms.models import Role
from referrals.apps import EVALUATION_GROUP
from tests.factories import MembershipFactory, OrganizationFactory, ServiceFactory, UserFactory, ambito, comune


def member(username, role, **scope):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def world(db):
    """Lecco (ours) and Monza (another ambito); organisation A (ours) and B (another organisation)."""
    lecco, monza = ambito("Lecco"), ambito("Monza")
    org_a = OrganizationFactory(name="Casa Aperta", slug="casa-aperta", municipality=comune("Lecco"))
    org_a.ambiti.set([lecco])
    org_b = OrganizationFactory(name="Mani Tese Brianza", slug="mani-tese", municipality=comune("Monza"))
    org_b.ambiti.set([monza])
    service_a = ServiceFactory(
        organization=org_a, name_it="Accoglienza abitativa", themes=["housing"], comuni=["Lecco"]
    )
    service_a2 = ServiceFactory(
        organization=org_a, name_it="Sportello lavoro", themes=["employment-training"], comuni=["Lecco"]
    )
    service_b = ServiceFactory(organization=org_b, name_it="Casa solidale", themes=["housing"], comuni=["Monza"])
    # modelcluster keeps ParentalManyToManyField changes in memory until save(), and the shared
    # factories set themes and ambiti without saving.
    for record in (org_a, org_b, service_a, service_a2, service_b):
        record.save()
    users = SimpleNamespace(
        social_worker=member("sw", Role.SOCIAL_WORKER, municipality=comune("Lecco")),
        social_worker_other=member("sw-monza", Role.SOCIAL_WORKER, municipality=comune("Monza")),
        network_manager=member("nm", Role.NETWORK_MANAGER, ambito=lecco),
        network_manager_other=member("nm-monza", Role.NETWORK_MANAGER, ambito=monza),
        coordinator=member("coord", Role.COORDINATOR, organization=org_a),
        coordinator_other=member("coord-b", Role.COORDINATOR, organization=org_b),
        volunteer=member("vol", Role.VOLUNTEER, organization=org_a),
        volunteer2=member("vol2", Role.VOLUNTEER, organization=org_a),
        volunteer_other=member("vol-b", Role.VOLUNTEER, organization=org_b),
        editor=member("editor", Role.EDITOR),
        administrator=member("admin-role", Role.ADMINISTRATOR),
        evaluator=UserFactory(username="iprs"),
        outsider=UserFactory(username="nobody"),
    )
    users.evaluator.groups.add(Group.objects.get(name=EVALUATION_GROUP))
    return SimpleNamespace(
        lecco=lecco,
        monza=monza,
        org_a=org_a,
        org_b=org_b,
        service_a=service_a,
        service_a2=service_a2,
        service_b=service_b,
        users=users,
    )


def client_for(user):
    # The API answers in the language the client asks for (Italian by default); these tests read English.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api(world):
    """``api("social_worker")`` → an API client logged in as that user of the world."""
    return lambda role: client_for(getattr(world.users, role) if role else None)


START_PAYLOAD = {
    "beneficiary": {
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "phone": "+39 333 1234567",
        "email": "olena@example.org",
    },
    "theme": "housing",
    "need": "Cerca una sistemazione temporanea per sé e due figli.",
    "case_notes": "Nota riservata: situazione familiare difficile.",
    "urgency": "high",
    "preferred_language": "uk",
    "municipality": "097042",
    "availability": "martedì mattina",
}


def consent_payload():
    return {"given_on": datetime.date.today().isoformat(), "method": "signed_form", "document_reference": "PG 1/2025"}


def start_payload(world, **overrides):
    payload = {**START_PAYLOAD, "service": world.service_a.pk, "consent": consent_payload(), "submit": True}
    payload.update(overrides)
    return payload


def volunteer_task_id(referral_id):
    from viewflow.workflow.models import Task

    from referrals.flows import ReferralFlow

    return Task.objects.filter(process_id=referral_id, flow_task=ReferralFlow.volunteer_task).latest("pk").pk


STEPS = ("draft", "submitted", "approved", "accepted", "in_progress", "outcome_recorded", "closed")


@pytest.fixture
def walk(world, api):
    """``walk("accepted")`` → the id of a new referral (of the Lecco social worker, to organisation A) in that state,
    driven through the JSON API by one user per role."""

    def go(until: str, **overrides) -> int:
        response = api("social_worker").post(
            "/api/referrals/", start_payload(world, submit=until != "draft", **overrides), format="json"
        )
        assert response.status_code == 201, response.json()
        pk = response.json()["id"]
        calls = [
            ("approved", "network_manager", f"/api/referrals/{pk}/triage/", {"decision": "approve"}),
            ("accepted", "coordinator", f"/api/referrals/{pk}/review/", {"decision": "accept"}),
            ("in_progress", "volunteer", "task:claim", {}),
            ("outcome_recorded", "volunteer", "task:outcome", {"outcome": "help_received", "note": "Trovata casa."}),
            ("closed", "social_worker", f"/api/referrals/{pk}/close/", {"result": "completed"}),
        ]
        for state, role, url, body in calls:
            if STEPS.index(state) > STEPS.index(until):
                break
            if url.startswith("task:"):
                url = f"/api/referrals/tasks/{volunteer_task_id(pk)}/{url[5:]}/"
            response = api(role).post(url, body, format="json")
            assert response.status_code == 200, (url, response.json())
        return pk

    return go
