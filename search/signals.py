"""Which documents a change touches: content signals in, ``request_update`` out.

cms knows nothing of search; search subscribes to its signals here. Each receiver works out the
documents a change affects (a theme's services, an organisation's services, a comune's services...)
and records them in the outbox (search/indexing.py) inside the change's transaction. Documents
are rebuilt from the database after commit, so a receiver never needs to know what changed,
only what might have.
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from cms.bookkeeping import only_bookkeeping
from cms.models import (
    Ambito,
    GuidelinePage,
    Location,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)

from .documents import COMUNE, GUIDELINE, SERVICE, THEME
from .indexing import request_update
from .labels import forget_labels

# --- Who is affected -----------------------------------------------------------------------


def services_of_organizations(organization_ids) -> list[int]:
    return list(Service.objects.filter(organization_id__in=organization_ids).values_list("pk", flat=True))


def services_at_locations(location_ids) -> list[int]:
    return list(ServiceAtLocation.objects.filter(location_id__in=location_ids).values_list("service_id", flat=True))


def services_in_comuni(municipality_ids) -> list[int]:
    """Services with a location in these comuni, or whose organisation covers them or their ambito."""
    return list(
        Service.objects.filter(
            Q(service_at_locations__location__municipality_id__in=municipality_ids)
            | Q(organization__municipalities__in=municipality_ids)
            | Q(organization__ambiti__municipalities__in=municipality_ids)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def guidelines_under(page) -> list[int]:
    return list(GuidelinePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


# --- Services and their parts --------------------------------------------------------------


@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Service)
def service_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and not only_bookkeeping(update_fields):
        request_update(SERVICE, [instance.pk])


@receiver(published, sender=Service)
@receiver(unpublished, sender=Service)
def service_published(sender, instance, **kwargs):
    request_update(SERVICE, [instance.pk])


def _foreign_key_to(through, model):
    return next(f for f in through._meta.fields if f.is_relation and issubclass(model, f.related_model))


def linked_ids(through, instance, action, pk_set, forward_model) -> list[int]:
    """Primary keys of the ``forward_model`` records touched by an m2m change, in either direction."""
    if isinstance(instance, forward_model):
        return [instance.pk]
    if action == "pre_clear":  # the other side is being cleared: every record still linked to it
        forward, other = _foreign_key_to(through, forward_model), _foreign_key_to(through, type(instance))
        return list(through.objects.filter(**{other.attname: instance.pk}).values_list(forward.attname, flat=True))
    return list(pk_set or [])


M2M_ACTIONS = ("post_add", "post_remove", "pre_clear")


def services_m2m_changed(sender, instance, action, pk_set, **kwargs):
    if action in M2M_ACTIONS:
        request_update(SERVICE, linked_ids(sender, instance, action, pk_set, Service))


def guideline_themes_changed(sender, instance, action, pk_set, **kwargs):
    if action in M2M_ACTIONS:
        request_update(GUIDELINE, linked_ids(sender, instance, action, pk_set, GuidelinePage))


def organization_coverage_changed(sender, instance, action, pk_set, **kwargs):
    if action in M2M_ACTIONS:
        request_update(SERVICE, services_of_organizations(linked_ids(sender, instance, action, pk_set, Organization)))


for _field, _receiver in (
    (Service.themes, services_m2m_changed),
    (Service.target_groups, services_m2m_changed),
    (Service.languages_spoken, services_m2m_changed),
    (GuidelinePage.themes, guideline_themes_changed),
    (Organization.ambiti, organization_coverage_changed),
    (Organization.municipalities, organization_coverage_changed),
):
    m2m_changed.connect(_receiver, sender=_field.through, dispatch_uid=f"search:{_field.through._meta.label}")


@receiver(post_save, sender=ServiceAtLocation)
@receiver(post_delete, sender=ServiceAtLocation)
def placement_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        request_update(SERVICE, [instance.service_id])


@receiver(post_save, sender=Location)
@receiver(unpublished, sender=Location)
def location_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and not only_bookkeeping(update_fields):
        request_update(SERVICE, services_at_locations([instance.pk]))


@receiver(post_save, sender=Organization)
@receiver(unpublished, sender=Organization)
def organization_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    """Its services, and those of other organisations at its locations (which are public only
    while the organisation is)."""
    if not raw and not only_bookkeeping(update_fields):
        location_ids = Location.objects.filter(organization_id=instance.pk).values_list("pk", flat=True)
        request_update(SERVICE, services_of_organizations([instance.pk]) + services_at_locations(location_ids))


# --- Taxonomy and geography ----------------------------------------------------------------


def _slug_changed(instance) -> bool:
    if instance._state.adding or instance.pk is None:
        return False
    previous = type(instance).objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    return previous is not None and previous != instance.slug


@receiver(pre_save, sender=Ambito)
def remember_slug_change(sender, instance, raw=False, **kwargs):
    """Documents hold an ambito's slug, not its name: only a new slug changes them."""
    if not raw:
        instance._search_slug_changed = _slug_changed(instance)


