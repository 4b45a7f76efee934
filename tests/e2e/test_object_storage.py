"""Outside-in: gunicorn whose files live on an S3-compatible store (moto's server on loopback, S3_* variables).

A buyer downloads the stamped guide through the app and a stranger is refused; a student's video seeks by byte
range from the store; a document in a restricted collection reaches only a signed-in reader; a picture on a page
comes from the public bucket; a paid file is never readable from the store itself.
"""

import io
import re

import pytest
import requests
from django.core.files.base import ContentFile
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, Page, Site

from courses.blocks import file_ids_in
from courses.models import LessonFile
from shop import downloads, entitlements
from shop.entitlements import Actor
from shop.models import ProductFile
from tests.courses.factories import UserFactory
from tests.courses.world import build_world
from tests.e2e.test_courses import sign_in
from tests.objectstore import keys, store_env
from tests.shop.factories import ProductFactory
from tests.website.conftest import add_article, make_image
from website.models import ArticleIndexPage, HomePage


@pytest.fixture
def s3_site(object_store, start_live_site):
    """gunicorn given the object store by environment variables only, as a deployment is."""
    return start_live_site(**store_env(object_store))


def _guide_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Releasing the psoas, step by step")
    canvas.save()
    return buffer.getvalue()


def test_a_buyer_downloads_the_stamped_guide_through_the_app_and_a_stranger_gets_nothing(
    object_store, moto_server, s3_site
):
    buyer, stranger = UserFactory(email="buyer@example.com"), UserFactory(email="stranger@example.com")
    guide = ProductFactory(name="The psoas guide", slug="psoas-guide", kind="guide")
    product_file = ProductFile.objects.create(product=guide, title="Guide", file=ContentFile(_guide_pdf(), "g.pdf"))
    entitlements.grant(user=buyer, product=guide, actor=Actor.for_system(), reason="Paid.")
    buyer_browser = sign_in(s3_site, buyer)
    link = re.search(r'href="(/shop/download/[^"]+)"', s3_site.get("/learn/", buyer_browser).text).group(1)
    strangers_own_link = downloads.url_for(
        token=downloads.token_for(user=stranger, product_file=product_file, order=None)
    )

    bought = s3_site.get(link, buyer_browser)
    stranger_browser = sign_in(s3_site, stranger)
    borrowed = s3_site.get(link, stranger_browser)
    own_link = s3_site.get(strangers_own_link, stranger_browser)
    from_the_store = requests.get(
        f"{object_store.endpoint_url}/{object_store.private_bucket}/{product_file.file.name}", timeout=10
    )

    assert keys(moto_server, object_store.private_bucket) == [product_file.file.name]
    assert keys(moto_server, object_store.bucket) == []
    assert bought.status_code == 200
    assert bought.headers["Content-Type"] == "application/pdf"
    assert "Location" not in bought.headers
    text = PdfReader(io.BytesIO(bought.content)).pages[0].extract_text()
    assert "Releasing the psoas" in text
    assert "Licensed to buyer@example.com" in text
    for refused in (borrowed, own_link):
        assert refused.status_code == 403
        assert b"%PDF" not in refused.content
    assert from_the_store.status_code == 403
    assert b"%PDF" not in from_the_store.content


def test_a_student_seeks_in_a_lesson_file_streamed_from_the_store_and_a_non_buyer_gets_none(
    object_store, moto_server, s3_site
):
    world = build_world()
    (file_id,) = file_ids_in(world.paid_lesson.body)
    lesson_file = LessonFile.objects.get(pk=file_id)
    content = bytes(range(256)) * 400
    lesson_file.file.save("clip.mp4", ContentFile(content))
    student, other = UserFactory(email="student@example.com"), UserFactory(email="other@example.com")
    entitlements.grant(user=student, product=world.product, actor=Actor.for_system(), reason="Paid.")
    path = f"/learn/lessons/{world.paid_lesson.pk}/files/{file_id}/"

    student_browser = sign_in(s3_site, student)
    whole = s3_site.get(path, student_browser)
    part = s3_site.get(path, student_browser, headers={"Range": "bytes=70000-70099"})
    other_browser = sign_in(s3_site, other)
    refused = s3_site.get(path, other_browser)

    assert lesson_file.file.name in keys(moto_server, object_store.private_bucket)
    assert whole.status_code == 200
    assert whole.content == content
    assert part.status_code == 206
    assert part.content == content[70000:70100]
    assert part.headers["Content-Range"] == f"bytes 70000-70099/{len(content)}"
    assert refused.status_code in {302, 403}
    assert content[:1000] not in refused.content


def test_a_picture_on_a_page_is_served_by_the_public_bucket_and_allowed_by_the_policy(object_store, s3_site):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Relief", slug="relief-s3", introduction="Welcome."))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    index = home.add_child(instance=ArticleIndexPage(title="Articles", slug="articles"))
    add_article(index, slug="psoas", title="The psoas", hero=make_image("Hero"))

    page = s3_site.get("/articles/psoas/")
    store = f"{object_store.endpoint_url}/{object_store.bucket}/"
    pictures = sorted(set(re.findall(rf'{re.escape(store)}images/[^"\s,]+', page.text)))
    policy = page.headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))

    assert page.status_code == 200
    assert pictures
    for address in pictures:
        fetched = requests.get(address, timeout=10)
        assert fetched.status_code == 200, address
        assert fetched.headers["Content-Type"].startswith("image/")
    assert object_store.endpoint_url in img_src.split()


def test_a_document_in_a_restricted_collection_comes_from_the_private_bucket_to_signed_in_readers_only(
    object_store, moto_server, s3_site
):
    members = Collection.get_first_root_node().add_child(name="Members")
    CollectionViewRestriction.objects.create(collection=members, restriction_type=CollectionViewRestriction.LOGIN)
    secret = b"%PDF-1.4 members-only worksheet"
    document = Document.objects.create(title="Sheet", collection=members, file=ContentFile(secret, name="sheet.pdf"))
    reader = UserFactory(email="reader@example.com")

    stranger = s3_site.get(document.url)
    member = s3_site.get(document.url, sign_in(s3_site, reader))
    from_the_store = requests.get(
        f"{object_store.endpoint_url}/{object_store.private_bucket}/{document.file.name}", timeout=10
    )

    assert keys(moto_server, object_store.private_bucket) == [document.file.name]
    assert keys(moto_server, object_store.bucket) == []
    assert stranger.status_code == 302
    assert secret not in stranger.content
    assert member.status_code == 200
    assert member.content == secret
    assert from_the_store.status_code == 403
