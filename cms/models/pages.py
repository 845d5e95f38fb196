"""Pages: the home page, the guidelines index and the guidelines (intervention models)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from ..blocks import GuidelineStreamBlock
from ..language_forms import TranslatedPageForm


class HomePage(Page):
    base_form_class = TranslatedPageForm
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.GuidelineIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class GuidelineIndexPage(Page):
    base_form_class = TranslatedPageForm
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidelinePage"]

    class Meta:
        verbose_name = _("guidelines index")


class GuidelinePage(Page):
    """A guideline (Linea guida) with its intervention models."""

    base_form_class = TranslatedPageForm

    intro = RichTextField(
        _("introduction"),
        features=["bold", "italic", "link"],
        help_text=_("Two or three sentences: what this guideline is about and for whom."),
    )
    body = StreamField(GuidelineStreamBlock(), verbose_name=_("body"), blank=True)
    themes = ParentalManyToManyField("cms.Theme", verbose_name=_("themes"), blank=True, related_name="guidelines")
    services = ParentalManyToManyField(
        "cms.Service",
        verbose_name=_("related services"),
        blank=True,
        related_name="guidelines",
        help_text=_("Services of the directory that put this guideline into practice."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("themes", widget=forms.CheckboxSelectMultiple), FieldPanel("services")],
            heading=_("Links"),
            help_text=_(
                "The themes this guideline belongs to, and the services of the directory that put it into "
                "practice: readers of the guideline find them listed, and the search shows the guideline "
                "beside them."
            ),
        ),
    ]
    api_fields = [APIField("intro"), APIField("body"), APIField("themes"), APIField("services")]
    parent_page_types = ["cms.GuidelineIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
