"""Wagtail admin view sets of the directory, the taxonomy and the people (registered in wagtail_hooks.py)."""

from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

import django_filters
from django_filters import FilterSet

from ..language_forms import TranslatedSnippetForm
from ..models import (
    Ambito,
    Location,
    Membership,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)
from .forms import DirectoryRecordForm, LocationForm, OrganizationForm
from .panels import source_panels, translation_panels
from .views import SCOPED_VIEW_CLASSES, OrganizationChooserViewSet, ScopedChooserViewSet

SCOPE_HELP = _(
    "You see and edit the records of the comuni of your ambito; editors without an ambito see the "
    "whole network. Save a draft at any time: readers see the published version until a moderator "
    "publishes (or approves) the changes. Schedule publication in the status panel on the right."
)


def record_data_panel() -> MultiFieldPanel:
    return MultiFieldPanel(
        [FieldPanel("external_id"), FieldPanel("is_sample")],
        heading=_("Data exchange"),
        classname="collapsed",
        help_text=_(
            "The external id links this record to a row of the ambito's spreadsheet: importing the "
            "spreadsheet again updates this record instead of creating a new one."
        ),
    )


class DirectoryViewSet(SnippetViewSet):
    """Common set-up of the three directory models: scoped views, chooser and listing."""

    chooser_viewset_class = ScopedChooserViewSet
    copy_view_enabled = True
    list_per_page = 50
    list_export = ["external_id", "name", "uuid", "live", "updated_at"]

    def __init__(self, *args, **kwargs):
        for attribute, view_class in SCOPED_VIEW_CLASSES.items():
            setattr(self, attribute, view_class)
        super().__init__(*args, **kwargs)


class RecordFilterSet(FilterSet):
    """Filters every directory listing has: published or not, sample data or not."""

    live = django_filters.BooleanFilter(label=_("Published"))
    is_sample = django_filters.BooleanFilter(label=_("Sample data"))


# --- Organisations -----------------------------------------------------------------------


class OrganizationFilterSet(RecordFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organization.Kind.choices)
    ambito = django_filters.ModelChoiceFilter(
        label=_("Ambito of the seat"), field_name="municipality__ambito", queryset=Ambito.objects.all()
    )

    class Meta:
        model = Organization
        fields = ["kind", "ambito", "live", "is_sample"]


class OrganizationViewSet(DirectoryViewSet):
    model = Organization
    chooser_viewset_class = OrganizationChooserViewSet
    icon = "group"
    menu_label = _("Organisations")
    filterset_class = OrganizationFilterSet
    list_display = ["name", "kind", "municipality", "updated_at"]
    search_fields = ["name", "description", "email", "external_id", "municipality__name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return Organization.objects.select_related("municipality")

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    HelpPanel(content=SCOPE_HELP),
                    MultiFieldPanel(
                        [
                            FieldPanel("name"),
                            FieldPanel("slug", help_text=_("Left empty, it is made from the name.")),
                            FieldPanel("kind"),
                            FieldPanel("municipality"),
                        ],
                        heading=_("Identity"),
                    ),
                    *source_panels(["description"]),
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")])],
                        heading=_("Contacts"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("ambiti", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("municipalities"),
                        ],
                        heading=_("Where it works"),
                        help_text=_(
                            "The ambiti the organisation covers, or only some comuni. The editors of these "
                            "ambiti may attach their services and locations to it."
                        ),
                    ),
                    FieldPanel("logo"),
                    record_data_panel(),
                    PublishingPanel(),
                ],
                heading=_("Organisation (Italiano)"),
            ),
            ObjectList(translation_panels(["description"]), heading=_("Translations")),
        ],
        base_form_class=OrganizationForm,
    )


# --- Locations ---------------------------------------------------------------------------


