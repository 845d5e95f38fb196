"""The public search API against the real test engine: languages, folding, typos, filters, facets, places, paging."""

import pytest

from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

from .corpus import make_corpus
from .helpers import facet_counts, result_ids, result_titles
from .pages import make_guideline


@pytest.fixture
def corpus(search_index):
    corpus = make_corpus()
    search_index()
    return corpus


@pytest.mark.parametrize(
    ("lang", "q", "title"),
    [
        ("it", "famiglia", "Sportello casa per le famiglie"),  # famiglia finds famiglie
        ("en", "house", "Housing desk for families"),  # house finds housing (and "a house")
        ("en", "houses", "Housing desk for families"),
        ("fr", "logement", "Guichet logement pour les familles"),  # logement finds logements
        ("fr", "familles", "Guichet logement pour les familles"),
        ("es", "viviendas", "Ventanilla de vivienda para familias"),  # viviendas finds vivienda
    ],
)
def test_each_language_finds_its_own_words_with_their_inflections(corpus, api, lang, q, title):
    response = api(q=q, lang=lang)
    assert result_titles(response)[0] == title
    assert response.json()["results"][0]["language"] == lang
    assert corpus.italian_course.pk not in result_ids(response)


def test_italian_inflections_find_every_form(corpus, api):
    # "famiglie" in a name, "famiglia" in a description, and the target group "Famiglie".
    assert set(result_ids(api(q="famiglie"))) == {corpus.housing.pk, corpus.mediation.pk, corpus.finance.pk}
    assert result_ids(api(q="famiglie", target="workers,women")) == []


def test_words_typed_without_accents_find_accented_words(corpus, api):
    assert result_ids(api(q="citta")) == [corpus.housing.pk]  # città
    assert result_ids(api(q="identita")) == [corpus.mediation.pk]  # d'identità
    assert result_ids(api(q="citta", lang="en")) == [corpus.housing.pk]  # the folded field holds every language


def test_typos_are_tolerated(corpus, api):
    assert corpus.housing.pk in result_ids(api(q="famigle"))
    assert result_ids(api(q="huosing", lang="en")) == [corpus.housing.pk]
    assert result_ids(api(q="mediazone")) == [corpus.mediation.pk]


def test_records_without_a_translation_are_found_and_shown_in_italian(corpus, api):
    response = api(q="mediazione", lang="en")
    hit = response.json()["results"][0]
    assert (result_ids(response), hit["title"], hit["language"]) == (
        [corpus.mediation.pk],
        "Mediazione linguistica",
        "it",
    )
    assert api(q="housing", lang="en").json()["results"][0]["language"] == "en"


def test_a_service_is_found_by_the_names_of_its_themes_and_target_groups(search_index, api):
    caritas = ServiceFactory(
        name_it="Centro di ascolto Caritas",
        description_it="Aperto il martedì.",
        themes=["housing"],
        target_groups=["women"],
    )
    named = ServiceFactory(name_it="Sportello casa", themes=["employment-training"])
    search_index()
    assert result_ids(api(q="casa")) == [named.pk, caritas.pk]  # its own name first
    assert result_ids(api(q="logement", lang="fr")) == [caritas.pk]
    assert result_ids(api(q="donne")) == [caritas.pk]


def test_the_name_counts_more_than_the_description(search_index, api):
    in_description = ServiceFactory(name_it="Sportello unico", description_it="Informazioni sul lavoro e sulla casa.")
    in_name = ServiceFactory(name_it="Cercare lavoro", description_it="Un aiuto concreto.")
    search_index()
    assert result_ids(api(q="lavoro")) == [in_name.pk, in_description.pk]


def test_a_phrase_ranks_above_scattered_words(search_index, api):
    scattered = ServiceFactory(name_it="Corso serale", description_it="Lezioni di lingua con un insegnante italiano.")
    phrase = ServiceFactory(name_it="Lingua italiana per adulti", description_it="Lezioni serali.")
    search_index()
    assert result_ids(api(q="lingua italiana")) == [phrase.pk, scattered.pk]


