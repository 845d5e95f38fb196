"""Item 3 (and the token part of item 8) of the security review: API keys die with the password, the
account and the last membership, an administrator can revoke them, and they live a day, refreshable for a month."""

from datetime import timedelta

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from wagtail.users.models import UserProfile

import pytest
from rest_framework.test import APIClient

from cms.models import Membership
from referrals.models import ApiToken
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def app_for(username) -> APIClient:
    key = APIClient().post("/api/referrals/auth/token/", {"username": username, "password": "pw-for-tests-only"})
    assert key.status_code == 201, key.json()
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {key.json()['token']}")
    return app


def works(app) -> bool:
    status = app.get("/api/referrals/me/").status_code
    assert status in (200, 401)
    return status == 200


def test_changing_the_password_kills_the_old_token(world):
    app = app_for("vol")
    assert works(app)
    world.users.volunteer.set_password("a-new-long-passphrase")
    world.users.volunteer.save()
    assert not works(app)


def test_a_password_reset_through_the_form_kills_the_token(world):
    from django.contrib.auth.forms import SetPasswordForm

    app = app_for("vol")
    form = SetPasswordForm(
        world.users.volunteer, {"new_password1": "x9-reset-passphrase", "new_password2": "x9-reset-passphrase"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert not works(app)


def test_deactivating_the_account_kills_the_token(world):
    app = app_for("vol")
    world.users.volunteer.is_active = False
    world.users.volunteer.save()
    world.users.volunteer.is_active = True
    world.users.volunteer.save()  # even if it is switched back on
    assert not works(app)


def test_ending_the_last_membership_kills_the_token_but_not_ending_one_of_two(world):
    app = app_for("vol")
    extra = MembershipFactory(user=world.users.volunteer, role="volunteer", organization=world.org_b)
    extra.delete()
    assert works(app)
    Membership.objects.filter(user=world.users.volunteer).delete()
    assert not works(app)


def test_logging_in_again_does_not_kill_the_other_devices(world):
    phone = app_for("vol")
    app_for("vol")
    assert works(phone)


def test_an_administrator_revokes_every_token_of_a_person_from_the_admin(world):
    phone, tablet = app_for("vol"), app_for("vol")
    admin = Client()
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(root)
    profile.preferred_language = "en"  # the admin speaks the profile's language
    profile.save()
    admin.force_login(root)
    listing = admin.get("/admin/users/").content.decode()
    url = f"/admin/users/{world.users.volunteer.pk}/revoke-api-tokens/"
    assert url in listing
    assert "2 API keys" in admin.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert admin.post(url).status_code == 302
    assert not works(phone) and not works(tablet)


@pytest.mark.parametrize("role", ["editor", "administrator", "volunteer2"])
def test_others_may_not_revoke_tokens(world, role):
    phone = app_for("vol")
    client = Client()
    client.force_login(getattr(world.users, role))
    response = client.post(f"/admin/users/{world.users.volunteer.pk}/revoke-api-tokens/")
    assert response.status_code in (302, 403) and response.get("Location", "") != "/admin/users/"
    assert works(phone)


def test_a_token_lives_a_day_and_a_refresh_swaps_it_for_a_new_one(world):
    issued = APIClient().post("/api/referrals/auth/token/", {"username": "vol", "password": "pw-for-tests-only"})
    expires = timezone.datetime.fromisoformat(issued.json()["expires_at"])
    assert timedelta(hours=23) < expires - timezone.now() <= timedelta(hours=24)
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    refreshed = old.post("/api/referrals/auth/token/refresh/")
    assert refreshed.status_code == 201
    assert not works(old)
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Token {refreshed.json()['token']}")
    assert works(new)


def test_refreshing_stops_a_month_after_the_password_was_given(world):
    app = app_for("vol")
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=30, minutes=1))
    refused = app.post("/api/referrals/auth/token/refresh/")
    assert refused.status_code == 401
    assert "password" in refused.json()["detail"]


def test_a_refreshed_token_never_outlives_the_month(world):
    app = app_for("vol")
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=29, hours=20))
    refreshed = app.post("/api/referrals/auth/token/refresh/").json()
    expires = timezone.datetime.fromisoformat(refreshed["expires_at"])
    assert expires - timezone.now() <= timedelta(hours=4)
