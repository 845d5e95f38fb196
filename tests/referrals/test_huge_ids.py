"""Ids too large for any database column are unknown ids (404), not an OverflowError (500) on SQLite."""

import pytest

HUGE = "104837881051637055488"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/referrals/{HUGE}/",
        f"/api/referrals/{HUGE}/history/",
        f"/api/referrals/tasks/{HUGE}/",
        f"/workflow/referrals/{HUGE}/",
        f"/workflow/tasks/{HUGE}/",
    ],
)
def test_a_huge_id_is_404_for_a_signed_in_user(api, world, path):
    client = api("network_manager")
    client.force_login(world.users.network_manager)  # the staff pages use the session
    client.raise_request_exception = False
    # The staff pages' unknown paths are redirected under the language prefix first, then 404.
    assert client.get(path, follow=True).status_code == 404


def test_the_largest_id_that_fits_is_still_an_ordinary_404(api):
    response = api("network_manager").get("/api/referrals/999999999999999999/")
    assert response.status_code == 404
    assert response.json()["detail"]
