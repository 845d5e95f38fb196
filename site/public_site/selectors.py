"""What the public site may show, read in a constant number of queries per page.

Public means what ``cms/models/public.py`` says: ``Service.objects.available()`` (published, active,
of a published organisation) for lists and counts, the same rule as the public search, and
``Service.objects.listed()`` for pages. Drafts, unpublished and inactive records are never
shown, and their pages answer 404. A temporarily closed service keeps its page (with a notice: people
come back to it from saved links) and its place on its organisation's page, as in the directory API,
but is left out of searches and of the comune and ambito lists of what is available now.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from cms.models import Ambito, GuidelinePage, Location, Municipality, Organization, Service, ServiceAtLocation, Theme


def public_guidelines() -> QuerySet[GuidelinePage]:
    return GuidelinePage.objects.live().public()


def service_listing(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """What a list of services shows: the organisation and the themes (two queries per page)."""
    return queryset.select_related("organization").prefetch_related("themes")


def service_detail(uuid) -> Service:
    """A public service with everything its page shows; ``Service.DoesNotExist`` otherwise."""
    placements = (
        ServiceAtLocation.objects.at_public_locations()
        .select_related("location__municipality__ambito")
        .order_by("sort_order", "pk")
    )
    return (
        Service.objects.listed()
        .select_related("organization__municipality")
        .prefetch_related(
            "themes",
            "target_groups",
            "languages_spoken",
            Prefetch("service_at_locations", queryset=placements),
            Prefetch("guidelines", queryset=public_guidelines().order_by("title")),
        )
        .get(uuid=uuid)
    )


def organization_detail(uuid) -> Organization:
    """A published organisation with its public services, published locations and coverage."""
    return (
        Organization.objects.public()
        .select_related("municipality__ambito")
        .prefetch_related(
            "ambiti",
            "municipalities",
            Prefetch("services", queryset=service_listing(Service.objects.listed()).order_by("name", "pk")),
            Prefetch(
                "locations",
                queryset=Location.objects.public().select_related("municipality"),
            ),
        )
        .get(uuid=uuid)
    )


def services_in_comune(comune: Municipality) -> QuerySet[Service]:
    """Public services available in a comune: an office there, or an organisation covering the
    comune or its ambito. Services with an office in the comune come first (``has_office``)."""
    offices_here = ServiceAtLocation.objects.at_public_locations().filter(location__municipality=comune)
    covering = Organization.objects.filter(Q(municipalities=comune) | Q(ambiti=comune.ambito_id)).values("pk")
    return (
        Service.objects.available()
        .filter(Q(pk__in=offices_here.values("service_id")) | Q(organization__in=covering))
        .annotate(has_office=Exists(offices_here.filter(service=OuterRef("pk"))))
        .order_by("-has_office", "name", "pk")
    )


def services_in_ambito(ambito: Ambito) -> QuerySet[Service]:
    """Public services available in an ambito: an office in one of its comuni, or an organisation
    covering the ambito or some of its comuni."""
    offices_here = ServiceAtLocation.objects.at_public_locations().filter(location__municipality__ambito=ambito)
    covering = Organization.objects.filter(Q(ambiti=ambito) | Q(municipalities__ambito=ambito)).values("pk")
    return (
        Service.objects.available()
        .filter(Q(pk__in=offices_here.values("service_id")) | Q(organization__in=covering))
        .order_by("name", "pk")
    )


def themes_with_counts() -> QuerySet[Theme]:
    """Every theme with the number of public services (``service_count``), in one query."""
    public = Q(services__in=Service.objects.available().values("pk"))
    return Theme.objects.annotate(service_count=Count("services", filter=public, distinct=True))


def ambiti_with_counts() -> QuerySet[Ambito]:
    """Every ambito with its number of comuni (``comune_count``), in one query."""
    return Ambito.objects.annotate(comune_count=Count("municipalities"))
