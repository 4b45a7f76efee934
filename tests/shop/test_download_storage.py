"""shop.downloads over the object store: a guide whose file is gone, or a store that does not answer, is the
shop's fault, answered with a plain 503 (and logged), never a server error or another buyer's bytes."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from config.object_storage import ObjectStore
from shop import downloads, entitlements
from shop.entitlements import Actor
from shop.models import ProductFile
from tests.objectstore import ACCESS_KEY, REGION, SECRET_KEY
from tests.shop.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Chapter one")
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def bought(object_store):
    owner = UserFactory(email="owner@example.com")
    product = ProductFactory()
    product_file = ProductFile.objects.create(product=product, title="Guide", file=ContentFile(_pdf(), name="g.pdf"))
    entitlements.grant(user=owner, product=product, actor=Actor.for_system(), reason="Paid.")
    url = downloads.url_for(token=downloads.token_for(user=owner, product_file=product_file, order=None))
    return owner, product_file, url


def test_the_owner_downloads_the_stamped_guide_from_the_store(client, bought):
    owner, _, url = bought
    client.force_login(owner)

    response = client.get(url)

    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Chapter one" in text
    assert "Licensed to owner@example.com" in text


def test_a_guide_whose_file_is_gone_from_the_store_is_a_plain_503(client, bought):
    owner, product_file, url = bought
    product_file.file.storage.delete(product_file.file.name)
    client.force_login(owner)

    response = client.get(url)

    assert response.status_code == 503
    assert b"%PDF" not in response.content


def test_a_store_that_does_not_answer_is_a_plain_503(client, bought, settings, free_port):
    owner, _, url = bought
    away = ObjectStore(
        bucket=settings.OBJECT_STORE.bucket,
        private_bucket=settings.OBJECT_STORE.private_bucket,
        media_prefix="",
        private_prefix="",
        endpoint_url=f"http://127.0.0.1:{free_port}",
        region=REGION,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        addressing_style="path",
    )
    settings.STORAGES = {**settings.STORAGES, **away.storages()}
    client.force_login(owner)

    response = client.get(url)

    assert response.status_code == 503
    assert b"%PDF" not in response.content
