"""Emergency activation: an open call to every matching organisation; the first coordinator to accept takes it."""

from django.core import mail

import pytest

from referrals.models import AuditEvent, EmergencyCallProcess
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db
CALL = {"need": "Accoglienza per 8 famiglie in arrivo dall'Ucraina.", "theme": "housing", "ambiti": ["lecco"]}


def open_call(api, **change):
    return api("network_manager").post("/api/referrals/emergency-calls/", {**CALL, **change}, format="json")


def test_the_call_reaches_every_matching_organisation(world, api, django_capture_on_commit_callbacks):
    other_theme = OrganizationFactory(name="Scuola di italiano")
    other_theme.ambiti.set([world.lecco])
    other_theme.save()
    ServiceFactory(organization=other_theme, themes=["italian-courses"]).save()
    world.org_b.ambiti.add(world.lecco)
    world.org_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = open_call(api)
    assert response.status_code == 201, response.json()
    call = EmergencyCallProcess.objects.get(pk=response.json()["id"])
    assert set(call.organizations.values_list("name", flat=True)) == {"Casa Aperta", "Mani Tese Brianza"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.users.coordinator.email, world.users.coordinator_other.email]
    )
    assert AuditEvent.objects.filter(emergency_call=call, action="call_opened", actor=world.users.network_manager)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ambiti": ["monza"]}, "ambiti"),
        ({"ambiti": []}, "ambiti"),
        ({"theme": "italian-courses"}, "theme"),
        ({"need": ""}, "need"),
        ({"theme": "nope"}, "theme"),
    ],
)
def test_bad_calls_are_refused(api, world, change, field):
    response = open_call(api, **change)
    assert response.status_code == 400 and field in response.json()
    assert not EmergencyCallProcess.objects.exists()


@pytest.mark.parametrize("role, code", [("coordinator", 403), ("social_worker", 403), ("volunteer", 403), (None, 401)])
def test_only_network_managers_open_calls(api, role, code):
    assert api(role).post("/api/referrals/emergency-calls/", CALL, format="json").status_code == code


def test_organisations_not_called_do_not_see_the_call(world, api):
    pk = open_call(api).json()["id"]
    assert api("coordinator_other").get("/api/referrals/emergency-calls/").json()["results"] == []
    assert api("coordinator_other").post(f"/api/referrals/emergency-calls/{pk}/accept/").status_code == 404
    assert api("network_manager_other").get("/api/referrals/emergency-calls/").json()["results"] == []
    assert api("volunteer").get("/api/referrals/emergency-calls/").status_code == 403


def test_cancelled_call_cannot_be_taken(world, api):
    pk = open_call(api).json()["id"]
    assert api("network_manager").post(f"/api/referrals/emergency-calls/{pk}/cancel/", {}).status_code == 400
    cancelled = api("network_manager").post(f"/api/referrals/emergency-calls/{pk}/cancel/", {"reason": "Risolto."})
    assert cancelled.json()["state"] == "cancelled"
    late = api("coordinator").post(f"/api/referrals/emergency-calls/{pk}/accept/")
    assert late.status_code == 409 and late.json()["detail"] == "This call was cancelled."
    assert (
        api("network_manager").post(f"/api/referrals/emergency-calls/{pk}/cancel/", {"reason": "x"}).status_code == 409
    )


def test_the_opener_and_the_others_hear_that_it_was_taken(world, api, django_capture_on_commit_callbacks):
    world.org_b.ambiti.add(world.lecco)
    world.org_b.save()
    pk = open_call(api).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        taken = api("coordinator_other").post(f"/api/referrals/emergency-calls/{pk}/accept/")
    assert taken.status_code == 200 and taken.json()["taken_by"]["name"] == "Mani Tese Brianza"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.users.coordinator.email, world.users.network_manager.email]
    )