def test_query_syntax_characters_are_plain_text(corpus, api):
    for q in ['casa" AND ((', "famiglie) OR [", "casa~ * ? \\ / { }", "+casa -famiglie", "title:casa", "<script>"]:
        response = api(q=q)
        assert response.status_code == 200, (q, response.content)
    assert result_ids(api(q='casa" (( [')) == [corpus.housing.pk]


def test_filters_combine_with_and_across_facets_and_or_within_one(corpus, api):
    assert result_ids(api(theme="housing", comune="lecco")) == [corpus.housing.pk]
    assert result_ids(api(theme="housing", comune="monza")) == []
    both = api(theme=["housing", "italian-courses"])
    assert set(result_ids(both)) == {corpus.housing.pk, corpus.italian_course.pk}
    assert set(result_ids(api(theme="housing,italian-courses"))) == {corpus.housing.pk, corpus.italian_course.pk}
    assert set(result_ids(api(target="families", spoken="fr"))) == {corpus.housing.pk, corpus.finance.pk}
    assert result_ids(api(target="families", spoken="fr", kind="consortium")) == [corpus.finance.pk]
    assert result_ids(api(q="famiglie", ambito="merate")) == [corpus.mediation.pk]


def test_facet_counts_are_exact_and_each_ignores_its_own_selection(corpus, api):
    everything = api()
    assert everything.json()["total"] == 5
    assert facet_counts(everything, "target") == {"families": 3, "women": 1, "newly-arrived": 1, "workers": 1}
    assert facet_counts(everything, "ambito") == {"lecco": 3, "monza": 1, "merate": 1}

    response = api(target="families", ambito="lecco")
    assert set(result_ids(response)) == {corpus.housing.pk, corpus.finance.pk}
    # The target facet ignores the target selection but applies the ambito one...
    assert facet_counts(response, "target") == {"families": 2, "workers": 1}
    # ...and the ambito facet ignores the ambito selection but applies the target one.
    assert facet_counts(response, "ambito") == {"lecco": 2, "merate": 1}
    assert facet_counts(response, "theme") == {"housing": 1, "financial-education": 1}
    assert facet_counts(response, "spoken") == {"ar": 1, "fr": 2}
    selected = {v["value"] for v in response.json()["facets"]["target"] if v["selected"]}
    assert selected == {"families"}
    labels = {v["value"]: v["label"] for v in api(lang="fr").json()["facets"]["theme"]}
    assert labels["housing"] == "Logement"


def test_a_selected_value_with_no_results_still_appears_in_its_facet(corpus, api):
    response = api(theme="health-access")
    assert response.json()["total"] == 0
    assert {"value": "health-access", "label": "Accesso alla salute", "count": 0, "selected": True} in response.json()[
        "facets"
    ]["theme"]


def test_geo_radius_and_distance_sort(corpus, api):
    lecco = comune("Lecco")
    response = api(lat=str(lecco.latitude), lon=str(lecco.longitude), radius_km="10", sort="distance")
    hits = response.json()["results"]
    # Lecco (0 km), Valmadrera (about 3 km), Calolziocorte (about 7 km); Merate (17 km) and Monza (30 km) are out.
    assert result_ids(response) == [corpus.housing.pk, corpus.jobs.pk, corpus.finance.pk]
    distances = [hit["distance_km"] for hit in hits]
    assert distances == sorted(distances)
    assert distances[0] < 0.5
    assert 2 < distances[1] < 4.5
    assert 4 < distances[2] < 9
    wider = api(lat=str(lecco.latitude), lon=str(lecco.longitude), radius_km="20", sort="distance")
    assert result_ids(wider)[-1] == corpus.mediation.pk
    assert 15 < wider.json()["results"][-1]["distance_km"] < 20


def test_a_position_without_a_radius_filters_nothing_and_favours_what_is_near(search_index, api):
    far = ServiceFactory(name_it="Sportello casa di Monza", comuni=["Monza"])
    near = ServiceFactory(name_it="Sportello casa di Lecco", comuni=["Lecco"])
    search_index()
    lecco, monza = comune("Lecco"), comune("Monza")
    assert result_ids(api(q="sportello casa", lat=str(lecco.latitude), lon=str(lecco.longitude))) == [near.pk, far.pk]
    assert result_ids(api(q="sportello casa", lat=str(monza.latitude), lon=str(monza.longitude))) == [far.pk, near.pk]
    hit = api(q="sportello casa", lat=str(lecco.latitude), lon=str(lecco.longitude)).json()["results"][1]
    assert 25 < hit["distance_km"] < 40


