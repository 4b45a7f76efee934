"""StreamField blocks for article bodies and guide sales pages.

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


# --- Guide sales pages -------------------------------------------------------------------------------
# A guide's page sells with these, in the order the editor puts them. Each section renders its own h2,
# so the page's outline stays h1 (the guide) > h2 (each section).


class GuideChapterBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    summary = blocks.TextBlock(required=False, rows=2, help_text="One sentence on what the chapter gives the reader.")


class WhatsInsideBlock(blocks.StructBlock):
    """The guide's chapters, each with a line on what it gives the reader."""

    heading = blocks.CharBlock(max_length=120, default="What's inside")
    introduction = blocks.TextBlock(required=False, rows=2)
    chapters = blocks.ListBlock(GuideChapterBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        label = "What's inside"
        template = "website/blocks/guide_inside.html"


class SamplePageBlock(blocks.StructBlock):
    image = ImageBlock(required=False, help_text="A picture of the page, as the reader will see it.")
    title = blocks.CharBlock(max_length=200, help_text="e.g. the chapter the page comes from.")
    excerpt = blocks.RichTextBlock(required=False, features=["bold", "italic", "ol", "ul"])


class SamplePagesBlock(blocks.StructBlock):
    """A few pages of the guide to read before buying: pictures of the pages, their text, or both."""

    heading = blocks.CharBlock(max_length=120, default="Sample pages")
    pages = blocks.ListBlock(SamplePageBlock(), min_num=1)

    class Meta:
        icon = "doc-full"
        label = "Sample pages"
        template = "website/blocks/guide_samples.html"


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(rows=3)
    name = blocks.CharBlock(max_length=120, help_text="The reader's name as they agreed to have it shown.")
    detail = blocks.CharBlock(required=False, max_length=160, help_text="e.g. where they live or what they do.")


class TestimonialsBlock(blocks.StructBlock):
    """What readers said, each quote credited to the reader who said it."""

    heading = blocks.CharBlock(max_length=120, default="What readers say")
    testimonials = blocks.ListBlock(TestimonialBlock(), min_num=1)

    class Meta:
        icon = "openquote"
        label = "Testimonials"
        template = "website/blocks/guide_testimonials.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])


class FAQBlock(blocks.StructBlock):
    """Questions and answers; each answer opens under its question (a <details>, so no script is needed)."""

    heading = blocks.CharBlock(max_length=120, default="Questions")
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = "FAQ"
        template = "website/blocks/guide_faq.html"


class RefundPromiseBlock(blocks.StructBlock):
    """The refund promise in the seller's words, linking to the refund policy."""

    heading = blocks.CharBlock(max_length=120, default="Our promise")
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])
    policy = blocks.PageChooserBlock(
        required=False, page_type="website.LegalPage", help_text="The refund policy page to link to."
    )

    class Meta:
        icon = "tick-inverse"
        label = "Refund promise"
        template = "website/blocks/guide_refund.html"


class GuideSalesBlock(blocks.StreamBlock):
    inside = WhatsInsideBlock()
    samples = SamplePagesBlock()
    testimonials = TestimonialsBlock()
    faq = FAQBlock()
    refund = RefundPromiseBlock()
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    callout = CalloutBlock()
