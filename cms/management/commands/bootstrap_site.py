from django.core.management.base import BaseCommand

from cms.site_setup import bootstrap_site


class Command(BaseCommand):
    help = "Create the home page and the guidelines index of a new site (does nothing when they exist)."

    def add_arguments(self, parser):
        parser.add_argument("--hostname", default="localhost")
        parser.add_argument("--port", type=int, default=80)

    def handle(self, *args, hostname, port, **options):
        home = bootstrap_site(hostname=hostname, port=port)
        self.stdout.write(f"Home page: {home.title} (id {home.pk})")