def test_in_a_chosen_comune_services_with_an_office_there_come_before_those_that_cover_it(search_index, api):
    covering = OrganizationFactory(name="Consorzio provinciale")
    covering.municipalities.add(comune("Lecco"))
    covering.save()
    from_elsewhere = ServiceFactory(organization=covering, name_it="Sportello casa provinciale", comuni=["Merate"])
    local = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    search_index()
    response = api(q="sportello casa", comune="lecco")
    assert result_ids(response) == [local.pk, from_elsewhere.pk]
    assert response.json()["results"][1]["comuni"] == ["Merate"]


def test_hits_carry_what_a_result_list_needs(corpus, api, search_index, client):
    guideline = make_guideline(title_it="Accompagnare alla casa", themes=["housing"])
    search_index()
    response = api(q="casa", lang="it")
    hits = {hit["type"]: hit for hit in response.json()["results"]}
    service = hits["service"]
    assert service["id"] == str(corpus.housing.uuid)
    assert service["title"] == "Sportello casa per le famiglie"
    assert service["title_highlighted"] == "Sportello <mark>casa</mark> per le famiglie"
    assert "<mark>casa</mark>" in service["snippet"]
    assert service["organization"] == {
        "id": str(corpus.housing.organization.uuid),
        "name": "Associazione Porte Aperte",
        "kind": "volunteer_association",
        "url": f"http://testserver/api/directory/organizations/{corpus.housing.organization.uuid}/",
    }
    organization = client.get(service["organization"]["url"].removeprefix("http://testserver"))
    assert organization.status_code == 200
    assert organization.json()["name"] == "Associazione Porte Aperte"
    assert service["comuni"] == ["Lecco"]
    assert service["distance_km"] is None
    assert service["url"] == f"http://testserver/api/directory/services/{corpus.housing.uuid}/"
    assert service["themes"] == ["housing"]
    page = hits["guideline"]
    assert (page["id"], page["url"]) == (str(guideline.pk), f"http://testserver/api/v2/pages/{guideline.pk}/")
    assert page["organization"] is None
    assert response["Content-Language"] == "it"
    assert "public" in response["Cache-Control"]
    assert result_ids(api(q="casa", type="guideline")) == [guideline.pk]


def test_text_is_escaped_and_only_marks_are_html(search_index, api):
    service = ServiceFactory(name_it="Casa <b>sicura</b> & serena", description_it="<script>alert(1)</script> casa")
    search_index()
    hit = api(q="casa").json()["results"][0]
    assert hit["id"] == str(service.uuid)
    assert hit["title"] == "Casa <b>sicura</b> & serena"
    assert hit["title_highlighted"].startswith("<mark>Casa</mark> &lt;b&gt;sicura&lt;")
    assert "<script>" not in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet"]


def test_paging_never_errors_past_the_end(corpus, api):
    first = api(page_size="2")
    second = api(page_size="2", page="2")
    last = api(page_size="2", page="3")
    seen = result_ids(first) + result_ids(second) + result_ids(last)
    assert sorted(seen) == sorted(s.pk for s in corpus.all)
    assert first.json()["pages"] == 3
    assert first.json()["next"].endswith("page_size=2&page=2")
    assert last.json()["next"] is None
    for page in ("4", "999", "1000000000", "9" * 5000):
        response = api(page_size="2", page=page)
        assert response.status_code == 200
        assert response.json()["results"] == []
        assert response.json()["total"] == 5


