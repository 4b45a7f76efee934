"""Where paid files live: the private storage, never under MEDIA_URL or STATIC_URL."""

from django.core.files.storage import storages


def private_storage():
    """Paid files (guides, lesson files): no URL reaches them except an access-checked view."""
    return storages["private"]
