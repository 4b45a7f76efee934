"""The blocks an issue is written in: few, each drawn safely by mail apps (newsletter/rendering.py)."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ButtonBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=60)
    url = blocks.URLBlock(help_text="Where the button leads: an article, a guide, a course.")

    class Meta:
        icon = "link"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(max_length=200, help_text="What the picture shows, for readers who cannot see it.")

    class Meta:
        icon = "image"


class IssueBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, icon="title")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    button = ButtonBlock()
    image = ImageBlock()
    quote = blocks.TextBlock(icon="openquote")