def test_nothing_found_offers_a_correction_and_the_themes(corpus, api):
    body = api(q="cesi").json()
    assert body["total"] == 0
    assert body["did_you_mean"] == "casa"
    themes = body["suggested_themes"]
    assert [theme["code"] for theme in themes][:3] == ["housing", "financial-education", "rights-documents"]
    assert themes[0]["url"] == "http://testserver/api/search/?theme=housing&lang=it"
    found = api(q="casa").json()
    assert found["did_you_mean"] is None
    assert found["suggested_themes"] == []


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"lang": "xx"}, "lang", "Unknown language"),
        ({"lat": "45,85", "lon": "9.39"}, "lat", "Malformed coordinates"),
        ({"lat": "north", "lon": "9.39"}, "lat", "Malformed coordinates"),
        ({"lat": "45.85"}, "lat", "both lat and lon"),
        ({"lat": "95", "lon": "9.39"}, "lat", "out of range"),
        ({"lat": "45.85", "lon": "9.39", "radius_km": "500"}, "radius_km", "between 0.1 and 100 km"),
        ({"lat": "45.85", "lon": "9.39", "radius_km": "0"}, "radius_km", "between 0.1 and 100 km"),
        ({"lat": "45.85", "lon": "9.39", "radius_km": "nan"}, "radius_km", "number of kilometres"),
        ({"radius_km": "5"}, "radius_km", "needs a position"),
        ({"q": "casa " * 41}, "q", "at most 200 characters"),
        ({"sort": "distance"}, "sort", "needs a position"),
        ({"sort": "price"}, "sort", "relevance"),
        ({"page": "0"}, "page", "whole number"),
        ({"page": "two"}, "page", "whole number"),
        ({"page": "²"}, "page", "whole number"),
        ({"page_size": "³"}, "page_size", "whole number"),
        ({"page_size": "500"}, "page_size", "at most 50"),
        ({"theme": "gardening"}, "theme", "Unknown value"),
        ({"comune": "milano"}, "comune", "Unknown value"),
    ],
)
def test_bad_input_is_answered_with_400_and_a_message(db, client, params, parameter, words):
    # The messages are translated (locale/): ask for English, the language of the words checked here.
    response = client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert words in " ".join(body["errors"][parameter])
    assert words in body["detail"]


