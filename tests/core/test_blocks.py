"""Articles and lessons share one heading block and one callout block: the same class, the same HTML."""

import pytest

from core.blocks import CalloutBlock, HeadingBlock
from courses.blocks import LessonBodyBlock
from website.blocks import ArticleBodyBlock


@pytest.mark.parametrize("body", [ArticleBodyBlock, LessonBodyBlock])
def test_article_and_lesson_bodies_use_the_shared_blocks(body):
    children = body().child_blocks

    assert type(children["heading"]) is HeadingBlock
    assert type(children["callout"]) is CalloutBlock
    assert children["heading"].render("Two muscles, one job").strip() == "<h2>Two muscles, one job</h2>"
