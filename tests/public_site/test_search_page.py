"""The public search page against the real test engine: results, facets as filters, position and
distance, pages, "did you mean", the empty state, bad parameters (400) and an engine outage (503)."""

import re

import pytest

from tests.factories import OrganizationFactory, ServiceFactory, comune
from tests.search.pages import make_guideline

from .conftest import count_queries, html, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(indexed):
    housing = ServiceFactory(
        name_it="Sportello casa",
        name_ar="مكتب السكن",
        description_it="Aiuto per cercare casa in affitto.",
        description_ar="مساعدة في البحث عن منزل للإيجار.",
        themes=["housing"],
        languages=["ar"],
        comuni=["Lecco"],
    )
    course = ServiceFactory(
        name_it="Corso di italiano",
        description_it="Lezioni serali di lingua italiana, anche per chi cerca casa.",
        themes=["italian-courses"],
        comuni=["Monza"],
        organization=OrganizationFactory(name="Associazione Mondo", municipality=comune("Monza")),
    )
    hidden = ServiceFactory(name_it="Casa in bozza", description_it="Casa.", themes=["housing"], live=False)
    guideline = make_guideline(title_it="Accoglienza e casa", themes=["housing"])
    indexed()
    return {"housing": housing, "course": course, "hidden": hidden, "guideline": guideline}


def results(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<h3 class="result__title"[^>]*>(.*?)</h3>', html(response), re.S)
    ]


def test_a_search_lists_public_results_linking_to_their_pages(client, directory):
    response = client.get("/en/search/", {"q": "casa"})
    assert response.status_code == 200
    titles = results(response)
    assert set(titles) == {"Sportello casa", "Corso di italiano", "Accoglienza e casa"}
    page = html(response)
    assert f'href="/en/services/{directory["housing"].uuid}/"' in page
    assert f'href="{directory["guideline"].get_url()}"' in page
    assert "3 results for “casa”" in text_of(response)
    assert "<mark>casa</mark>" in page.lower()


def test_facets_are_filters_with_counts(client, directory):
    page = html(client.get("/en/search/", {"q": "casa"}))
    assert re.search(
        r'name="theme" value="housing">\s*<label[^>]*><span>Housing</span> '
        r'<span class="check__count">2</span>',
        page,
    )
    filtered = client.get("/en/search/", {"q": "casa", "theme": "housing"})
    assert set(results(filtered)) == {"Sportello casa", "Accoglienza e casa"}
    filtered_page = html(filtered)
    assert 'value="housing" checked' in filtered_page
    # the chosen filter can be removed with one link, keeping the text
    assert re.search(r'<a class="chip" href="/en/search/\?q=casa">', filtered_page)


def test_the_arabic_search_answers_in_arabic_and_marks_italian_results(client, directory):
    response = client.get("/ar/search/", {"q": "casa"})
    page = html(response)
    assert '<html lang="ar" dir="rtl">' in page
    assert "مكتب السكن" in results(response)
    # the course has no Arabic text: its title is marked as Italian, left to right
    assert re.search(
        r'<h3 class="result__title" lang="it" dir="ltr"><a href="/ar/services/[0-9a-f-]{36}/">Corso di', page
    )
    assert client.get("/ar/search/", {"q": "السكن"}).status_code == 200
    assert "مكتب السكن" in results(client.get("/ar/search/", {"q": "السكن"}))


def test_an_arabic_title_over_an_italian_snippet_marks_the_snippet_as_italian(client, directory, indexed):
    ServiceFactory(name_it="Sportello lavoro", name_ar="مكتب العمل", description_it="Orientamento al lavoro.")
    indexed()
    page = html(client.get("/ar/search/", {"q": "مكتب العمل"}))
    assert re.search(r'<h3 class="result__title"><a [^>]*>[^<]*<mark>مكتب</mark>', page)
    assert re.search(r'<p class="result__snippet" lang="it" dir="ltr">Orientamento', page)


