"""What every room shares: the author profile (articles, guides and courses credit it) and the outbox rows.

The author's page lives in the website; the website registers how to find it (`register_author_index`), so the
profile can link there without knowing the page type.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core import fragments, public_addresses, seo

_author_index_finders = []


def register_author_index(finder) -> None:
    """`finder()` returns the live page under which `author/<slug>/` is served (the website's article index)."""
    _author_index_finders.append(finder)


def _find_author_index():
    for finder in _author_index_finders:
        page = finder()
        if page is not None:
            return page
    return None


# --- Author -----------------------------------------------------------------------------------------


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60, help_text="e.g. LinkedIn, Clinic website")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"


@register_snippet
class AuthorProfile(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text="The address of the author's page; made from the name if empty.",
    )
    credentials = models.CharField(
        max_length=60, blank=True, help_text="Post-nominal letters, comma-separated for several, e.g. CNMT."
    )
    role = models.CharField(max_length=160, blank=True, help_text="One line under the name.")
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    biography = RichTextField(blank=True, features=["bold", "italic", "link"])
    links = StreamField([("link", LinkBlock())], blank=True, help_text="Profiles elsewhere (used as sameAs).")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("credentials"), FieldPanel("role")]),
        FieldPanel("photo"),
        FieldPanel("biography"),
        FieldPanel("links"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name)[:70] or "author"
            slug, n = base, 2
            while AuthorProfile.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    @property
    def credential_list(self) -> list[str]:
        return [c.strip() for c in self.credentials.split(",") if c.strip()]

    @property
    def biography_text(self) -> str:
        return strip_tags(self.biography).strip()

    def get_url(self, request=None, *, index_url: str | None = None) -> str | None:
        """The author's page under the article index (one of the site's fragments, core.fragments, when not given)."""
        if index_url is None:
            index_page = fragments.get(request, "author_index")
            index_url = index_page.get_url(request) if index_page else None
        if not index_url or not self.slug:
            return None
        return f"{index_url}author/{self.slug}/"

    def structured_data(self, request, *, index_url: str | None = None) -> dict:
        """A schema.org Person; shop and courses call it through their foreign key to the author."""
        person = {"@context": "https://schema.org", "@type": "Person", "name": self.name}
        if self.role:
            person["jobTitle"] = self.role
        if self.credentials:
            person["honorificSuffix"] = self.credentials
            person["hasCredential"] = [
                {"@type": "EducationalOccupationalCredential", "credentialCategory": "certification", "name": name}
                for name in self.credential_list
            ]
        if self.photo and (image_url := seo.absolute_image_url(request, self.photo, "fill-480x480|format-jpeg")):
            person["image"] = image_url
        if self.biography_text:
            person["description"] = self.biography_text
        url = self.get_url(request, index_url=index_url)
        if url:
            person["url"] = seo.absolute(request, url)
        same_as = [link.value["url"] for link in self.links if link.block_type == "link"]
        if same_as:
            person["sameAs"] = same_as
        return person


# --- Outbox ---------------------------------------------------------------------------------------


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
    next_attempt_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="Not sent before this: later after each failure (core.retries)."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"


# --- Deletion log ---------------------------------------------------------------------------------------


class DeletionLog(models.Model):
    """One deleted account's address, hashed, and when: enough to delete it again from a restored backup.

    Nothing else about the person is kept here (core.deletions makes the hash).
    """

    email_hash = models.CharField(max_length=64, db_index=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = "account deletion"

    def __str__(self):
        return f"{self.email_hash[:12]}… deleted {self.deleted_at:%Y-%m-%d}"


# --- Heartbeats -----------------------------------------------------------------------------------------


class Heartbeat(models.Model):
    """When a kind of background process (the scheduler, the task worker) last proved it was working.

    One row per kind, overwritten each time (core.heartbeats writes it, /healthz reads it).
    """

    kind = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.kind} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"


# --- Retried background jobs ------------------------------------------------------------------------------


class RetriedJob(models.Model):
    """A row of background work tried until it succeeds, later each time (core.retries claims and runs it)."""

    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Set when the last allowed attempt failed: given up."
    )
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def state(self) -> str:
        if self.done_at:
            return "delivered"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "waiting"


def _new_receiver_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookReceiver(models.Model):
    """A frontend an editor asked to be told about content changes (Settings > Webhook receivers).

    Unlike the operator's `PUBLISH_WEBHOOK_URLS`, an address typed into the admin must be https on the public
    internet (core.public_addresses), checked on save and again on every delivery. Each receiver signs with a
    secret of its own, shown on its inspect page.
    """

    url = models.URLField(
        "address",
        max_length=500,
        help_text="The https address notices are posted to. It must be reachable on the public internet.",
    )
    description = models.CharField(max_length=200, blank=True, help_text="What this receiver is, for your records.")
    active = models.BooleanField(default=True, help_text="Untick to stop new notices without deleting the receiver.")
    secret = models.CharField(
        "signing secret",
        max_length=100,
        default=_new_receiver_secret,
        editable=False,
        help_text="Give this to the receiver: it checks each notice's Backcare-Signature with it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["url"]

    def __str__(self):
        return self.description or self.url

    def clean(self):
        try:
            public_addresses.check(self.url)
        except public_addresses.NotPublicError as error:
            raise ValidationError({"url": str(error)}) from None


class WebhookDelivery(RetriedJob):
    """One publish notice for one receiver, written in the transaction of the change it reports."""

    url = models.URLField(max_length=500)
    receiver = models.ForeignKey(
        WebhookReceiver,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        help_text="Empty for the receivers configured by the operator (PUBLISH_WEBHOOK_URLS).",
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} → {self.url}"
