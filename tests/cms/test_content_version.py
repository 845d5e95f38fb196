"""The date of the public content (cms/content_version.py), behind Last-Modified of the public APIs.

Every change of what the directory API, HSDS or the pages API show moves it on, in the transaction
of the change; bookkeeping (a draft, a lock) and rolled-back changes leave it as it was.
"""

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction, Site

import pytest

from cms.content_version import content_changed_at, record_content_change
from cms.demo.synthetic import generate_services
from cms.geography import move_municipality
from cms.models import (
    ContentVersion,
    GuidelineIndexPage,
    GuidelinePage,
    Municipality,
    SpokenLanguage,
    TargetGroup,
    Theme,
)
from cms.site_setup import bootstrap_site
from tests.factories import ServiceFactory, ambito, comune

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def world(db):
    bootstrap_site()
    service = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    placement = service.service_at_locations.get()
    with translation.override("it"):
        page = GuidelinePage(title="Casa", title_it="Casa", slug="casa", slug_it="casa", intro_it="<p>Casa.</p>")
        GuidelineIndexPage.objects.get().add_child(instance=page)
        page.save_revision().publish()
    return SimpleNamespace(service=service, placement=placement, location=placement.location, page=page)


def renamed(record, field="name_it"):
    setattr(record, field, f"{getattr(record, field)} (nuovo)")
    record.save()


def moved_page(world):
    index = GuidelineIndexPage.objects.get()
    other = index.add_sibling(instance=GuidelineIndexPage(title="Altre", title_it="Altre", slug="altre"))
    world.page.move(other, pos="last-child")


def new_logo(world):
    image = get_image_model().objects.create(title="Logo", file=get_test_image_file())
    organization = world.service.organization
    organization.logo = image
    organization.save()


CHANGES = {
    "a service edited": lambda w: renamed(w.service),
    "a service's new revision published": lambda w: w.service.save_revision().publish(),
    "a service unpublished": lambda w: w.service.unpublish(),
    "a service deleted": lambda w: w.service.delete(),
    "a location unpublished": lambda w: w.location.unpublish(),
    "a location deleted": lambda w: w.location.delete(),
    "an organisation edited": lambda w: renamed(w.service.organization, "name"),
    "a service taken from a location": lambda w: w.placement.delete(),
    "a theme given to a service": lambda w: Theme.objects.get(code="mediation").services.add(w.service),
    "a target group taken from services": lambda w: TargetGroup.objects.first().services.clear(),
    "an organisation covering an ambito": lambda w: ambito("Lecco").organizations.add(w.service.organization),
    "a theme renamed": lambda w: renamed(Theme.objects.get(code="housing")),
    "a target group renamed": lambda w: renamed(TargetGroup.objects.first()),
    "a spoken language renamed": lambda w: renamed(SpokenLanguage.objects.get(code="ar"), "native_name"),
    "a comune renamed": lambda w: renamed(comune("Lecco"), "name"),
    "an ambito renamed": lambda w: renamed(ambito("Lecco"), "name"),
    "a comune moved to another ambito": lambda w: move_municipality(
        municipality=comune("Lecco"), ambito=ambito("Merate")
    ),
    "a logo": new_logo,
    "a page published": lambda w: w.page.save_revision().publish(),
    "a page unpublished": lambda w: w.page.unpublish(),
    "a page moved": moved_page,
    "a page deleted": lambda w: w.page.delete(),
    "a guideline linked to a service": lambda w: w.service.guidelines.add(w.page),
    "a site's host name": lambda w: Site.objects.filter(is_default_site=True).get().save(),
    "a page restricted": lambda w: PageViewRestriction.objects.create(
        page=w.page, restriction_type=PageViewRestriction.PASSWORD, password="segreto"
    ),
    "synthetic services (bulk inserts)": lambda w: generate_services(3, seed=1),
    "the content_changed command": lambda w: call_command("content_changed", stdout=None),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_of_the_public_content_moves_the_date_on(world, settle, change):
    settled = settle()
    started = timezone.now().replace(microsecond=0)
    change(world)
    assert content_changed_at() > started >= settled


def test_bookkeeping_leaves_the_date_alone(world, settle):
    settled = settle()
    world.service.name_it = "Sportello casa (bozza)"
    world.service.save_revision()  # a draft: the live row, which the APIs show, is unchanged
    world.page.save_revision()
    world.service.locked = True
    world.service.save(update_fields=["locked"])
    assert content_changed_at() == settled


def test_a_change_rolled_back_takes_its_date_with_it(world, settle):
    settled = settle()
    with pytest.raises(RuntimeError), transaction.atomic():
        renamed(Theme.objects.get(code="housing"))
        assert content_changed_at() > settled
        raise RuntimeError
    assert content_changed_at() == settled


def test_the_first_change_goes_past_a_date_in_the_future_and_the_others_do_not_add_to_it(db):
    ahead = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    ContentVersion.objects.update(changed_at=ahead)
    with transaction.atomic():
        ServiceFactory.create_batch(3, comuni=["Lecco"])
        renamed(Theme.objects.get(code="housing"))
    assert content_changed_at() == ahead + timedelta(seconds=1)


def test_the_date_is_a_whole_second_after_the_clock(db):
    before = timezone.now()
    record_content_change()
    changed_at = content_changed_at()
    assert changed_at.microsecond == 0
    assert before < changed_at <= timezone.now() + timedelta(seconds=1)


def test_without_the_row_the_first_change_creates_it(db):
    ContentVersion.objects.all().delete()
    assert content_changed_at() is None
    renamed(Theme.objects.get(code="housing"))
    assert content_changed_at() > timezone.now() - timedelta(seconds=1)
    assert ContentVersion.objects.count() == 1


def test_moving_a_comune_back_where_it_is_changes_nothing(db, settle):
    settled = settle()
    lecco = Municipality.objects.select_related("ambito").get(name="Lecco")
    assert move_municipality(municipality=lecco, ambito=lecco.ambito) is None
    assert content_changed_at() == settled


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="parallel connections need PostgreSQL (set DATABASE_URL)")
def test_concurrent_changes_take_turns_and_the_date_never_goes_back():
    ahead = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    ContentVersion.objects.update(changed_at=ahead)
    first_recorded, release = threading.Event(), threading.Event()
    seen = {}

    def first():
        try:
            with transaction.atomic():
                record_content_change()
                seen["first"] = content_changed_at()
                first_recorded.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def second():
        try:
            first_recorded.wait(timeout=30)
            with transaction.atomic():
                record_content_change()  # waits for the first transaction, which holds the row
                seen["second"] = content_changed_at()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_recorded.wait(timeout=30)
    time.sleep(0.5)
    assert "second" not in seen  # still waiting
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert seen == {"first": ahead + timedelta(seconds=1), "second": ahead + timedelta(seconds=2)}
    assert content_changed_at() == ahead + timedelta(seconds=2)
