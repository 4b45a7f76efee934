"""The shop's records: products and their files, orders, entitlements and their audit trail, Stripe events."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.attribution import AttributedModel
from core.storage import private_storage
from shop.money import format_money, major_text

# New products are priced in this currency; free offers in structured data name it too.
DEFAULT_CURRENCY = "usd"


class Product(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        COURSE = "course", "Course"
        BUNDLE = "bundle", "Bundle"

    class PartialRefundPolicy(models.TextChoices):
        KEEP = "keep", "Keep access after a partial refund"
        REVOKE = "revoke", "Revoke access after a partial refund"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    summary = models.CharField(max_length=300, blank=True, help_text="One line shown at checkout and in e-mails.")
    price_amount = models.PositiveIntegerField(
        help_text="Price in minor units of the currency (cents): 1900 is 19.00; for yen, 2100 is ¥2,100.",
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        max_length=3,
        default=DEFAULT_CURRENCY,
        validators=[RegexValidator(r"^[a-z]{3}$", "A lower-case ISO 4217 code such as usd or eur.")],
    )
    active = models.BooleanField(default=True, help_text="Only active products can be bought.")
    includes = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="included_in", help_text="What a bundle delivers."
    )
    partial_refund_policy = models.CharField(
        max_length=10, choices=PartialRefundPolicy.choices, default=PartialRefundPolicy.KEEP
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_buy_url(self) -> str:
        """The product's buy page: the one way every room and template links to buying it."""
        return reverse("shop:buy", kwargs={"slug": self.slug})

    @property
    def price_display(self) -> str:
        return format_money(self.price_amount, self.currency)

    @property
    def price_major(self) -> str:
        """The price in the currency's own unit as plain digits ("21.00", "2100" for yen), for structured data."""
        return major_text(self.price_amount, self.currency)


class ProductFile(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        EPUB = "epub", "EPUB"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PDF)
    file = models.FileField(storage=private_storage, upload_to="products/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "format", "title"]

    def __str__(self):
        return f"{self.title} ({self.get_format_display()})"


class Order(AttributedModel):
    """One purchase attempt and, once paid, its ledger line; `source_page` and utm_* say which article led here."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        EXPIRED = "expired", "Expired"
        # Money arrived through a session that does not match the order: nothing was granted; refund it.
        NEEDS_REFUND = "needs_refund", "Needs refund (payment did not match)"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField(blank=True, help_text="The e-mail Stripe confirmed (or the signed-in buyer's).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    amount = models.PositiveIntegerField(help_text="Price at the time of the order, in minor units.")
    currency = models.CharField(max_length=3)
    amount_paid = models.PositiveIntegerField(null=True, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    dispute_status = models.CharField(max_length=30, blank=True)
    checkout_attempt = models.PositiveIntegerField(default=0)
    refund_attempt = models.PositiveIntegerField(
        default=0, help_text="Moves on when Stripe answers a refund with an error, which it replays for that key."
    )
    checkout_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="One per buy form: a double submit finds it."
    )
    stripe_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_session_url = models.URLField(max_length=2000, blank=True)
    stripe_session_expires_at = models.DateTimeField(null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    terms_accepted = models.BooleanField(
        default=False, help_text="The buyer accepted the terms and immediate delivery (no withdrawal right)."
    )
    delivery_consent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the buyer ticked, on our buy page, that delivery starts now and ends the 14-day withdrawal right."
        ),
    )
    browser_key = models.CharField(max_length=64, blank=True, help_text="Identifies the browser that started it.")
    wants_newsletter = models.BooleanField(
        default=False,
        help_text='The buyer ticked "send me the newsletter" on our buy page (unticked by default); '
        "the newsletter reads it once the order is paid.",
    )
    payment_problem = models.CharField(
        max_length=500, blank=True, help_text="Why a payment for this order was not accepted (it needs a refund)."
    )
    amount_tax = models.PositiveIntegerField(
        default=0, help_text="Tax as Stripe charged it (total_details.amount_tax), in minor units; part of amount_paid."
    )
    amount_discount = models.PositiveIntegerField(default=0, help_text="Promotion-code discount, in minor units.")
    buyer_country = models.CharField(
        max_length=2, blank=True, help_text="The buyer's country as Stripe reported it (ISO 3166-1 alpha-2)."
    )
    buyer_vat_number = models.CharField(
        max_length=40, blank=True, help_text="A VAT number the buyer added for their receipt (optional)."
    )
    receipt_series = models.CharField(max_length=20, blank=True, help_text="The seller's receipt series.")
    receipt_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Given when the order is paid: one gapless sequence per series."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_series", "receipt_number"],
                condition=models.Q(receipt_number__isnull=False),
                name="shop_one_order_per_receipt_number",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def receipt_display(self) -> str:
        """The receipt's number as printed ("BC-R-000042"), or "" before payment."""
        return f"{self.receipt_series}-{self.receipt_number:06d}" if self.receipt_number else ""

    @property
    def number(self) -> str:
        return f"BC-{self.pk:06d}" if self.pk else "BC-new"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_paid if self.amount_paid is not None else self.amount, self.currency)

    @property
    def amount_refunded_display(self) -> str:
        return format_money(self.amount_refunded, self.currency)

    @property
    def tax_display(self) -> str:
        return format_money(self.amount_tax, self.currency)


