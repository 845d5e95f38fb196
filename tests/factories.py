"""factory_boy factories for the directory and people, shared by every test package.

Directory records are created live (published) unless ``live=False`` is passed. Geography is
real (loaded by migrations): factories pick existing comuni and ambiti rather than inventing them.
"""

from django.contrib.auth import get_user_model

import factory

from cms.models import (
    Ambito,
    Location,
    Membership,
    Municipality,
    Organization,
    Role,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)


def comune(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


def ambito(name: str) -> Ambito:
    return Ambito.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-for-tests-only")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.SOCIAL_WORKER


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Associazione di prova {n}")
    slug = factory.Sequence(lambda n: f"associazione-di-prova-{n}")
    kind = Organization.Kind.VOLUNTEER_ASSOCIATION
    description_it = "Un'associazione di volontariato della rete."
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(name="Lecco"))
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example.org")
    live = True


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Sportello {n}")
    address = "Piazza Garibaldi 1"
    municipality = factory.LazyAttribute(lambda loc: loc.organization.municipality)
    cap = factory.LazyAttribute(lambda loc: loc.municipality.cap)
    latitude = factory.LazyAttribute(lambda loc: loc.municipality.latitude)
    longitude = factory.LazyAttribute(lambda loc: loc.municipality.longitude)
    opening_hours_it = "Lunedì e giovedì 9:00–12:00"
    live = True


class ServiceFactory(factory.django.DjangoModelFactory):
    """A live, active service; ``themes=["housing"]``, ``target_groups=[...]``, ``languages=["ar"]``
    and ``locations=[...]`` (or ``comuni=["Lecco"]`` to create one location per comune) are codes or objects."""

    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name_it = factory.Sequence(lambda n: f"Servizio di prova {n}")
    description_it = "Un servizio della rete After Care."
    cost = Service.Cost.FREE
    status = Service.Status.ACTIVE
    live = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Themes, target groups and languages are ParentalManyToManyFields: modelcluster writes
        # them to the database only when the service is saved again.
        if create:
            instance.save()

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        codes = extracted if extracted is not None else ["housing"]
        self.themes.set([t if isinstance(t, Theme) else Theme.objects.get(code=t) for t in codes])
        self.themes.commit()  # a ParentalManyToManyField keeps set() in memory until committed

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if extracted:
            self.target_groups.set(
                [t if isinstance(t, TargetGroup) else TargetGroup.objects.get(code=t) for t in extracted]
            )
            self.target_groups.commit()

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if extracted:
            self.languages_spoken.set(SpokenLanguage.objects.filter(code__in=extracted))
            self.languages_spoken.commit()

    @factory.post_generation
    def comuni(self, create, extracted, **kwargs):
        for name in extracted or []:
            location = LocationFactory(organization=self.organization, municipality=comune(name))
            ServiceAtLocation.objects.create(service=self, location=location)

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        for location in extracted or []:
            ServiceAtLocation.objects.create(service=self, location=location)
