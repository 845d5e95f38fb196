from django.core.management.base import BaseCommand

from cms.demo.synthetic import generate_services


class Command(BaseCommand):
    help = "Create N synthetic services (default 10,000) in every language, marked as sample data, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, count, seed, **options):
        counts = generate_services(count, seed=seed)
        self.stdout.write(
            f"Created {counts.services} services, {counts.locations} locations, {counts.organizations} organisations."
        )