def test_the_language_comes_from_accept_language_when_not_given(corpus, client):
    response = client.get("/api/search/", {"q": "logement"}, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.json()["lang"] == "fr"
    assert result_ids(response) == [corpus.housing.pk]
    assert client.get("/api/search/", {"q": "casa"}, HTTP_ACCEPT_LANGUAGE="de").json()["lang"] == "it"


def test_the_language_cookie_does_not_change_a_cacheable_answer(corpus, client):
    """Answers are cached by CDNs and vary by Accept-Language only: the site's language cookie is ignored."""
    client.cookies["django_language"] = "en"
    response = client.get("/api/search/", {"q": "casa"}, HTTP_ACCEPT_LANGUAGE="it")
    assert response.json()["lang"] == "it"
    assert "Accept-Language" in response["Vary"]


def test_a_snippet_in_italian_is_said_to_be_in_italian_even_when_the_title_is_translated(db, search_index, api):
    ServiceFactory(name_it="Sportello casa", name_ar="مكتب السكن", description_it="Aiuto per trovare casa in affitto.")
    search_index()
    hit = api(q="مكتب", lang="ar").json()["results"][0]
    assert (hit["title"], hit["language"]) == ("مكتب السكن", "ar")
    assert hit["snippet_language"] == "it" and "Aiuto per trovare casa" in hit["snippet"]


def test_search_runs_a_constant_number_of_sql_queries(corpus, api, django_assert_max_num_queries):
    api(q="casa")  # the facet labels are cached after the first search
    with django_assert_max_num_queries(0):
        one = api(q="casa")
    with django_assert_max_num_queries(0):
        many = api(page_size="50")
    assert len(result_ids(one)) == 1
    assert len(result_ids(many)) == 5


def test_suggestions_offer_themes_comuni_and_service_names(corpus, api):
    body = api("/api/search/suggest/", q="cas", lang="it").json()
    by_type = {}
    for item in body["suggestions"]:
        by_type.setdefault(item["type"], []).append(item)
    assert by_type["theme"][0] == {
        "type": "theme",
        "text": "Casa",
        "value": "housing",
        "url": "http://testserver/api/search/?theme=housing&lang=it",
    }
    comuni = {"Casargo", "Casatenovo", "Cassago Brianza", "Cassina Valsassina", "Castello di Brianza"}
    assert len(by_type["comune"]) == 3
    assert {item["text"] for item in by_type["comune"]} <= comuni
    assert by_type["comune"][0]["url"].startswith("http://testserver/api/search/?comune=cas")
    assert by_type["service"] == [
        {
            "type": "service",
            "text": "Sportello casa per le famiglie",
            "value": str(corpus.housing.uuid),
            "url": f"http://testserver/api/directory/services/{corpus.housing.uuid}/",
        }
    ]


def test_suggestions_in_other_languages_fold_accents_and_tolerate_typos(corpus, api):
    english = [item["text"] for item in api("/api/search/suggest/", q="hous", lang="en").json()["suggestions"]]
    assert english[0] == "Housing"
    assert "Housing desk for families" in english
    assert "Vimercate" in [item["text"] for item in api("/api/search/suggest/", q="vimerc").json()["suggestions"]]
    assert "Cantù" not in [i["text"] for i in api("/api/search/suggest/", q="cantu").json()["suggestions"]]
    folded = [item["text"] for item in api("/api/search/suggest/", q="mediazione linguis").json()["suggestions"]]
    assert "Mediazione linguistica" in folded
    typo = [item["text"] for item in api("/api/search/suggest/", q="mediazone").json()["suggestions"]]
    assert "Mediazione linguistica" in typo
    assert api("/api/search/suggest/", q="c").json()["suggestions"] == []
    assert api("/api/search/suggest/", q="cas", lang="xx").status_code == 400


def test_a_comune_with_an_accent_is_suggested_without_it(search_index, api):
    search_index()
    texts = [item["text"] for item in api("/api/search/suggest/", q="barzano").json()["suggestions"]]
    assert "Barzanò" in texts


def test_anonymous_users_may_search_and_the_openapi_description_says_so(corpus, client):
    assert client.get("/api/search/", {"q": "casa"}).status_code == 200
    assert client.get("/api/search/suggest/", {"q": "casa"}).status_code == 200
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path, operation_id in (("/api/search/", "search"), ("/api/search/suggest/", "search_suggest")):
        operation = schema["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        assert "Who may use it: anyone" in operation["description"]
        assert {"200", "400", "503"} <= set(operation["responses"])
    names = {p["name"] for p in schema["paths"]["/api/search/"]["get"]["parameters"]}
    expected = {"q", "lang", "ambito", "comune", "theme", "target", "spoken", "kind", "lat", "lon", "radius_km"}
    assert names >= expected | {"sort", "page", "page_size", "type"}


def test_an_unused_location_of_the_organisation_does_not_place_the_service(search_index, api):
    service = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    LocationFactory(organization=service.organization, municipality=comune("Monza"))
    search_index()
    assert result_ids(api(q="casa", comune="lecco")) == [service.pk]
    assert result_ids(api(q="casa", comune="monza")) == []


def json_schema(openapi: dict, component: str) -> dict:
    """An OpenAPI 3.0 component as a strict JSON Schema: nullable made explicit, no undocumented property."""

    def convert(node):
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: convert(value) for key, value in node.items()}
        if "$ref" in node:
            node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/$defs/")
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        if node.pop("nullable", False):
            node = {"anyOf": [node, {"type": "null"}]}
        return node

    definitions = convert(openapi["components"]["schemas"])
    return {"$ref": f"#/$defs/{component}", "$defs": definitions}


def test_responses_match_their_openapi_description_exactly(corpus, client):
    import jsonschema

    openapi = client.get("/api/schema/", {"format": "json"}).json()
    lecco = comune("Lecco")
    cases = [
        ("/api/search/", {"q": "casa", "lat": str(lecco.latitude), "lon": str(lecco.longitude)}, "SearchResponse"),
        ("/api/search/", {"q": "cesi"}, "SearchResponse"),
        ("/api/search/suggest/", {"q": "cas"}, "SuggestResponse"),
        ("/api/search/", {"lang": "xx"}, "SearchError"),
    ]
    for path, params, component in cases:
        body = client.get(path, params).json()
        jsonschema.validate(body, json_schema(openapi, component))
    with pytest.raises(jsonschema.ValidationError):  # the check is strict: an extra field fails it
        jsonschema.validate({**client.get("/api/search/").json(), "extra": 1}, json_schema(openapi, "SearchResponse"))