@receiver(post_save, sender=Theme)
def theme_saved(sender, instance, raw=False, **kwargs):
    """A theme's code and names (the "topics" of a document) are in every document that has it."""
    forget_labels()
    if not raw:
        request_update(THEME, [instance.pk])
        request_update(SERVICE, instance.services.values_list("pk", flat=True))
        request_update(GUIDELINE, instance.guidelines.values_list("pk", flat=True))


@receiver(pre_delete, sender=Theme)
def theme_deleted(sender, instance, **kwargs):
    forget_labels()
    request_update(THEME, [instance.pk])
    request_update(SERVICE, instance.services.values_list("pk", flat=True))
    request_update(GUIDELINE, instance.guidelines.values_list("pk", flat=True))


@receiver(post_save, sender=TargetGroup)
def target_group_saved(sender, instance, raw=False, **kwargs):
    forget_labels()
    if not raw:
        request_update(SERVICE, instance.services.values_list("pk", flat=True))
        # Guidelines name target groups inside their body: rebuild them all (there are few).
        request_update(GUIDELINE, GuidelinePage.objects.values_list("pk", flat=True))


@receiver(pre_delete, sender=TargetGroup)
def target_group_deleted(sender, instance, **kwargs):
    forget_labels()
    request_update(SERVICE, instance.services.values_list("pk", flat=True))
    request_update(GUIDELINE, GuidelinePage.objects.values_list("pk", flat=True))


@receiver(post_save, sender=SpokenLanguage)
def spoken_language_saved(sender, **kwargs):
    forget_labels()  # documents hold the code, which is the primary key: only labels change


@receiver(pre_delete, sender=SpokenLanguage)
def spoken_language_deleted(sender, instance, **kwargs):
    forget_labels()
    request_update(SERVICE, instance.services.values_list("pk", flat=True))


@receiver(post_save, sender=Municipality)
def comune_saved(sender, instance, raw=False, **kwargs):
    """A comune's name, place or ambito is part of the documents of the services there."""
    forget_labels()
    if not raw:
        request_update(COMUNE, [instance.pk])
        request_update(SERVICE, services_in_comuni([instance.pk]))


@receiver(post_delete, sender=Municipality)
def comune_deleted(sender, instance, **kwargs):
    forget_labels()
    request_update(COMUNE, [instance.pk])


@receiver(post_save, sender=Ambito)
def ambito_saved(sender, instance, raw=False, **kwargs):
    forget_labels()
    if not raw and getattr(instance, "_search_slug_changed", False):
        comuni = list(instance.municipalities.values_list("pk", flat=True))
        request_update(COMUNE, comuni)
        request_update(SERVICE, services_in_comuni(comuni) + services_of_organizations(instance.organizations.all()))


# --- Guideline pages -----------------------------------------------------------------------


@receiver(post_save, sender=GuidelinePage)
@receiver(post_delete, sender=GuidelinePage)
def guideline_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and not only_bookkeeping(update_fields):
        request_update(GUIDELINE, [instance.pk])


@receiver(page_published)
@receiver(page_unpublished)
def page_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, GuidelinePage):
        request_update(GUIDELINE, [instance.pk])


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    """A move can put guidelines under a private section (or out of one)."""
    request_update(GUIDELINE, guidelines_under(instance))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            request_update(GUIDELINE, guidelines_under(page))
