from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    """The public website: directory pages, guideline pages' templates and the search page.

    It reads through ``cms`` (records) and ``search`` (the query); nothing imports it but the URL map.
    """

    name = "public_site"
    verbose_name = "Public site"
