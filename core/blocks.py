"""StreamField blocks every room's bodies share (articles and lessons): one heading, one callout, one look each."""

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


class HeadingBlock(blocks.CharBlock):
    """A section heading inside a body: always an h2, so a body never skips a level under the page's h1."""

    class Meta:
        form_classname = "title"
        icon = "title"
        template = "core/blocks/heading.html"
