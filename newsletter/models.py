"""The newsletter's records: issues written in the admin, the people who asked for it, sends and their deliveries."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from wagtail.fields import StreamField
from wagtail.models import PreviewableMixin

from newsletter.blocks import IssueBodyBlock


class NewsletterIssue(PreviewableMixin, models.Model):
    """One issue: subject, preheader and a body of blocks, previewed in the admin as the e-mail it will be."""

    title = models.CharField(max_length=200, help_text="For the admin only.")
    subject = models.CharField(max_length=150, help_text="The e-mail's subject line.")
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The short line mail apps show after the subject."
    )
    body = StreamField(IssueBodyBlock())
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    preview_modes = [("", "E-mail (HTML)"), ("text", "E-mail (plain text)")]

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse

        from newsletter import rendering

        message = rendering.preview(issue=self)
        if mode_name == "text":
            return HttpResponse(message.text, content_type="text/plain; charset=utf-8")
        return HttpResponse(message.html)


class Subscriber(models.Model):
    """One address and its consent to the newsletter; suppressed when the provider reports a bounce or complaint."""

    class Source(models.TextChoices):
        FORM = "form", "Sign-up form (double opt-in)"
        CHECKOUT = "checkout", "Box at checkout"
        FREE_COURSE = "free_course", "Box at the free-course sign-up"
        ACCOUNT = "account", "Account page"

    class Suppression(models.TextChoices):
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        REJECTED = "rejected", "Rejected by the provider"

    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_at = models.DateTimeField(null=True, blank=True, help_text="When the person last said yes.")
    consent_source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    consent_text = models.TextField(blank=True, help_text="The words the person agreed to.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    suppressed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the provider reported this address bouncing or complaining."
    )
    suppressed_reason = models.CharField(max_length=20, choices=Suppression.choices, blank=True)
    suppressed_detail = models.TextField(blank=True, help_text="What the provider said.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="newsletter_one_subscriber_per_address")]
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def subscribed(self) -> bool:
        return self.consent_at is not None and self.unsubscribed_at is None and self.suppressed_at is None

    @property
    def status(self) -> str:
        if self.suppressed_at is not None:
            return f"Stopped: {self.get_suppressed_reason_display().lower()}"
        if self.consent_at is None:
            return "Not confirmed"
        if self.unsubscribed_at is not None:
            return "Unsubscribed"
        return "Subscribed"


class Send(models.Model):
    """One issue sent to one segment: its subject and body frozen when it started, its recipients listed once."""

    class Segment(models.TextChoices):
        EVERYONE = "everyone", "Everyone who opted in"
        FREE_COURSE = "free_course", "Free-course students"
        PRODUCT = "product", "Buyers of a product"
        COURSE_UNFINISHED = "course_unfinished", "Students of a course who have not finished"

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.PROTECT, related_name="sends")
    segment = models.CharField(max_length=20, choices=Segment.choices)
    product = models.ForeignKey("shop.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey("courses.CoursePage", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=150)
    html_body = models.TextField()
    text_body = models.TextField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.subject} → {self.segment_label}"

    @property
    def segment_label(self) -> str:
        label = self.get_segment_display()
        target = self.product or self.course
        return f"{label}: {target}" if target else label

    @property
    def figures_text(self) -> str:
        from newsletter import sending

        f = sending.figures(send=self)
        return (
            f"{f.recipients} recipients · {f.handed} handed to the provider · {f.waiting} waiting · "
            f"{f.skipped} skipped · {f.delivered} delivered · {f.bounced} bounced · "
            f"{f.complained} complaints · {f.unsubscribed} unsubscribed · "
            f"{f.orders} orders and {f.signups} sign-ups from its links"
        )


class Delivery(models.Model):
    """One recipient of one send. Its outbox key is the e-mail's, and the provider's events find it by it."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    outbox_key = models.CharField(max_length=100, unique=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When it was written to the outbox.")
    skipped = models.BooleanField(default=False, help_text="The person withdrew or bounced before their turn.")
    delivered_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["send", "subscriber"], name="newsletter_one_delivery_each")]
        indexes = [models.Index(fields=["send", "queued_at"])]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return self.outbox_key
