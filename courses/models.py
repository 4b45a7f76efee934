"""Course and lesson pages, private lesson files, and the rows that record each student's learning."""

import mimetypes
import secrets

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from config.api.fields import SeoField, StructuredDataField
from core import privacy, renditions, seo
from core.attribution import AttributedModel
from core.storage import private_storage
from courses.api_fields import CourseAccessField, LessonAccessField, LessonBodyField
from courses.blocks import LessonBodyBlock
from courses.page_forms import LessonPageForm
from shop.api_fields import ProductField
from shop.models import DEFAULT_CURRENCY


@register_snippet
class LessonFile(index.Indexed, models.Model):
    """An uploaded worksheet or video for lessons; served only through the lesson file view."""

    title = models.CharField(max_length=160)
    file = models.FileField(storage=private_storage, upload_to="lessons/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("file")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.file.name)[0] or "application/octet-stream"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class CourseIndexPage(privacy.AliasAwarePrivacyMixin, Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["courses.CoursePage"]
    max_count = 1
    template = "courses/course_index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        courses = privacy.public(CoursePage.objects.child_of(self).live(), request=request)
        context["courses"] = courses.select_related("cover", "instructor")
        return context


class CoursePage(renditions.PrefetchRenditionsMixin, privacy.AliasAwarePrivacyMixin, Page):
    summary = models.TextField(help_text="Two or three sentences: who the course is for and what it changes.")
    cover = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcomes = StreamField(
        [("outcome", blocks.CharBlock(icon="tick", label="Outcome"))],
        blank=True,
        verbose_name="What you will learn",
        help_text="One short line per outcome.",
    )
    instructor = models.ForeignKey(
        "core.AuthorProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    # PROTECT: deleting the product must never quietly turn a paid course into a free one.
    product = models.ForeignKey(
        "shop.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        help_text="The product that unlocks this course. Leave empty for a free course.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover"),
        FieldPanel("outcomes"),
        FieldPanel("instructor"),
        FieldPanel("product"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary", boost=2)]
    parent_page_types = ["courses.CourseIndexPage"]
    api_fields = [
        APIField("summary"),
        APIField("cover"),
        APIField("cover_rendition", serializer=ImageRenditionField("fill-1200x630|format-webp", source="cover")),
        APIField("outcomes"),
        APIField("instructor"),
        APIField("is_free"),
        APIField("product", serializer=ProductField()),
        APIField("access", serializer=CourseAccessField()),
        APIField("seo", serializer=SeoField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    @property
    def is_free(self) -> bool:
        return self.product_id is None

    def lessons(self):
        """The live lessons in the order editors set in the page tree."""
        return LessonPage.objects.child_of(self).live().order_by("path")

    @property
    def search_summary(self) -> str:
        return self.summary

    @property
    def start_url(self) -> str:
        """Where a student starts: the first live lesson (the shop's thank-you page sends buyers here)."""
        first = self.lessons().first()
        return (first or self).url or ""

    def get_context(self, request, *args, **kwargs):
        from courses import outline

        context = super().get_context(request, *args, **kwargs)
        context.update(outline.for_course(user=request.user, course=self))
        first = next((module.items[0].lesson for module in context["outline"] if module.items), self)
        context.update(
            outline.sign_in_code(request=request, course=self, next_url=first.url or "", goal="open lesson 1")
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-cache"
        return response

    @property
    def social_image(self):
        return self.cover

    def structured_data(self, request) -> list[dict]:
        """A schema.org Course: who teaches it and how it runs sit on its CourseInstance, as schema.org defines."""
        url = seo.absolute(request, self.get_url(request) or "/")
        instance = {
            "@type": "CourseInstance",
            "courseMode": "online",
            "courseWorkload": seo.iso_duration(minutes=sum(lesson.duration_minutes for lesson in self.lessons())),
        }
        if self.instructor is not None:
            instance["instructor"] = seo.nested(self.instructor.structured_data(request))
        data = {
            "@context": seo.SCHEMA,
            "@type": "Course",
            "name": self.title,
            "description": self.summary,
            "url": url,
            "isAccessibleForFree": self.is_free,
            "provider": {
                "@type": "Organization",
                "name": settings.WAGTAIL_SITE_NAME,
                "url": seo.absolute(request, "/"),
            },
            "hasCourseInstance": [instance],
        }
        if self.cover is not None and (image_url := seo.absolute_image_url(request, self.cover, "fill-1200x630")):
            data["image"] = image_url
        product = self.product
        if product is not None:
            data["offers"] = seo.offer(
                request,
                price=product.price_major,
                currency=product.currency,
                available=product.active,
                url=product.get_buy_url(),
                category="Paid",
            )
        else:
            # Free, but still an offer with a price and currency: schema.org's Offer needs both to mean "costs 0".
            data["offers"] = seo.offer(
                request, price="0", currency=DEFAULT_CURRENCY, available=True, url=url, category="Free"
            )
        return [data]

    def oembed(self, request, *, maxwidth=None, maxheight=None) -> dict:
        return self.oembed_card(
            request,
            url=self.get_url(request),
            title=self.title,
            aside=f" with {self.instructor}" if self.instructor is not None else "",
            summary=self.summary,
            maxwidth=maxwidth,
            maxheight=maxheight,
        )

    def oembed_card(self, request, *, url: str, title: str, aside: str = "", summary: str, maxwidth, maxheight):
        """The oEmbed card of this course or one of its lessons: the instructor and the course's cover."""
        data = seo.oembed_card(
            request, url=url, title=title, aside=aside, summary=summary, maxwidth=maxwidth, maxheight=maxheight
        )
        if self.instructor is not None:
            data["author_name"] = str(self.instructor)
        if self.cover is not None:
            data.update(seo.oembed_thumbnail(request, self.cover, maxwidth=maxwidth, maxheight=maxheight))
        return data


class LessonPage(renditions.PrefetchRenditionsMixin, privacy.AliasAwarePrivacyMixin, Page):
    summary = models.TextField(help_text="One or two sentences shown to everyone, in outlines and search.")
    teaser = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown to everyone above the lock, in place of the lesson. Never put the lesson itself here.",
    )
    body = StreamField(LessonBodyBlock(), help_text="The lesson. Only students with access ever see it.")
    module = models.CharField(
        max_length=120,
        blank=True,
        help_text="The module heading this lesson sits under; lessons next to each other with the same "
        "module are grouped in the outline.",
    )
    duration_minutes = models.PositiveSmallIntegerField(default=10, help_text="Roughly how long it takes.")
    required = models.BooleanField(default=True, help_text="Required lessons decide when the course is complete.")
    free_preview = models.BooleanField(default=False, help_text="Open to everyone, even without buying or signing in.")
    drip_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Opens this many days after the student's access began (first purchase, or enrolment "
        "for a free course). Empty: open straight away.",
    )
    release_at = models.DateTimeField(
        null=True, blank=True, help_text="Opens for everyone with access on this date, whatever the drip."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("teaser"),
        FieldPanel("body"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("module"),
                FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("required"), FieldPanel("free_preview")]),
                FieldRowPanel([FieldPanel("drip_days"), FieldPanel("release_at")]),
            ],
            heading="Lesson settings",
        ),
        *Page.settings_panels,
    ]
    # Titles and summaries only: a paid lesson's body never reaches the search index.
    search_fields = [*Page.search_fields, index.SearchField("summary", boost=2)]
    parent_page_types = ["courses.CoursePage"]
    # body and access are computed per request through courses/access.py: the full body or null.
    api_fields = [
        APIField("summary"),
        APIField("teaser"),
        APIField("module"),
        APIField("duration_minutes"),
        APIField("required"),
        APIField("free_preview"),
        APIField("drip_days"),
        APIField("release_at"),
        APIField("body", serializer=LessonBodyField()),
        APIField("access", serializer=LessonAccessField()),
        APIField("seo", serializer=SeoField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    subpage_types = []
    template = "courses/lesson_page.html"
    base_form_class = LessonPageForm

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).select_related("instructor__photo", "cover", "product").get()

    @property
    def search_summary(self) -> str:
        """The lesson's public words for search, meta descriptions and cards: never its (maybe paid) body."""
        return self.summary or self.search_description or self.course.summary

    @property
    def social_image(self):
        return self.course.cover

    # --- Previews: editors see the page as each kind of visitor would. ---

    @property
    def preview_modes(self):
        modes = [
            ("", "As a student with access"),
            ("anonymous", "As an anonymous visitor"),
            ("visitor", "Signed in, without access"),
        ]
        if self.drip_days:
            modes.append((f"owner-day-{max(self.drip_days - 1, 0)}", f"Student on day {self.drip_days - 1}"))
        modes.append(("refunded", "After a refund"))
        modes.append(("disputed", "During a payment dispute"))
        return modes

    def serve_preview(self, request, mode_name):
        from courses import access

        request.is_preview = True
        request.preview_mode = mode_name
        context = self.get_context(request, preview_access=access.preview_access(lesson=self, mode=mode_name))
        from django.template.response import TemplateResponse

        return TemplateResponse(request, self.get_template(request), context)

    def get_context(self, request, *args, preview_access=None, **kwargs):
        from courses import outline

        context = super().get_context(request, *args, **kwargs)
        # The outline gathers the viewer's facts once and decides this lesson with them too.
        context.update(
            outline.for_lesson(user=request.user, lesson=self, course=self.course, lesson_access=preview_access)
        )
        context.update(
            outline.sign_in_code(
                request=request, course=self.course, next_url=self.get_url(request) or "", goal="open this lesson"
            )
        )
        return context

    def shows_body(self, context: dict) -> bool:
        return context["access"].granted

    def serve(self, request, *args, **kwargs):
        from courses import progress

        response = super().serve(request, *args, **kwargs)
        lesson_access = response.context_data["access"]
        if lesson_access.granted and request.user.is_authenticated:
            progress.record_visit(user=request.user, lesson=self)
        response["Cache-Control"] = "private, no-cache"
        return response

    def structured_data(self, request) -> list[dict]:
        course = self.course
        course_url = seo.absolute(request, course.get_url(request) or "/")
        data = {
            "@context": "https://schema.org",
            "@type": "LearningResource",
            "name": self.title,
            "description": self.summary,
            "url": seo.absolute(request, self.get_url(request) or "/"),
            "timeRequired": seo.iso_duration(minutes=self.duration_minutes),
            "isAccessibleForFree": self.free_preview or course.is_free,
            "isPartOf": {"@type": "Course", "name": course.title, "url": course_url},
        }
        if course.instructor is not None:
            data["author"] = seo.nested(course.instructor.structured_data(request))
        return [data]

    def oembed(self, request, *, maxwidth=None, maxheight=None) -> dict:
        course = self.course
        return course.oembed_card(
            request,
            url=self.get_url(request),
            title=f"{self.title} · {course.title}",
            summary=self.summary,
            maxwidth=maxwidth,
            maxheight=maxheight,
        )


class Enrolment(AttributedModel):
    """A student's place in a course: how they joined, their consent, where they are, when they finished."""

    FREE = "free"
    PURCHASE = "purchase"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(max_length=16, choices=[(FREE, "Free sign-up"), (PURCHASE, "Purchase")])
    enrolled_at = models.DateTimeField()
    consent_at = models.DateTimeField(null=True, blank=True, help_text="When the student confirmed the e-mails.")
    consent_text = models.TextField(blank=True, help_text="The words the student agreed to.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    wants_newsletter = models.BooleanField(
        default=False,
        help_text='The student ticked "send me the newsletter" when signing up (unticked by default); '
        "it counts from the confirmation. The newsletter reads it.",
    )
    last_lesson = models.ForeignKey(LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When every required lesson was first done.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrolment_per_course")]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def wants_email(self) -> bool:
        return self.consent_at is not None and self.unsubscribed_at is None


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"


class DripNotice(models.Model):
    """One row per student and lesson whose 'now open' e-mail has been queued: the e-mail goes once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_drip_notice_per_lesson")]

    def __str__(self):
        return f"{self.user} told about {self.lesson}"


def certificate_code() -> str:
    return secrets.token_urlsafe(18)


class CertificateName(models.Model):
    """The name a student chose for their certificates; empty means "a student", never their e-mail address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_name")
    name = models.CharField(max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.name or "(no name)"


class Certificate(models.Model):
    """Proof of completion, verifiable by anyone who has the unguessable code.

    Renaming re-issues: the old row keeps its code, loses the name and records when it was superseded.
    """

    code = models.CharField(max_length=32, unique=True, default=certificate_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    # The certificate outlives the page: the title is copied, so verification still works after a deletion.
    course = models.ForeignKey(CoursePage, null=True, on_delete=models.SET_NULL, related_name="certificates")
    student_name = models.CharField(max_length=160, blank=True)
    course_title = models.CharField(max_length=255)
    completed_at = models.DateTimeField()
    issued_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_certificate_per_course",
            )
        ]

    def __str__(self):
        return f"{self.awarded_to}: {self.course_title}"

    @property
    def awarded_to(self) -> str:
        return self.student_name or "a student"