class LocationFilterSet(RecordFilterSet):
    ambito = django_filters.ModelChoiceFilter(
        label=_("Ambito"), field_name="municipality__ambito", queryset=Ambito.objects.all()
    )
    municipality = django_filters.ModelChoiceFilter(label=_("Comune"), queryset=Municipality.objects.all())

    class Meta:
        model = Location
        fields = ["ambito", "municipality", "live", "is_sample"]


class LocationViewSet(DirectoryViewSet):
    model = Location
    icon = "site"
    menu_label = _("Locations")
    filterset_class = LocationFilterSet
    list_display = ["name", "address", "municipality", "organization", "updated_at"]
    search_fields = ["name", "address", "municipality__name", "organization__name", "external_id"]
    ordering = ["municipality__name", "name"]

    def get_queryset(self, request):
        return Location.objects.select_related("municipality", "organization")

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    HelpPanel(content=SCOPE_HELP),
                    MultiFieldPanel(
                        [FieldPanel("organization"), FieldPanel("name")],
                        heading=_("Whose place"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("address"),
                            FieldRowPanel([FieldPanel("municipality"), FieldPanel("cap")]),
                            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                            FieldPanel("phone"),
                        ],
                        heading=_("Address"),
                        help_text=_(
                            "Left empty, the CAP and the coordinates are those of the comune's centre: "
                            "enter the exact coordinates when you know them, so that the map and the "
                            "distance search point at the door."
                        ),
                    ),
                    *source_panels(["opening_hours", "accessibility"]),
                    record_data_panel(),
                    PublishingPanel(),
                ],
                heading=_("Location (Italiano)"),
            ),
            ObjectList(translation_panels(["opening_hours", "accessibility"]), heading=_("Translations")),
        ],
        base_form_class=LocationForm,
    )


# --- Services ----------------------------------------------------------------------------


class ComuniColumn(Column):
    """The comuni of a service's locations (prefetched: one query for the whole page)."""

    def get_value(self, instance):
        names = sorted({link.location.municipality.name for link in instance.service_at_locations.all()})
        return ", ".join(names) or "—"


class ServiceFilterSet(RecordFilterSet):
    ambito = django_filters.ModelChoiceFilter(
        label=_("Ambito"),
        field_name="service_at_locations__location__municipality__ambito",
        queryset=Ambito.objects.all(),
        distinct=True,
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), distinct=True
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Service.Status.choices)
    cost = django_filters.ChoiceFilter(label=_("Cost"), choices=Service.Cost.choices)

    class Meta:
        model = Service
        fields = ["ambito", "theme", "status", "cost", "live", "is_sample"]


class ServiceViewSet(DirectoryViewSet):
    model = Service
    icon = "help"
    menu_label = _("Services")
    filterset_class = ServiceFilterSet
    list_display = [
        "name",
        "organization",
        ComuniColumn("comuni", label=_("Comuni")),
        "status",
        "updated_at",
    ]
    search_fields = ["name", "description", "organization__name", "external_id"]
    ordering = ["name"]

    def get_queryset(self, request):
        return Service.objects.select_related("organization").prefetch_related(
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location__municipality"),
            )
        )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    HelpPanel(content=SCOPE_HELP),
                    FieldPanel("organization"),
                    *source_panels(["name", "description", "how_to_access", "eligibility"]),
                    FieldRowPanel([FieldPanel("cost"), FieldPanel("status")]),
                    MultiFieldPanel(
                        [
                            FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
                            FieldPanel("languages_spoken", widget=forms.CheckboxSelectMultiple),
                        ],
                        heading=_("Classification"),
                        help_text=_(
                            "Themes and target groups drive the public search filters; tick every language "
                            "the staff or the mediators of the service speak."
                        ),
                    ),
                    InlinePanel(
                        "service_at_locations",
                        heading=_("Where the service is offered"),
                        label=_("Location"),
                        panels=[FieldPanel("location")],
                        help_text=_(
                            "Choose the locations (add them first under Directory › Locations). The comuni of "
                            "the locations decide which ambito's editors may edit the service."
                        ),
                    ),
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel("email"), FieldPanel("phone"), FieldPanel("website")])],
                        heading=_("Contacts of the service"),
                    ),
                    record_data_panel(),
                    PublishingPanel(),
                ],
                heading=_("Service (Italiano)"),
            ),
            ObjectList(
                translation_panels(["name", "description", "how_to_access", "eligibility"]),
                heading=_("Translations"),
            ),
        ],
        base_form_class=DirectoryRecordForm,
    )


