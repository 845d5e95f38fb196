"""The public search API, mounted at /api/search/ by the project's URL map."""

from django.urls import path

from . import api

app_name = "search"

urlpatterns = [
    path("", api.SearchView.as_view(), name="search"),
    path("suggest/", api.SuggestView.as_view(), name="suggest"),
]
