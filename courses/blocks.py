"""StreamField blocks for lesson bodies: text, video, exercises, worksheets, callouts, promotions."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from core.blocks import CalloutBlock, HeadingBlock
from shop.blocks import ProductPromotionBlock


class VideoBlock(blocks.StructBlock):
    """A video from a hosting service (embed) or an uploaded file kept in private storage."""

    embed = EmbedBlock(required=False, help_text="A YouTube or Vimeo address. Leave empty to use an uploaded file.")
    file = SnippetChooserBlock(
        "courses.LessonFile", required=False, help_text="An uploaded video (MP4), served only to students with access."
    )
    caption = blocks.CharBlock(required=False)

    def clean(self, value):
        cleaned = super().clean(value)
        if bool(cleaned.get("embed")) == bool(cleaned.get("file")):
            raise ValidationError("Give either a video address or an uploaded file, not both.")
        return cleaned

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class ExerciseBlock(blocks.StructBlock):
    """One Active Isolated Stretching exercise: the set-up, the steps, the hold and the repetitions."""

    name = blocks.CharBlock()
    target = blocks.CharBlock(required=False, help_text="The muscle it lengthens, e.g. iliopsoas.")
    setup = blocks.TextBlock(required=False, help_text="How to get into the starting position.")
    steps = blocks.ListBlock(blocks.CharBlock(label="Step"), min_num=1)
    hold_seconds = blocks.IntegerBlock(default=2, min_value=1, max_value=5, help_text="Two seconds is the AIS hold.")
    repetitions = blocks.IntegerBlock(default=10, min_value=1, max_value=30)
    each_side = blocks.BooleanBlock(required=False, default=True, help_text="Repeat on the other side.")

    class Meta:
        icon = "list-ol"
        template = "courses/blocks/exercise.html"


class WorksheetBlock(blocks.StructBlock):
    file = SnippetChooserBlock("courses.LessonFile")
    description = blocks.CharBlock(required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/worksheet.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["h3", "bold", "italic", "link", "ol", "ul"])
    image = ImageBlock()
    video = VideoBlock()
    exercise = ExerciseBlock()
    worksheet = WorksheetBlock()
    callout = CalloutBlock()
    promotion = ProductPromotionBlock()

    class Meta:
        block_counts = {}


def file_ids_in(body) -> set[int]:
    """The LessonFile ids a lesson body uses (videos and worksheets): the only files its page may serve."""
    ids = set()
    for block in body:
        if block.block_type in ("video", "worksheet") and block.value.get("file") is not None:
            ids.add(block.value["file"].pk)
    return ids
