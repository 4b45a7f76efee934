"""StreamField blocks every room's bodies share (articles and lessons): one callout, one look, one template."""

from wagtail import blocks


class CalloutBlock(blocks.StructBlock):
    """A tip, a note or a warning set apart from the text, with an optional title."""

    TONES = [("tip", "Tip"), ("note", "Good to know"), ("warning", "Take care")]

    tone = blocks.ChoiceBlock(choices=TONES, default="tip")
    title = blocks.CharBlock(required=False, max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        template = "core/blocks/callout.html"