def test_a_shared_position_gives_distances_and_can_be_dropped(client, directory):
    lecco = comune("Lecco")
    response = client.get(
        "/en/search/", {"q": "casa", "lat": lecco.latitude, "lon": lecco.longitude, "sort": "distance"}
    )
    text, page = text_of(response), html(response)
    assert results(response)[0] == "Sportello casa"
    assert "0,0 km from you" in text or "0.0 km from you" in text
    assert "Stop using my position" in text
    assert re.search(r'<a href="/en/search/\?q=casa">Stop using my position', page)
    without = html(client.get("/en/search/", {"q": "casa"}))
    assert "data-geolocate hidden" in without  # the button appears only when JavaScript can read a position


def test_pages_of_results(client, indexed):
    for number in range(23):
        ServiceFactory(name_it=f"Orientamento al lavoro {number:02d}", themes=["employment-training"])
    indexed()
    first = client.get("/en/search/", {"theme": "employment-training"})
    page = html(first)
    assert len(results(first)) == 10
    current = '<span class="visually-hidden">Page </span>1</a>'
    assert f'href="/en/search/?theme=employment-training" aria-current="page">{current}' in page
    assert 'href="/en/search/?theme=employment-training&amp;page=3"' in page
    assert 'rel="next"' in page and 'rel="prev"' not in page
    last = client.get("/en/search/", {"theme": "employment-training", "page": 3})
    assert len(results(last)) == 3 and 'rel="prev"' in html(last)
    assert 'start="21"' in html(last)
    beyond = client.get("/en/search/", {"theme": "employment-training", "page": 9})
    assert beyond.status_code == 200 and "past the last one" in text_of(beyond)


def test_nothing_found_offers_a_correction_and_the_themes(client, directory):
    response = client.get("/en/search/", {"q": "zzqxw"})
    text, page = text_of(response), html(response)
    assert "Nothing matches your search." in text
    assert 'href="/en/search/?theme=housing"' in page and "Italian language courses" in text


def test_did_you_mean(client, directory):
    response = client.get("/en/search/", {"q": "afitto zzqxw"})
    # no record has both words: the results are for "afitto" (as "affitto"), and the page says so
    assert "No result has all your words together: results for some of your words." in text_of(response)
    assert '>Did you mean <a href="/en/search/?q=affitto+zzqxw"><strong>affitto zzqxw</strong></a>?' in html(response)


def test_bad_parameters_are_explained_with_status_400(client, directory):
    response = client.get("/en/search/", {"q": "casa", "theme": "unknown-theme", "lat": "abc"})
    assert response.status_code == 400
    page, text = html(response), text_of(response)
    assert 'class="error-summary" role="alert"' in page
    assert "Unknown value “unknown-theme”" in text
    assert "Malformed coordinates" in text
    assert 'value="casa"' in page  # the text typed is kept


def test_an_engine_outage_gives_a_friendly_page_with_status_503(client, directory, clean_search_index):
    clean_search_index.stop()
    response = client.get("/en/search/", {"q": "casa"})
    assert response.status_code == 503
    assert response["Retry-After"]
    text = text_of(response)
    assert "Search is unavailable for a moment" in text
    assert 'href="/en/ambiti/lecco/"' in html(response)  # browsing by ambito still works
    assert client.get("/en/ambiti/lecco/").status_code == 200


def test_the_search_page_runs_a_constant_number_of_queries(client, indexed):
    guidelines = [make_guideline(title_it=f"Casa e lavoro {n}") for n in range(3)]
    ServiceFactory(name_it="Casa uno")
    indexed()
    few, _ = count_queries(client, "/en/search/?q=casa")
    for number in range(6):
        ServiceFactory(name_it=f"Casa {number}", themes=["housing", "mediation"], comuni=["Lecco", "Monza"])
    indexed()
    many, response = count_queries(client, "/en/search/?q=casa")
    assert few == many
    assert len(results(response)) == 10 and guidelines
