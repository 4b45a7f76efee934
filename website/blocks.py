"""StreamField blocks for article bodies.

`ArticleBodyBlock` lists its children as class attributes, so another app's block is added with one
line (as the shop's product promotion is).
Every block renders its own template (under templates/website/blocks/, the shared heading and callout
under templates/core/blocks/); headings inside blocks are h2 at most, so a body can never skip a
heading level under the page's h1.
"""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from core.blocks import CalloutBlock, HeadingBlock
from shop.blocks import ProductPromotionBlock


class FigureBlock(blocks.StructBlock):
    """An image with its alt text (or marked decorative) and an optional caption and credit."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120, help_text="Who made or owns the picture.")
    wide = blocks.BooleanBlock(required=False, help_text="Let the picture run wider than the text on large screens.")

    class Meta:
        icon = "image"
        template = "website/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(rows=3)
    attribution = blocks.CharBlock(required=False, max_length=160, help_text="Who said it, e.g. a client's first name.")

    class Meta:
        icon = "openquote"
        template = "website/blocks/quote.html"


class ExerciseStepsBlock(blocks.StructBlock):
    """A stretch or exercise: numbered steps and how many times to do it."""

    name = blocks.CharBlock(max_length=160, help_text="e.g. Kneeling hip flexor stretch")
    introduction = blocks.TextBlock(required=False, rows=2)
    steps = blocks.ListBlock(blocks.TextBlock(rows=2, label="Step"), min_num=1)
    repetitions = blocks.CharBlock(required=False, max_length=80, help_text="e.g. 10 times on each side")
    hold = blocks.CharBlock(required=False, max_length=80, help_text="e.g. 2 seconds")
    frequency = blocks.CharBlock(required=False, max_length=80, help_text="e.g. Twice a day")
    caution = blocks.TextBlock(required=False, rows=2, help_text="When to stop or who should not do this.")

    class Meta:
        icon = "list-ol"
        label = "Stretch / exercise steps"
        template = "website/blocks/exercise.html"


class MedicalDisclaimerBlock(blocks.StaticBlock):
    """Shows the medical disclaimer from the site settings, so one edit updates every article."""

    class Meta:
        icon = "warning"
        label = "Medical disclaimer"
        admin_text = "Shows the medical disclaimer from Settings > Site settings."
        template = "website/blocks/disclaimer.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "document-link"])
    image = FigureBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    embed = EmbedBlock(help_text="A YouTube or Vimeo address.", icon="media", template="website/blocks/embed.html")
    exercise = ExerciseStepsBlock()
    disclaimer = MedicalDisclaimerBlock()
    product = ProductPromotionBlock()

    class Meta:
        block_counts = {}
