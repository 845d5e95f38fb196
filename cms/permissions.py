"""Who may edit which directory record: ambito-scoped editing, denied by default.

Two things must both allow an action on an organisation, a location or a service:

1. a Wagtail group permission for the action (``Editors``: add, change, delete, lock;
   ``Moderators``: also publish and unlock), given in Settings › Groups;
2. an editor :class:`~cms.models.Membership`, which gives the *scope*: an editor membership
   with an ambito covers the comuni of that ambito; one without an ambito covers the whole
   network. Without an editor membership a person edits no directory record, whatever their
   groups say. Active superusers may do everything.

A record lies in the comuni that decide who may edit it:

* organisation: the comune of its registered seat (``municipality``);
* location: its comune;
* service: the comuni of all its locations, or the organisation's seat when it has none.

A record is in an editor's scope when all of its comuni belong to the editor's ambiti.
Deleting an organisation deletes its locations too, so it also needs every location of the
organisation in scope (unpublishing it does not: its locations stay as they are).

:class:`DirectoryPermissionPolicy` is registered with Wagtail for the three models, so every
admin view, bulk action and Wagtail action that asks the policy gets the scoped answer; the
snippet views in :mod:`cms.editing.views` add the per-record checks that Wagtail's generic
views only make at model level.

People (memberships) and the taxonomy are managed by administrators only
(:class:`AdministratorPermissionPolicy`): superusers and holders of an administrator membership.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from wagtail.permission_policies import BasePermissionPolicy, ModelPermissionPolicy

from .models import (
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

SCOPE_CACHE_ATTRIBUTE = "_aftercare_editor_scope"
ADMINISTRATOR_CACHE_ATTRIBUTE = "_aftercare_is_administrator"


@dataclass(frozen=True)
class EditorScope:
    """The part of the network a person may edit: everything, some ambiti, or nothing."""

    everything: bool = False
    ambito_ids: frozenset[int] = frozenset()

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.ambito_ids

    def covers(self, ambito_ids: set[int]) -> bool:
        """Whether a record lying in ``ambito_ids`` is inside this scope (a record nowhere is not)."""
        if self.everything:
            return True
        return bool(ambito_ids) and set(ambito_ids) <= self.ambito_ids


NOTHING = EditorScope()
EVERYTHING = EditorScope(everything=True)


def _is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def editor_scope(user) -> EditorScope:
    """The directory scope of ``user`` (cached on the user object for the request)."""
    if not _is_active_user(user):
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cached = getattr(user, SCOPE_CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    ambiti = list(Membership.objects.filter(user=user, role=Role.EDITOR).values_list("ambito_id", flat=True))
    if not ambiti:
        scope = NOTHING
    elif None in ambiti:
        scope = EVERYTHING
    else:
        scope = EditorScope(ambito_ids=frozenset(ambiti))
    setattr(user, SCOPE_CACHE_ATTRIBUTE, scope)
    return scope


def is_administrator(user) -> bool:
    """Superusers and holders of an administrator membership manage people and the taxonomy."""
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, ADMINISTRATOR_CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()
        setattr(user, ADMINISTRATOR_CACHE_ATTRIBUTE, cached)
    return cached


def forget_cached_permissions(user) -> None:
    """Drop the cached scope after memberships change (the next check reads them again)."""
    for attribute in (SCOPE_CACHE_ATTRIBUTE, ADMINISTRATOR_CACHE_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


# --- Where records lie --------------------------------------------------------------------


def _ambito_of_municipality(municipality_id) -> set[int]:
    if not municipality_id:
        return set()
    return set(Municipality.objects.filter(pk=municipality_id).values_list("ambito_id", flat=True))


def record_ambito_ids(instance) -> set[int]:
    """The ambiti a directory record lies in, read from the instance as given.

    Works on unsaved instances and on revisions (``revision.as_object()``): a service's
    locations are read through its in-memory ``service_at_locations`` cluster relation.
    """
    if isinstance(instance, (Organization, Location)):
        return _ambito_of_municipality(instance.municipality_id)
    if isinstance(instance, Service):
        location_ids = {link.location_id for link in instance.service_at_locations.all() if link.location_id}
        if location_ids:
            return set(Location.objects.filter(pk__in=location_ids).values_list("municipality__ambito_id", flat=True))
        if instance.organization_id:
            return set(
                Organization.objects.filter(pk=instance.organization_id).values_list(
                    "municipality__ambito_id", flat=True
                )
            )
        return set()
    raise TypeError(f"{type(instance).__name__} is not a directory record")


def dependent_ambito_ids(instance) -> set[int]:
    """The ambiti of the records deleted together with ``instance``: an organisation's locations.

    Deleting an organisation deletes its locations (``on_delete=CASCADE``) and with them the
    places where services are offered; those locations may have been added by the editors of
    another ambito (a consortium working in several ambiti).
    """
    if isinstance(instance, Organization) and instance.pk:
        return set(Location.objects.filter(organization=instance).values_list("municipality__ambito_id", flat=True))
    return set()


def user_may_edit_record(user, instance) -> bool:
    """Whether ``instance`` lies inside the editor scope of ``user`` (groups not considered)."""
    return editor_scope(user).covers(record_ambito_ids(instance))


def scope_filter(model, scope: EditorScope) -> Q:
    """A filter selecting the records of ``model`` inside ``scope``."""
    if scope.everything:
        return Q()
    if scope.nothing:
        return Q(pk__in=[])
    ambiti = scope.ambito_ids
    if model in (Organization, Location):
        return Q(municipality__ambito_id__in=ambiti)
    if model is Service:
        links = ServiceAtLocation.objects.filter(service=OuterRef("pk"))
        outside = links.exclude(location__municipality__ambito_id__in=ambiti)
        return ~Q(Exists(outside)) & (Q(Exists(links)) | Q(organization__municipality__ambito_id__in=ambiti))
    raise TypeError(f"{model.__name__} is not a directory record")


def workflow_states_in_scope(user, prefix: str = "") -> Q:
    """A filter on Wagtail's ``WorkflowState`` (``prefix="workflow_state__"``: on ``TaskState``)
    leaving out the directory records outside the editor scope of ``user``; pages and other
    content are left to Wagtail's own rules."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast

    scope = editor_scope(user)
    if scope.everything:
        return Q()
    directory_types = ContentType.objects.get_for_models(Organization, Location, Service)
    allowed = ~Q(**{f"{prefix}base_content_type__in": list(directory_types.values())})
    for model, content_type in directory_types.items():
        ids = (
            model._default_manager.filter(scope_filter(model, scope))
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        allowed |= Q(**{f"{prefix}base_content_type": content_type, f"{prefix}object_id__in": ids})
    return allowed


def records_in_scope(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records ``user`` may edit."""
    return queryset.filter(scope_filter(queryset.model, editor_scope(user)))


def linkable_organizations(queryset: QuerySet, user) -> QuerySet:
    """Organisations an editor may attach a location or a service to.

    Those they may edit, and those that declare they work in the editor's ambiti (the consortia
    and the associations covering several ambiti), so that a service of a consortium can be
    mapped in each ambito by that ambito's editors.
    """
    scope = editor_scope(user)
    if scope.everything or scope.nothing:
        return queryset.filter(scope_filter(queryset.model, scope))
    ambiti = scope.ambito_ids
    return queryset.filter(
        Q(municipality__ambito_id__in=ambiti) | Q(ambiti__in=ambiti) | Q(municipalities__ambito_id__in=ambiti)
    ).distinct()


# --- Wagtail permission policies -------------------------------------------------------------


class DirectoryPermissionPolicy(ModelPermissionPolicy):
    """Group permissions for the action, and an editor membership whose scope covers the record."""

    def user_has_permission(self, user, action):
        if not _is_active_user(user):
            return False
        if user.is_superuser:
            return True
        return not editor_scope(user).nothing and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        editors = Membership.objects.filter(user=OuterRef("pk"), role=Role.EDITOR)
        return super().users_with_any_permission(actions).filter(Q(is_superuser=True) | Q(Exists(editors)))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        """The record must be in scope; deleting it also needs the records deleted with it in scope."""
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed or not user_may_edit_record(user, instance):
            return False
        if any(action != "delete" for action in allowed):
            return True
        return editor_scope(user).covers(record_ambito_ids(instance) | dependent_ambito_ids(instance))

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        records = records_in_scope(self.model._default_manager.all(), user)
        scope = editor_scope(user)
        only_delete = all(action == "delete" for action in actions)
        if only_delete and self.model is Organization and not scope.everything:
            outside = Location.objects.filter(organization=OuterRef("pk")).exclude(
                municipality__ambito_id__in=scope.ambito_ids
            )
            records = records.exclude(Exists(outside))
        return records

    def users_with_any_permission_for_instance(self, actions, instance):
        ambiti = record_ambito_ids(instance)
        if all(action == "delete" for action in actions):
            ambiti |= dependent_ambito_ids(instance)
        covering = Membership.objects.filter(user=OuterRef("pk"), role=Role.EDITOR).filter(
            Q(ambito__isnull=True) | Q(ambito_id__in=ambiti)
        )
        users = super().users_with_any_permission(actions).filter(Q(is_superuser=True) | Q(Exists(covering)))
        if len(ambiti) > 1:
            # A record spanning several ambiti needs one membership covering them all: network-wide.
            network = Membership.objects.filter(user=OuterRef("pk"), role=Role.EDITOR, ambito__isnull=True)
            users = users.filter(Q(is_superuser=True) | Q(Exists(network)))
        return users


class AdministratorPermissionPolicy(BasePermissionPolicy):
    """Every action for administrators (superusers and administrator memberships), nothing for others."""

    def user_has_permission(self, user, action):
        return is_administrator(user)

    def users_with_any_permission(self, actions):
        administrators = Membership.objects.filter(user=OuterRef("pk"), role=Role.ADMINISTRATOR)
        return get_user_model().objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(Exists(administrators)))


def register_permission_policies() -> None:
    """Called once from ``CmsConfig.ready()``: before any admin view asks for a fallback policy."""
    from wagtail.permissions import policy_registry, register_permission_policy

    for model in (Organization, Location, Service):
        if policy_registry.get_by_type(model, fallback=False) is None:
            register_permission_policy(model, DirectoryPermissionPolicy(model))
    for model in (Membership, Theme, TargetGroup, SpokenLanguage):
        if policy_registry.get_by_type(model, fallback=False) is None:
            register_permission_policy(model, AdministratorPermissionPolicy(model))
