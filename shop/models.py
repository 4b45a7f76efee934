"""The shop's records: products and their files, orders, entitlements and their audit trail, Stripe events."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index

from config import privacy
from config.api.fields import SeoField, StructuredDataField
from shop.api import ProductField


def private_storage():
    """Paid files live in the private storage, never under MEDIA_URL or STATIC_URL."""
    return storages["private"]


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
        help_text="Price in minor units of the currency (cents): 1900 is 19.00.", validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        max_length=3,
        default="usd",
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

    @property
    def price_display(self) -> str:
        return format_money(self.price_amount, self.currency)


def format_money(amount: int, currency: str) -> str:
    symbols = {"usd": "$", "eur": "€", "gbp": "£"}
    major = f"{amount // 100}.{amount % 100:02d}"
    symbol = symbols.get(currency.lower())
    return f"{symbol}{major}" if symbol else f"{major} {currency.upper()}"


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


class Order(models.Model):
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
    payment_problem = models.CharField(
        max_length=500, blank=True, help_text="Why a payment for this order was not accepted (it needs a refund)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"BC-{self.pk:06d}" if self.pk else "BC-new"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount_paid if self.amount_paid is not None else self.amount, self.currency)

    @property
    def amount_refunded_display(self) -> str:
        return format_money(self.amount_refunded, self.currency)


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
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="shop_one_entitlement_per_product")]
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.user} · {self.product} · {self.status}"


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
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.entitlement} ({self.reason})"


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


class OutboxEmail(models.Model):
    """An e-mail written in the same transaction as the change it reports, sent once by the task worker."""

    key = models.CharField(max_length=255, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    template = models.CharField(max_length=200)
    context = models.JSONField(default=dict)
    headers = models.JSONField(default=dict, blank=True, help_text="Extra headers, e.g. List-Unsubscribe.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"


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


# --- Pages: the sales pages editors write. They hold content only; buying happens in shop.views. ---


class ShopIndexPage(privacy.AliasAwarePrivacyMixin, Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["shop.GuidePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from shop import entitlements

        context = super().get_context(request, *args, **kwargs)
        guides = privacy.public(GuidePage.objects.child_of(self).live(), request=request)
        context["guides"] = guides.select_related("product", "cover")
        context["owned_ids"] = entitlements.product_ids_for(request.user)
        return context

    @property
    def search_summary(self) -> str:
        return self.introduction


class GuidePage(privacy.AliasAwarePrivacyMixin, Page):
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="guide_pages")
    author = models.ForeignKey(
        "website.AuthorProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )
    cover = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subtitle = models.CharField(max_length=200, blank=True)
    description = RichTextField(features=["bold", "italic", "link", "ul", "ol", "h2", "h3"])
    table_of_contents = models.TextField(blank=True, help_text="One chapter per line.")
    sample_chapter = RichTextField(blank=True, features=["bold", "italic", "link", "ul", "ol", "h2", "h3"])
    year = models.PositiveIntegerField(null=True, blank=True)
    edition = models.CharField(max_length=60, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldPanel("product"),
        FieldPanel("author"),
        FieldPanel("cover"),
        FieldPanel("description"),
        FieldPanel("table_of_contents"),
        FieldPanel("sample_chapter"),
        FieldPanel("year"),
        FieldPanel("edition"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle", boost=2),
        index.SearchField("description"),
        index.SearchField("table_of_contents"),
    ]
    parent_page_types = ["shop.ShopIndexPage"]
    api_fields = [
        APIField("subtitle"),
        APIField("product", serializer=ProductField()),
        APIField("author"),
        APIField("cover"),
        APIField("cover_rendition", serializer=ImageRenditionField("max-800x1200|format-webp", source="cover")),
        APIField("description"),
        APIField("chapters"),
        APIField("sample_chapter"),
        APIField("year"),
        APIField("edition"),
        APIField("seo", serializer=SeoField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    subpage_types = []

    @property
    def chapters(self) -> list[str]:
        return [line.strip() for line in self.table_of_contents.splitlines() if line.strip()]

    @property
    def search_summary(self) -> str:
        return self.subtitle or strip_tags(self.description)[:300]

    def get_context(self, request, *args, **kwargs):
        from shop import entitlements

        context = super().get_context(request, *args, **kwargs)
        context["owned"] = bool(self.product_id) and self.product_id in entitlements.product_ids_for(request.user)
        return context

    def structured_data(self, request) -> list[dict]:
        url = request.build_absolute_uri(self.get_url(request) or "/")
        book = {
            "@context": "https://schema.org",
            "@type": "Book",
            "name": self.title,
            "url": url,
            "description": self.search_summary,
            "bookFormat": "https://schema.org/EBook",
            "inLanguage": "en",
        }
        if self.year:
            book["datePublished"] = str(self.year)
        if self.edition:
            book["bookEdition"] = self.edition
        if self.cover:
            book["image"] = request.build_absolute_uri(self.cover.get_rendition("width-800").url)
        if self.author:
            book["author"] = self.author.structured_data(request)
        if self.product:
            book["offers"] = {
                "@type": "Offer",
                "price": f"{self.product.price_amount / 100:.2f}",
                "priceCurrency": self.product.currency.upper(),
                "availability": "https://schema.org/InStock"
                if self.product.active
                else "https://schema.org/Discontinued",
                "url": request.build_absolute_uri(reverse("shop:buy", kwargs={"slug": self.product.slug})),
            }
        return [book]

    def oembed(self, request, *, maxwidth: int | None, maxheight: int | None) -> dict:
        url = request.build_absolute_uri(self.get_url(request) or "/")
        width, height = min(maxwidth or 600, 600), min(maxheight or 240, 240)
        price = f" · {self.product.price_display}" if self.product else ""
        html = (
            f'<blockquote class="backcare-embed" style="margin:0;max-width:{width}px">'
            f'<p><a href="{escape(url)}">{escape(self.title)}</a>{escape(price)}</p>'
            f"<p>{escape(self.search_summary)}</p></blockquote>"
        )
        data = {"type": "rich", "title": self.title, "html": html, "width": width, "height": height}
        if self.author:
            data["author_name"] = str(self.author)
        if self.cover:
            rendition = self.cover.get_rendition("max-300x400")
            data.update(
                thumbnail_url=request.build_absolute_uri(rendition.url),
                thumbnail_width=rendition.width,
                thumbnail_height=rendition.height,
            )
        return data


class LegalPage(privacy.AliasAwarePrivacyMixin, Page):
    """Terms of sale, refund policy, privacy notice: editable pages that checkout links to."""

    body = RichTextField(features=["bold", "italic", "link", "ul", "ol", "h2", "h3"])
    updated_on = models.DateField(null=True, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("updated_on"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["website.HomePage"]
    subpage_types = []

    @property
    def search_summary(self) -> str:
        return strip_tags(self.body)[:300]
