"""StreamField blocks for article bodies."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class ArticleBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="website/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock()

    class Meta:
        block_counts = {}