class ReceiptSequence(models.Model):
    """The last receipt number given in one series; locked and advanced in the transaction that marks an order paid,
    so a rolled-back payment gives its number back and the series has no gaps."""

    series = models.CharField(max_length=20, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.series}: {self.last_number}"


class CheckoutSession(models.Model):
    """Every Stripe Checkout Session an order opened: only these can pay for it (and only the latest is open)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checkout_sessions")
    session_id = models.CharField(max_length=255, unique=True)
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expired_at = models.DateTimeField(null=True, blank=True, help_text="When we closed it at Stripe.")

    class Meta:
        ordering = ["order", "attempt", "pk"]

    def __str__(self):
        return f"{self.order} · {self.session_id}"


class CustomerMessage(models.TextChoices):
    """What a customer reads about a change to their access: written for them, chosen by staff from this list.

    Staff notes (`reason`) are for the shop's own records; only these sentences reach pages and e-mails.
    An empty choice means "say what happened to the payment" (see shop.entitlements.customer_message).
    """

    AUTOMATIC = "", "Say what happened to the payment (refund, dispute) or nothing"
    CLOSED = "closed", "This purchase is closed. If you think that is a mistake, reply to your receipt e-mail."
    CANCELLED = "cancelled", "You asked us to cancel this purchase, so it is closed."
    REFUNDED = "refunded", "This purchase was refunded, so it is closed."
    PAYMENT_PROBLEM = (
        "payment_problem",
        "There was a problem with the payment, so this purchase is closed for now. "
        "Reply to your receipt e-mail and we will sort it out.",
    )
    MOVED = "moved", "This purchase now belongs to another e-mail address."
    GIFT = "gift", "Added to your library by Stephen, with his compliments."
    REOPENED = "reopened", "Open again: everything is back in your library, progress included."


class Entitlement(models.Model):
    """The right of one user to use one product. Written only by shop.entitlements."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DISPUTED = "disputed", "Suspended during a dispute"
        REFUNDED = "refunded", "Refunded"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="entitlements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    granted_at = models.DateTimeField(
        help_text="The first grant; kept across revoke and restore (drip counts from it)."
    )
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="entitlements")
    reason = models.CharField(
        max_length=300, blank=True, help_text="Staff note: never shown to the customer; in their data export."
    )
    customer_message = models.CharField(
        max_length=20, choices=CustomerMessage.choices, blank=True, help_text="What the customer reads about it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="shop_one_entitlement_per_product")]
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.user} · {self.product} · {self.status}"

    @property
    def customer_message_text(self) -> str:
        from shop.entitlements import customer_message

        return customer_message(status=self.status, message=self.customer_message)


class EntitlementChange(models.Model):
    """The audit trail: every change to an entitlement, who or what made it and why."""

    class Action(models.TextChoices):
        GRANT = "grant", "Granted"
        REVOKE = "revoke", "Revoked"
        SUSPEND = "suspend", "Suspended"
        RESTORE = "restore", "Restored"

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor_kind = models.CharField(max_length=20, help_text="stripe_event, checkout, admin, command or system.")
    stripe_event_id = models.CharField(max_length=255, blank=True)
    admin_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    command = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, help_text="Staff note: never shown to the customer.")
    customer_message = models.CharField(max_length=20, choices=CustomerMessage.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.entitlement} ({self.reason})"

    @property
    def customer_message_text(self) -> str:
        from shop.entitlements import customer_message

        return customer_message(status=self.to_status, message=self.customer_message)


class StripeEvent(models.Model):
    """One row per Stripe event id: claimed in the transaction that applies it, so it applies once."""

    class Status(models.TextChoices):
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"
        # Signed by Stripe but not a payment this order asked for (see fulfillment.session_problem).
        REJECTED = "rejected", "Rejected (did not match the order)"

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    stripe_created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id} ({self.status})"


class RefundRequest(models.Model):
    """A refund an admin asked Stripe for (the charge.refunded webhook then changes access)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refund_requests")
    admin_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.PositiveIntegerField(help_text="In minor units.")
    stripe_refund_id = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.order} · {format_money(self.amount, self.order.currency)} ({self.reason})"


class Download(models.Model):
    """One served download, for the counts in the admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads")
    product_file = models.ForeignKey(ProductFile, on_delete=models.CASCADE, related_name="downloads")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.product_file}"


class DemoRefund(models.Model):
    """A refund the demo gateway made (SHOP_DEMO=1): the demo's stand-in for the charge Stripe would keep."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="demo_refunds")
    refund_id = models.CharField(max_length=100, unique=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    amount = models.PositiveIntegerField(help_text="In minor units.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.refund_id} · {self.order}"
