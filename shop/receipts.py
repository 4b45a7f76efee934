"""Numbered receipts: the gapless number given on payment, the seller printed on them, the buyer's VAT number and
the PDF. Fulfilment numbers a paid order; the order page and the account page offer the PDF to its owner."""

import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from shop.models import Order, ReceiptSequence
from shop.money import format_money

# EU VAT numbers and most others: a two-letter prefix then 2-13 letters or digits; kept generous on purpose,
# because a receipt only prints what the buyer typed (the seller's tax return is where it is checked).
VAT_NUMBER = re.compile(r"[A-Z]{2}[0-9A-Z+*.]{2,13}")
RECEIPT_STATUSES = (Order.Status.PAID,)


class ReceiptError(ValueError):
    """The buyer's input for the receipt is not usable; the message says why."""


@dataclass(frozen=True)
class Seller:
    name: str
    address_lines: list[str]
    vat_id: str
    email: str


def seller() -> Seller:
    """The seller as settings name it (SHOP_SELLER_*): the shop's legal identity, set where it is deployed."""
    address = settings.SHOP_SELLER_ADDRESS.replace(" | ", "\n").replace("\\n", "\n")
    return Seller(
        name=settings.SHOP_SELLER_NAME,
        address_lines=[line.strip() for line in address.splitlines() if line.strip()],
        vat_id=settings.SHOP_SELLER_VAT_ID,
        email=settings.SHOP_SELLER_EMAIL,
    )


def next_number() -> tuple[str, int]:
    """The next number in this seller's series. Call inside the transaction that marks the order paid: the
    sequence row stays locked until it commits, and a rollback gives the number back, so none is skipped."""
    series = settings.SHOP_RECEIPT_SERIES
    with transaction.atomic():
        ReceiptSequence.objects.get_or_create(series=series)
        sequence = ReceiptSequence.objects.select_for_update().get(series=series)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return series, sequence.last_number


def order_for_owner(*, user, order_id: int) -> Order | None:
    """The order if `user` owns it (anyone else, signed in or not, gets None and so a 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Order.objects.select_related("product").filter(pk=order_id, user=user).first()


def has_receipt(order: Order) -> bool:
    return order.status in RECEIPT_STATUSES and order.receipt_number is not None


def set_vat_number(*, user, order_id: int, vat_number: str) -> Order:
    """The owner adds (or clears, with "") the VAT number printed on the order's receipt."""
    order = order_for_owner(user=user, order_id=order_id)
    if order is None:
        raise ReceiptError("That order does not exist.")
    cleaned = re.sub(r"[\s.-]", "", vat_number).upper()
    if cleaned and VAT_NUMBER.fullmatch(cleaned) is None:
        raise ReceiptError("Write the VAT number with its country prefix, like IE1234567T.")
    order.buyer_vat_number = cleaned
    order.save(update_fields=["buyer_vat_number"])
    return order


@dataclass(frozen=True)
class Lines:
    """The receipt's amounts, all in minor units of the order's currency."""

    price: int
    discount: int
    net: int
    tax: int
    total: int
    refunded: int


def lines_for(order: Order) -> Lines:
    total = order.amount_paid if order.amount_paid is not None else order.amount
    return Lines(
        price=order.amount,
        discount=order.amount_discount,
        net=total - order.amount_tax,
        tax=order.amount_tax,
        total=total,
        refunded=order.amount_refunded,
    )


def _wrap(text: str, *, width: float, font: str = "Helvetica", size: int = 11) -> list[str]:
    """The text in lines no wider than `width` points (words kept whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


LEFT = 56
RIGHT = A4[0] - 56
MIDDLE = A4[0] / 2


def render_pdf(order: Order) -> bytes:
    """One A4 page: seller, buyer, number and date, the item, net, tax as charged and the total paid."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Receipt {order.receipt_display}")
    pdf.setAuthor(settings.SHOP_SELLER_NAME)
    y = _draw_heading(pdf, order, A4[1] - 72)
    y = _draw_parties(pdf, order, y - 60)
    _draw_amounts(pdf, order, y - 44)
    pdf.setFont("Helvetica", 9)
    pdf.setFillColor(colors.HexColor("#555555"))
    tax_note = "No tax was charged on this order." if not order.amount_tax else "The tax shown is the tax charged."
    pdf.drawString(LEFT, 72, f"Paid by card through Stripe. {tax_note}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_heading(pdf: canvas.Canvas, order: Order, y: float) -> float:
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(LEFT, y, "Receipt")
    pdf.setFont("Helvetica", 11)
    paid_at = timezone.localtime(order.paid_at or order.created_at)
    pdf.drawRightString(RIGHT, y + 6, f"Receipt number {order.receipt_display}")
    pdf.drawRightString(RIGHT, y - 10, f"Date {paid_at:%d %B %Y}")
    pdf.drawRightString(RIGHT, y - 26, f"Order {order.number}")
    return y


def _draw_parties(pdf: canvas.Canvas, order: Order, y: float) -> float:
    the_seller = seller()
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(LEFT, y, "Seller")
    pdf.drawString(MIDDLE, y, "Buyer")
    pdf.setFont("Helvetica", 11)
    seller_lines = [the_seller.name, *the_seller.address_lines]
    if the_seller.vat_id:
        seller_lines.append(f"VAT number {the_seller.vat_id}")
    if the_seller.email:
        seller_lines.append(the_seller.email)
    buyer_lines = [order.email or "-"]
    if order.buyer_country:
        buyer_lines.append(f"Country {order.buyer_country}")
    if order.buyer_vat_number:
        buyer_lines.append(f"VAT number {order.buyer_vat_number}")
    for index in range(max(len(seller_lines), len(buyer_lines))):
        y -= 15
        if index < len(seller_lines):
            pdf.drawString(LEFT, y, seller_lines[index])
        if index < len(buyer_lines):
            pdf.drawString(MIDDLE, y, buyer_lines[index])
    return y


def _draw_amounts(pdf: canvas.Canvas, order: Order, y: float) -> None:
    lines = lines_for(order)

    def money(amount: int) -> str:
        return format_money(amount, order.currency)

    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(LEFT, y, "Item")
    pdf.drawRightString(RIGHT, y, "Amount")
    pdf.setStrokeColor(colors.HexColor("#8a8a8a"))
    pdf.line(LEFT, y - 6, RIGHT, y - 6)
    pdf.setFont("Helvetica", 11)
    # The product's name wraps before the amount column; a line says what was delivered and how.
    y -= 24
    for index, text in enumerate(_wrap(order.product.name, width=RIGHT - LEFT - 110)):
        pdf.drawString(LEFT, y, text)
        if index == 0:
            pdf.drawRightString(RIGHT, y, money(lines.price))
        y -= 15
    pdf.setFont("Helvetica", 9)
    pdf.drawString(LEFT, y + 2, "Digital product, delivered at once")
    pdf.setFont("Helvetica", 11)
    rows = []
    if lines.discount:
        rows.append(("Discount", f"-{money(lines.discount)}"))
    rows += [("Net", money(lines.net)), ("Tax (VAT) as charged", money(lines.tax))]
    for label, value in rows:
        y -= 18
        pdf.drawString(LEFT, y, label)
        pdf.drawRightString(RIGHT, y, value)
    pdf.line(LEFT, y - 8, RIGHT, y - 8)
    y -= 26
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(LEFT, y, "Total paid")
    pdf.drawRightString(RIGHT, y, money(lines.total))
    if lines.refunded:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(LEFT, y - 18, "Refunded since")
        pdf.drawRightString(RIGHT, y - 18, f"-{money(lines.refunded)}")
