"""Buyer-bound downloads: signed, expiring per-user links and the PDF stamped with the buyer and order."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from shop.models import Order, ProductFile

logger = logging.getLogger(__name__)

SALT = "shop.downloads"


class DownloadRefusedError(Exception):
    """The link is expired, tampered with, someone else's, or its owner no longer has access."""


@dataclass(frozen=True)
class DownloadGrant:
    user_id: int
    product_file_id: int
    order_id: int | None


def url_for(*, user, product_file: ProductFile, order: Order | None) -> str:
    token = signing.TimestampSigner(salt=SALT).sign_object(
        {"u": user.pk, "f": product_file.pk, "o": order.pk if order else None}
    )
    return reverse("shop:download", kwargs={"token": token})


def read_token(*, token: str) -> DownloadGrant:
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.SHOP_DOWNLOAD_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise DownloadRefusedError("This download link has expired.") from error
    except signing.BadSignature as error:
        raise DownloadRefusedError("This download link is not valid.") from error
    try:
        return DownloadGrant(user_id=int(data["u"]), product_file_id=int(data["f"]), order_id=data.get("o"))
    except (KeyError, TypeError, ValueError) as error:
        raise DownloadRefusedError("This download link is not valid.") from error
