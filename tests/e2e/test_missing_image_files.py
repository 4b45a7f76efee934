"""A database restored without its image files (or an object store that lost some) still serves every page.

Every picture a page shows goes through a rendition; a rendition not made yet is cut from the original file. When
that file is gone, Wagtail's own image tags show a "not found" picture, and the site's share cards, JSON-LD,
oEmbed thumbnails and API share images leave the picture out: the page answers 200 and the log names the file.
"""

import shutil
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from wagtail.images import get_image_model

from courses.models import CoursePage
from website.models import ArticlePage, GuidePage


def test_pages_feeds_api_and_oembed_answer_without_the_image_files(live_db, live_site):
    call_command("load_demo", stdout=None)
    image_model = get_image_model()
    image_model.get_rendition_model().objects.all().delete()
    originals = {Path(settings.MEDIA_ROOT) / image.file.name for image in image_model.objects.all()}
    assert originals
    assert all(path.exists() for path in originals)
    for folder in {path.parent for path in originals}:
        shutil.rmtree(folder)
    article = ArticlePage.objects.live().first()
    guide = GuidePage.objects.live().first()
    course = CoursePage.objects.live().first()
    article_url = live_site.url + article.url

    paths = [
        "/",
        article.url,
        guide.url,
        course.url,
        "/articles/",
        "/feeds/rss/",
        f"/api/v2/pages/{article.pk}/",
        f"/oembed?url={quote(article_url)}&format=json",
        f"/oembed?url={quote(live_site.url + guide.url)}&format=json",
    ]
    answers = {path: live_site.get(path, timeout=60) for path in paths}

    assert {path: answer.status_code for path, answer in answers.items()} == dict.fromkeys(paths, 200)
    assert 'property="og:image"' not in answers[article.url].text  # no share card pointing at nothing
    assert answers[f"/api/v2/pages/{article.pk}/"].json()["seo"]["share_image"] is None
    assert "image file missing" in live_site.log()
