"""Buyer-bound downloads: signed, expiring per-user links and the PDF stamped with the buyer and order."""

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.pdfgen.canvas import Canvas

from core import storage
from core.errors import DomainError
from shop import entitlements
from shop.models import Download, Order, ProductFile

logger = logging.getLogger(__name__)

SALT = "shop.downloads"
# One answer for a forged link, someone else's link and a link to a file that is gone: nothing is revealed.
NOT_YOURS = "This download link is not valid here. Sign in with the e-mail you bought with and open your library."


class DownloadRefusedError(DomainError):
    """The link is expired, tampered with, someone else's, or its owner no longer has access."""

    status = 403
    code = "download_refused"
    title = "Download unavailable"


@dataclass(frozen=True)
class DownloadGrant:
    user_id: int
    product_file_id: int
    order_id: int | None


def token_for(*, user, product_file: ProductFile, order: Order | None) -> str:
    """A signed, expiring token naming the buyer, the file and the order (the web and API links carry it)."""
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"u": user.pk, "f": product_file.pk, "o": order.pk if order else None}
    )


def url_for(*, token: str) -> str:
    """The web download link that carries a token (the one way the library builds it)."""
    return reverse("shop:download", kwargs={"token": token})


def read_token(*, token: str) -> DownloadGrant:
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.SHOP_DOWNLOAD_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise DownloadRefusedError(
            "This download link has expired. Open your library for a fresh one.", status=410
        ) from error
    except signing.BadSignature as error:
        raise DownloadRefusedError(NOT_YOURS) from error
    try:
        return DownloadGrant(user_id=int(data["u"]), product_file_id=int(data["f"]), order_id=data.get("o"))
    except (KeyError, TypeError, ValueError) as error:
        raise DownloadRefusedError(NOT_YOURS) from error


@dataclass(frozen=True)
class ServedFile:
    filename: str
    content: bytes
    content_type: str


def stamp_pdf(*, content: bytes, line: str) -> bytes:
    """Every page gets a footer line naming the buyer and the order (drawn by reportlab, merged by pypdf)."""
    writer = PdfWriter(clone_from=io.BytesIO(content))
    overlays: dict[tuple[float, float], object] = {}
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        if (width, height) not in overlays:
            buffer = io.BytesIO()
            canvas = Canvas(buffer, pagesize=(width, height))
            canvas.setFont("Helvetica", 7)
            canvas.setFillGray(0.35)
            canvas.drawCentredString(width / 2, 14, line)
            canvas.save()
            overlays[(width, height)] = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
        page.merge_page(overlays[(width, height)])
    writer.add_metadata({"/Subject": line})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _may_use(*, grant: DownloadGrant, viewer, browser_key: str) -> bool:
    """The signed-in owner, or (before signing in) the browser that started the order, on the success page."""
    if getattr(viewer, "is_authenticated", False):
        return viewer.pk == grant.user_id
    if not browser_key or grant.order_id is None:
        return False
    return Order.objects.filter(pk=grant.order_id, user_id=grant.user_id, browser_key=browser_key).exists()


def serve(*, token: str, viewer, browser_key: str = "") -> ServedFile:
    """Check the link, the viewer and the entitlement now (every request), stamp the file and count the download.

    Someone else's link, a forged one and one for a file that is gone all get the same answer.
    """
    grant = read_token(token=token)
    if not _may_use(grant=grant, viewer=viewer, browser_key=browser_key):
        raise DownloadRefusedError(NOT_YOURS, status=403)
    product_file = ProductFile.objects.select_related("product").filter(pk=grant.product_file_id).first()
    user = get_user_model().objects.filter(pk=grant.user_id, is_active=True).first()
    if product_file is None or user is None:
        raise DownloadRefusedError(NOT_YOURS, status=403)
    if product_file.product_id not in entitlements.product_ids_for(user):
        raise DownloadRefusedError("Access to this product has ended, so it can no longer be downloaded.", status=403)
    order = Order.objects.filter(pk=grant.order_id, user=user).first() if grant.order_id else None
    try:
        content = storage.read_bytes(product_file.file.storage, product_file.file.name)
    except (FileNotFoundError, storage.StorageUnavailableError) as error:
        # The buyer did nothing wrong: say so plainly and tell the logs (a lost upload, or the store is down).
        logger.exception("Could not read a guide file", extra={"product_file_id": product_file.pk})
        raise DownloadRefusedError(
            "This file cannot be prepared for download right now. We have been told; please try again later.",
            status=503,
        ) from error
    name = Path(product_file.file.name).name
    content_type = "application/octet-stream"
    if product_file.format == ProductFile.Format.PDF:
        reference = f"Order {order.number}" if order else "Personal copy"
        try:
            content = stamp_pdf(content=content, line=f"Licensed to {user.email} · {reference} · Please do not share.")
        except PyPdfError as error:
            # An unreadable upload is our fault, not the buyer's: say so plainly and tell the logs.
            logger.exception("Could not stamp a guide file", extra={"product_file_id": product_file.pk})
            raise DownloadRefusedError(
                "This file cannot be prepared for download right now. We have been told; please try again later.",
                status=503,
            ) from error
        content_type = "application/pdf"
    elif product_file.format == ProductFile.Format.EPUB:
        content_type = "application/epub+zip"
    Download.objects.create(user=user, product_file=product_file, order=order)
    logger.info("Download served", extra={"user_id": user.pk, "product_file_id": product_file.pk})
    return ServedFile(filename=name, content=content, content_type=content_type)
