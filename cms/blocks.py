"""StreamField blocks of the guidelines (Linee guida)."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=200)
    description = blocks.TextBlock(label=_("what happens"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class InterventionModelBlock(blocks.StructBlock):
    """An intervention model: for whom, which need, the steps, who acts, with which tools, and tips."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    target_group = SnippetChooserBlock("cms.TargetGroup", label=_("target group"), required=False)
    need = blocks.TextBlock(label=_("need"), help_text=_("The situation or need this model answers."))
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)
    actors = blocks.ListBlock(
        blocks.CharBlock(max_length=200), label=_("actors involved"), help_text=_("Services, offices, volunteers.")
    )
    tools = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("tools"), required=False)
    tips = blocks.RichTextBlock(label=_("tips"), required=False, features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "doc-full"
        label = _("Intervention model")
        template = "cms/blocks/intervention_model.html"


class GuidelineStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200, form_classname="title", icon="title")
    paragraph = blocks.RichTextBlock(
        label=_("text"), features=["h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul"]
    )
    intervention_model = InterventionModelBlock()
