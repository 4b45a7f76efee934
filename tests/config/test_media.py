"""Embedded media (SERVE_MEDIA=1) serve public images only; documents go through Wagtail's privacy-checking
view (security issue, item 4)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from tests.courses.factories import UserFactory

SECRET = b"%PDF-1.4 members-only worksheet"


@pytest.fixture
def embedded(db, settings):
    settings.SERVE_MEDIA = True


@pytest.fixture
def private_document(db):
    members = Collection.get_first_root_node().add_child(name="Members")
    CollectionViewRestriction.objects.create(collection=members, restriction_type=CollectionViewRestriction.LOGIN)
    return Document.objects.create(title="Worksheet", collection=members, file=ContentFile(SECRET, name="sheet.pdf"))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "prefix",
    ["/media/", "/media//", "/media/./", "/media/images/../", "/media/original_images/../", "/media/images/%2E%2E/"],
)
def test_media_never_serves_a_document_file(client, embedded, private_document, prefix):
    response = client.get(prefix + private_document.file.name)

    assert response.status_code == 404
    assert SECRET not in body(response)


def test_media_never_serves_a_public_document_file_either(client, embedded):
    document = Document.objects.create(title="Leaflet", file=ContentFile(b"leaflet bytes", name="leaflet.pdf"))

    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_wagtail_document_view_keeps_the_collection_private(client, embedded, private_document):
    stranger = client.get(private_document.url)
    client.force_login(UserFactory())
    member = client.get(private_document.url)

    assert stranger.status_code == 302
    assert "login" in stranger["Location"]
    assert member.status_code == 200
    assert body(member) == SECRET


def test_media_still_serves_images(client, embedded):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#0b6b5c").save(buffer, format="PNG")
    image = Image.objects.create(title="Dot", file=ImageFile(buffer, name="dot.png"))

    original = client.get(f"/media/{image.file.name}")
    rendition = client.get(image.get_rendition("fill-4x4").url)

    assert original.status_code == 200
    assert body(original) == buffer.getvalue()
    assert rendition.status_code == 200


def test_media_is_off_unless_embedded(client, private_document):
    assert client.get(f"/media/{private_document.file.name}").status_code == 404


@pytest.mark.parametrize("group", [None, "Buyers"])
def test_group_restricted_documents_are_not_in_media_either(client, embedded, group):
    paid = Collection.get_first_root_node().add_child(name=f"Paid {group}")
    restriction = CollectionViewRestriction.objects.create(
        collection=paid, restriction_type=CollectionViewRestriction.GROUPS
    )
    if group:
        restriction.groups.add(Group.objects.create(name=group))
    document = Document.objects.create(title="Paid", collection=paid, file=ContentFile(SECRET, name="paid.pdf"))

    assert client.get(f"/media/{document.file.name}").status_code == 404
