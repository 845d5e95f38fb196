"""The public search page, mounted under each language prefix (``/<lang>/search/``) by the
project's URL map, before Wagtail's page catch-all."""

from django.urls import path

from . import search_views as views

app_name = "public_search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