class DirectoryGroup(SnippetViewSetGroup):
    items = (ServiceViewSet, OrganizationViewSet, LocationViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Directory")
    menu_name = "directory"
    menu_order = 150
    submenu_hook = "register_directory_menu_item"


# --- Taxonomy (administrators) --------------------------------------------------------------


class TaxonomyViewSet(SnippetViewSet):
    list_display = ["name", "code"]
    search_fields = ["code", "name"]
    ordering = ["sort_order", "code"]

    def __init__(self, *args, **kwargs):
        fields = ["name", "description"]
        self.edit_handler = TabbedInterface(
            [
                ObjectList(
                    [
                        FieldPanel(
                            "code",
                            help_text=_(
                                "Stable identifier used by the APIs, the search filters and the spreadsheet "
                                "import. Never change the code of a term in use."
                            ),
                        ),
                        *source_panels(fields),
                        FieldPanel("sort_order"),
                        *([FieldPanel("icon")] if self.model is Theme else []),
                    ],
                    heading=_("Term (Italiano)"),
                ),
                ObjectList(translation_panels(fields), heading=_("Translations")),
            ],
            base_form_class=TranslatedSnippetForm,
        )
        super().__init__(*args, **kwargs)


class ThemeViewSet(TaxonomyViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")


class TargetGroupViewSet(TaxonomyViewSet):
    model = TargetGroup
    icon = "group"
    menu_label = _("Target groups")


class SpokenLanguageViewSet(SnippetViewSet):
    model = SpokenLanguage
    icon = "globe"
    menu_label = _("Spoken languages")
    list_display = ["native_name", "code", "name"]
    search_fields = ["code", "name", "native_name"]
    panels = [
        FieldPanel("code", help_text=_("ISO 639-1 code (two letters), or ISO 639-3 when there is none.")),
        FieldPanel("name"),
        FieldPanel("native_name"),
    ]


class TaxonomyGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, TargetGroupViewSet, SpokenLanguageViewSet)
    menu_icon = "tag"
    menu_label = _("Taxonomy")
    menu_name = "taxonomy"
    menu_order = 160


# --- People (administrators) -------------------------------------------------------------


class MembershipFilterSet(FilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Membership._meta.get_field("role").choices)
    ambito = django_filters.ModelChoiceFilter(label=_("Ambito"), queryset=Ambito.objects.all())

    class Meta:
        model = Membership
        fields = ["role", "ambito"]


class MembershipViewSet(SnippetViewSet):
    """Who does what where. Only administrators (and superusers) see this menu."""

    model = Membership
    icon = "user"
    menu_label = _("People")
    menu_name = "people"
    menu_order = 170
    add_to_admin_menu = True
    filterset_class = MembershipFilterSet
    list_display = ["user", "role", "ambito", "municipality", "organization", "created_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering = ["user__username", "role"]

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "ambito", "municipality", "organization")

    panels = [
        HelpPanel(
            content=_(
                "A membership gives a person a role in a scope. Editors: an ambito limits them to the "
                "records of its comuni; no ambito means the whole network. Editors also need a Wagtail "
                "group (Settings › Users): Editors save drafts and submit them, Moderators also publish "
                "and approve. Social workers belong to the office of one ambito or of one comune; "
                "network managers to an ambito; coordinators and volunteers to an organisation."
            )
        ),
        FieldPanel("user"),
        FieldPanel("role"),
        MultiFieldPanel(
            [FieldPanel("ambito"), FieldPanel("municipality"), FieldPanel("organization")],
            heading=_("Scope"),
        ),
    ]
