"""The Wagtail API v2 pages endpoint at /api/v2/pages/ with ?lang=, fallback information and caching."""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.http import http_date

import pytest

from cms.models import GuidelineIndexPage, GuidelinePage
from cms.site_setup import bootstrap_site

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"


@pytest.fixture
def guideline():
    bootstrap_site()
    index = GuidelineIndexPage.objects.get()
    with translation.override("it"):
        page = GuidelinePage(
            title="Casa",
            title_it="Casa",
            title_en="Housing",
            slug="casa",
            slug_it="casa",
            slug_en="housing",
            intro="<p>Come trovare casa.</p>",
            intro_it="<p>Come trovare casa.</p>",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    return page


def test_lang_chooses_the_language_of_titles_and_content_language(client, guideline):
    response = client.get(PAGES, {"lang": "en", "type": "cms.GuidelinePage"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    [item] = response.json()["items"]
    assert item["title"] == "Housing"
    assert item["meta"]["slug"] == "housing"
    assert response.json()["meta"]["total_count"] == 1

    italian = client.get(PAGES, {"type": "cms.GuidelinePage"}).json()["items"][0]
    assert italian["title"] == "Casa"


def test_accept_language_works_too(client, guideline):
    response = client.get(f"{PAGES}{guideline.pk}/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "en"
    assert response.json()["title"] == "Housing"


def test_the_detail_names_the_fields_that_fell_back(client, guideline):
    body = client.get(f"{PAGES}{guideline.pk}/", {"lang": "en"}).json()
    assert body["title"] == "Housing"
    assert body["intro"] == "<p>Come trovare casa.</p>"
    assert body["meta"]["fallback_fields"] == ["intro"]
    assert body["meta"]["detail_url"].endswith(f"/api/v2/pages/{guideline.pk}/")

    french = client.get(f"{PAGES}{guideline.pk}/", {"lang": "fr"}).json()
    assert french["title"] == "Casa"
    assert set(french["meta"]["fallback_fields"]) == {"title", "slug", "intro"}


def test_an_unknown_lang_is_a_400_with_a_message(client, guideline):
    response = client.get(PAGES, {"lang": "klingon"})
    assert response.status_code == 400
    assert "“klingon”" in response.json()["message"]
    assert "zh-hans" in response.json()["message"]


def test_other_unknown_parameters_are_still_refused(client, guideline):
    response = client.get(PAGES, {"colour": "blue"})
    assert response.status_code == 400
    assert "colour" in response.json()["message"]


@pytest.mark.parametrize("offset", ["1000000001", "99999999999999999999"])
def test_an_offset_past_any_listing_is_a_400(client, guideline, offset):
    response = client.get(PAGES, {"offset": offset}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json() == {"message": "offset cannot be higher than 1000000000."}
    assert client.get(PAGES, {"offset": "1000000000"}).json()["items"] == []


@pytest.mark.parametrize("page_id", ["abc", "-1", "1.5", "²", ""])
def test_find_with_an_id_that_is_not_a_page_id_is_a_400(client, guideline, page_id):
    response = client.get(f"{PAGES}find/", {"id": page_id}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json() == {"message": "id must be a page id: a positive whole number."}


def test_find_with_an_id_no_page_has_is_a_404(client, guideline):
    assert client.get(f"{PAGES}find/", {"id": "99999999999999999999"}).status_code == 404
    assert client.get(f"{PAGES}find/", {"id": "999999"}).status_code == 404


def test_a_page_list_revalidated_by_date_after_a_page_is_unpublished_is_sent_again(client, guideline, settle):
    settle()
    first = client.get(PAGES, {"type": "cms.GuidelinePage"})
    assert first.json()["items"]
    seen_at = http_date(timezone.now().timestamp())
    guideline.unpublish()
    for since in (first["Last-Modified"], seen_at):
        again = client.get(PAGES, {"type": "cms.GuidelinePage"}, headers={"If-Modified-Since": since})
        assert again.status_code == 200
        assert again.json()["items"] == []


@pytest.mark.parametrize("url", ["list", "detail"])
def test_pages_revalidated_by_date_after_a_page_is_published_are_sent_again(client, guideline, settle, url):
    url = PAGES if url == "list" else f"{PAGES}{guideline.pk}/"
    settle()
    first = client.get(url, {"lang": "en"})
    assert client.get(url, {"lang": "en"}, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    with translation.override("it"):
        guideline.title_en = "Housing and home"
        guideline.save_revision().publish()
    again = client.get(url, {"lang": "en"}, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 200
    assert "Housing and home" in again.content.decode()


def test_a_draft_of_a_page_changes_nothing_the_api_shows(client, guideline, settle):
    settle()
    first = client.get(f"{PAGES}{guideline.pk}/", {"lang": "en"})
    guideline.title_en = "Housing (draft)"
    guideline.save_revision()
    again = client.get(f"{PAGES}{guideline.pk}/", {"lang": "en"}, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304


def test_find_redirects_to_this_endpoint_keeping_lang(client, guideline):
    response = client.get(f"{PAGES}find/", {"id": guideline.pk, "lang": "en"})
    assert response.status_code == 302
    assert f"{PAGES}{guideline.pk}/?" in response["Location"]
    assert "lang=en" in response["Location"]


def test_pages_are_cacheable_and_answer_304(client, guideline, settle):
    url = f"{PAGES}{guideline.pk}/"
    changed_at = settle()
    response = client.get(url, {"lang": "en"})
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert response["Last-Modified"] == http_date(changed_at.timestamp())
    assert client.get(url, {"lang": "en"}, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert client.get(url, {"lang": "it"}, headers={"If-None-Match": response["ETag"]}).status_code == 200
    assert client.get(url, {"lang": "en"}, headers={"If-Modified-Since": response["Last-Modified"]}).status_code == 304
    earlier = http_date((changed_at - timedelta(seconds=1)).timestamp())
    assert client.get(url, {"lang": "en"}, headers={"If-Modified-Since": earlier}).status_code == 200


def test_unpublished_pages_are_not_shown(client, guideline):
    guideline.unpublish()
    assert client.get(f"{PAGES}{guideline.pk}/").status_code == 404
    assert client.get(PAGES, {"type": "cms.GuidelinePage"}).json()["items"] == []
