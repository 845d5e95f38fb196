"""Item 5 of the security review: nobody grants themselves a membership, and a role that sees personal data
is granted by a superuser only, recorded and announced by e-mail."""

from django.core import mail
from django.urls import reverse

import pytest

from cms.models import Membership, Role
from tests.factories import UserFactory, ambito

from .conftest import client_for, make_editor

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_cms_membership:add"


@pytest.fixture
def administrator(db):
    user = make_editor("adm_role", group="Editors", membership=False)
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def superuser(db):
    return make_editor("root", membership=False, is_superuser=True, email="root@example.org")


@pytest.mark.parametrize("role", [Role.NETWORK_MANAGER, Role.EDITOR, Role.ADMINISTRATOR])
def test_an_administrator_cannot_give_themselves_a_membership(administrator, role):
    response = client_for(administrator).post(
        reverse(ADD), {"user": administrator.pk, "role": role, "ambito": ambito("Monza").pk}
    )
    assert response.status_code == 200
    assert "Nobody may give themselves a membership" in response.content.decode()
    assert list(Membership.objects.filter(user=administrator).values_list("role", flat=True)) == [Role.ADMINISTRATOR]


def test_an_administrator_cannot_move_a_membership_onto_themselves(administrator):
    other = Membership.objects.create(user=UserFactory(username="someone"), role=Role.EDITOR)
    url = reverse("wagtailsnippets_cms_membership:edit", args=[other.pk])
    response = client_for(administrator).post(url, {"user": administrator.pk, "role": Role.EDITOR})
    assert response.status_code == 200
    assert Membership.objects.get(pk=other.pk).user.username == "someone"


@pytest.mark.parametrize("role", [Role.NETWORK_MANAGER, Role.SOCIAL_WORKER])
def test_an_administrator_cannot_grant_a_role_that_sees_personal_data(administrator, role):
    person = UserFactory(username="colleague")
    response = client_for(administrator).post(
        reverse(ADD), {"user": person.pk, "role": role, "ambito": ambito("Monza").pk}
    )
    assert response.status_code == 200
    assert "only a superuser may grant" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_an_administrator_still_grants_editor_memberships(administrator):
    person = UserFactory(username="colleague")
    response = client_for(administrator).post(
        reverse(ADD), {"user": person.pk, "role": Role.EDITOR, "ambito": ambito("Monza").pk}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person).role == Role.EDITOR
    assert not mail.outbox


def test_a_superuser_grants_it_and_it_is_recorded_and_announced(superuser, django_capture_on_commit_callbacks):
    person = UserFactory(username="new-manager", email="nm@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(superuser).post(
            reverse(ADD), {"user": person.pk, "role": Role.NETWORK_MANAGER, "ambito": ambito("Monza").pk}
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert membership.role == Role.NETWORK_MANAGER
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"root@example.org", "nm@example.org"}
    assert "root" in mail.outbox[0].body and "new-manager" in mail.outbox[0].body
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.get(object_id=str(membership.pk), content_type__model="membership")
    assert entry.action == "wagtail.create" and entry.user == superuser
