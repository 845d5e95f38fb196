"""Shapes of the search API's responses, for the OpenAPI description (responses are built as dicts).

Every name starts with "Search": OpenAPI component names are global to the whole API.
"""

from rest_framework import serializers

from .parameters import FACETS


class SearchFacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Code or slug to pass back as a filter.")
    label = serializers.CharField(help_text="Name in the requested language.")
    count = serializers.IntegerField(help_text="Results with this value, ignoring this facet's own selection.")
    selected = serializers.BooleanField()


class SearchFacetsSerializer(serializers.Serializer):
    def get_fields(self):
        return {facet.param: SearchFacetValueSerializer(many=True) for facet in FACETS}


class SearchOrganizationSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The organisation's UUID, as in the directory API and HSDS.")
    name = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.URLField(help_text="The organisation in the directory API.")


class SearchHitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["service", "guideline"])
    id = serializers.CharField(help_text="The identifier in the record's API: a service's UUID, a page's id.")
    title = serializers.CharField(help_text="Plain text.")
    title_highlighted = serializers.CharField(help_text="HTML: the escaped title, with <mark> around matches.")
    snippet = serializers.CharField(help_text="HTML: an escaped passage of the text, with <mark> around matches.")
    language = serializers.CharField(help_text="Language of the title: Italian when there is no translation.")
    snippet_language = serializers.CharField(
        help_text="Language of the snippet: Italian when the text is not translated, even if the title is."
    )
    organization = SearchOrganizationSerializer(allow_null=True)
    comuni = serializers.ListField(child=serializers.CharField(), help_text="Comuni of the service's offices.")
    distance_km = serializers.FloatField(allow_null=True, help_text="To the nearest office, when lat/lon are given.")
    url = serializers.URLField(allow_null=True, help_text="The record in the directory API or the pages API.")
    themes = serializers.ListField(child=serializers.CharField())
    is_sample = serializers.BooleanField(help_text="An invented record of the demo content.")
    assured_date = serializers.DateField(
        allow_null=True, help_text="Services: the day the record was last checked as correct (HSDS assured_date)."
    )


class SearchSuggestedThemeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    url = serializers.URLField(help_text="A search filtered by this theme.")


class SearchHelplineSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The office's organisation.")
    name = serializers.CharField()
    ambiti = serializers.ListField(child=serializers.CharField(), help_text="The ambiti the office serves.")
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text="The organisation in the directory API.")


class SearchResponseSerializer(serializers.Serializer):
    q = serializers.CharField()
    lang = serializers.CharField()
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = SearchFacetsSerializer()
    matched = serializers.ChoiceField(
        choices=["all", "some"],
        help_text="“all”: every result has all the words of q; “some”: not all the words were found together, "
        "so results with all the words but one follow those with all of them (shown as “Results for some of "
        "your words”).",
    )
    all_words_total = serializers.IntegerField(
        allow_null=True, help_text="How many results have all the words of q (null for a one-word query)."
    )
    did_you_mean = serializers.CharField(
        allow_null=True, help_text="A corrected query, when nothing or not all the words were found."
    )
    helplines = SearchHelplineSerializer(
        many=True, help_text="When nothing was found: the offices of the ambiti, to ask in person."
    )
    suggested_themes = SearchSuggestedThemeSerializer(many=True, help_text="When nothing was found: every theme.")


class SearchSuggestionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["theme", "comune", "service"])
    text = serializers.CharField()
    value = serializers.CharField(help_text="Theme code, comune slug or service UUID.")
    url = serializers.URLField(help_text="A search filtered by the theme or comune, or the service's record.")


class SuggestResponseSerializer(serializers.Serializer):
    q = serializers.CharField()
    lang = serializers.CharField()
    suggestions = SearchSuggestionSerializer(many=True)


class SearchErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SearchUnavailableSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField()
