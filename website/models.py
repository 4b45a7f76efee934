"""Editorial pages (articles, guide sales pages, legal pages), topics and the site-wide settings.

Cross-app protocols that other page types may answer too (see website/seo.py):
`structured_data(request) -> list[dict]`, `oembed(request, *, maxwidth, maxheight) -> dict`,
`search_summary` (plain text) and `social_image` (a Wagtail image for Open Graph).
"""

import math
import re
from datetime import date
from email.utils import parseaddr

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from config.api.fields import SeoField, SortedNamesField, StructuredDataField
from core import privacy, renditions
from core.models import AuthorProfile
from shop.api_fields import ProductField
from shop.models import Product, format_money
from website import seo
from website.blocks import ArticleBodyBlock, GuideSalesBlock

ARTICLES_PER_PAGE = 12
WORDS_PER_MINUTE = 200


# --- Site settings ----------------------------------------------------------------------------------


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(max_length=120, default="Lower Back Pain Relief")
    tagline = models.CharField(
        max_length=200, blank=True, help_text="One line about the site; the fallback meta description."
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page without its own picture is shared (1200x630 works best).",
    )
    footer_text = RichTextField(blank=True, features=["bold", "italic", "link"])
    medical_disclaimer = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown at the end of every article and wherever an editor adds the disclaimer block.",
    )
    twitter_handle = models.CharField(max_length=40, blank=True, help_text="Without the @, for Twitter/X cards.")
    contact_email = models.EmailField(
        blank=True,
        help_text="The footer's Contact link writes to this address; empty: the address the site's e-mail comes from.",
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("default_share_image"),
        FieldPanel("footer_text"),
        FieldPanel("medical_disclaimer"),
        FieldPanel("twitter_handle"),
        FieldPanel("contact_email"),
    ]

    @property
    def contact_address(self) -> str:
        """Where readers write to: the contact address, else the address part of DEFAULT_FROM_EMAIL."""
        return self.contact_email or parseaddr(django_settings.DEFAULT_FROM_EMAIL)[1]

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"


# --- Topics -----------------------------------------------------------------------------------------


class Topic(TagBase):
    """A topic an article is filed under; each has an archive page at /articles/topic/<slug>/."""

    description = models.TextField(blank=True, help_text="A sentence or two shown on the topic's archive page.")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = "topic"
        verbose_name_plural = "topics"


class ArticleTopic(ItemBase):
    # Deleting a topic removes only these links; the articles stay published.
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = ParentalKey("website.ArticlePage", on_delete=models.CASCADE, related_name="topic_items")


# --- Pages ------------------------------------------------------------------------------------------


class WebsitePage(renditions.PrefetchRenditionsMixin, privacy.AliasAwarePrivacyMixin, Page):
    """What this app's page types share; abstract."""

    class Meta:
        abstract = True

    @property
    def search_summary(self) -> str:
        return self.search_description

    def structured_data(self, request) -> list[dict]:
        return []


def live_articles(*, request=None):
    """Articles an anonymous reader may see (aliases of private articles excluded), newest first."""
    return (
        privacy.public(ArticlePage.objects.live(), request=request)
        .select_related("author__photo", "hero_image")
        .order_by("-published_date", "-first_published_at", "-pk")
    )


def guide_bundle() -> Product | None:
    """The bundle on sale that holds only guides, two or more ("All three guides"), with `guides` and `parts_total`."""
    guide = Product.Kind.GUIDE
    return (
        Product.objects.filter(kind=Product.Kind.BUNDLE, active=True)
        .annotate(
            guides=Count("includes", filter=Q(includes__kind=guide)),
            parts=Count("includes"),
            parts_total=Sum("includes__price_amount", filter=Q(includes__currency=F("currency"))),
        )
        .filter(guides__gte=2, guides=F("parts"))
        .order_by("price_amount", "pk")
        .first()
    )


def bundle_offer(product_ids_owned: set[int]) -> dict | None:
    """What the "Get all three" offer shows; None without such a bundle or for a reader who owns any part of it
    (they would pay twice for that guide)."""
    bundle = guide_bundle()
    if bundle is None:
        return None
    included_ids = set(bundle.includes.values_list("pk", flat=True))
    if (included_ids | {bundle.pk}) & product_ids_owned:
        return None
    saving = (bundle.parts_total or 0) - bundle.price_amount
    return {
        "product": bundle,
        "saving": format_money(saving, bundle.currency) if saving > 0 else "",
        "included_ids": included_ids,
    }


class HomePage(WebsitePage):
    introduction = models.TextField(blank=True, help_text="A short welcome under the site name.")
    featured_article = models.ForeignKey(
        "website.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown large at the top; the newest article when empty.",
    )

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("featured_article")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    max_count = 1
    # Named downward: pages below the home page never name it as their parent.
    subpage_types = [
        "website.ArticleIndexPage",
        "website.ShopIndexPage",
        "website.LegalPage",
        "courses.CourseIndexPage",
    ]

    @property
    def search_summary(self) -> str:
        return self.search_description or self.introduction

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query however many articles there are: the featured one first (when live and public), then the newest.
        chosen = Case(When(pk=self.featured_article_id or 0, then=Value(1)), default=Value(0))
        articles = list(
            live_articles(request=request)
            .annotate(chosen=chosen)
            .order_by("-chosen", "-published_date", "-first_published_at", "-pk")[:8]
        )
        featured = articles[0] if articles else None
        context["featured_article"] = featured
        context["latest_articles"] = articles[1:7]
        published = live_articles(request=request).values("pk")
        context["topics"] = Topic.objects.filter(
            Exists(ArticleTopic.objects.filter(tag=OuterRef("pk"), content_object__in=published))
        )
        context["author"] = featured.author if featured and featured.author else None
        context["index_url"] = featured.index_url(request) if featured else None
        context["author_url"] = featured.author_url(request) if featured else None
        context.update(self.offers(request))
        return context

    def offers(self, request) -> dict:
        """What the author sells and gives away, for the home page: the guides, the bundle, the courses.

        The same for every reader (nothing owned or personal), so the page stays cacheable; the free course's
        sign-up form posts to the uncached, rate-limited enrol view without a per-person token.
        """
        from courses.models import CoursePage

        guides = privacy.public(GuidePage.objects.live(), request=request).select_related("product", "cover")
        courses = privacy.public(CoursePage.objects.live(), request=request).select_related("product", "cover")
        courses = list(courses.order_by("path"))
        guides = list(guides.order_by("path")[:3])
        bundle = guide_bundle()
        if bundle is not None:
            included = set(bundle.includes.values_list("pk", flat=True))
            bundle.covers = [guide.cover for guide in guides if guide.cover and guide.product_id in included]
        return {
            "offer_guides": guides,
            "offer_courses": [course for course in courses if not course.is_free],
            "free_course": next((course for course in courses if course.is_free), None),
            "guide_bundle": bundle,
        }

    def structured_data(self, request) -> list[dict]:
        home = seo.absolute(request, self.get_url(request))
        settings = seo.site_settings(request)
        return [
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": settings.site_name if settings else self.title,
                "url": home,
                "description": self.introduction or (settings.tagline if settings else ""),
                "inLanguage": "en-GB",
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": seo.absolute(request, "/search/") + "?q={search_term_string}",
                    },
                    "query-input": "required name=search_term_string",
                },
            }
        ]


class ArticleIndexPage(RoutablePageMixin, WebsitePage):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]

    @classmethod
    def find_live(cls):
        return cls.objects.live().order_by("path").first()

    @property
    def search_summary(self) -> str:
        return self.search_description or self.introduction

    def topics_in_use(self, request=None):
        articles = privacy.public(ArticlePage.objects.child_of(self).live(), request=request)
        return Topic.objects.filter(
            Exists(ArticleTopic.objects.filter(tag=OuterRef("pk"), content_object__in=articles.values("pk")))
        ).annotate(article_count=Count("tagged_articles"))

    def articles(self, request=None):
        return live_articles(request=request).child_of(self).prefetch_related("topics")

    def paginate(self, request, queryset):
        return Paginator(queryset, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))

    @path("")
    def index_view(self, request):
        topic_slug = request.GET.get("topic")
        if topic_slug:
            topic = get_object_or_404(Topic, slug=topic_slug[:100])
            return HttpResponsePermanentRedirect(
                self.get_url(request) + self.reverse_subpage("topic", args=[topic.slug])
            )
        return self.render(
            request,
            context_overrides={
                "articles": self.paginate(request, self.articles(request)),
                "topics": self.topics_in_use(request),
            },
        )

    @path("topic/<slug:slug>/", name="topic")
    def topic_view(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        articles = self.articles(request).filter(topic_items__tag=topic)
        url = self.get_url(request) + self.reverse_subpage("topic", args=[slug])
        return self.render(
            request,
            template="website/topic_page.html",
            context_overrides={
                "topic": topic,
                "articles": self.paginate(request, articles),
                "topics": self.topics_in_use(request),
                "extra_breadcrumbs": [(topic.name, url)],
                "meta_title": f"{topic.name}: articles",
                "meta_description": topic.description or f"Articles about {topic.name.lower()}.",
                "feed_links": [
                    (f"{topic.name} (RSS)", f"/feeds/topic/{slug}/rss/", "rss"),
                    (f"{topic.name} (Atom)", f"/feeds/topic/{slug}/atom/", "atom"),
                ],
                "structured_data": [
                    {
                        "@context": "https://schema.org",
                        "@type": "CollectionPage",
                        "name": topic.name,
                        "url": seo.absolute(request, url),
                        "about": {"@type": "Thing", "name": topic.name},
                    }
                ],
            },
        )

    @path("author/<slug:slug>/", name="author")
    def author_view(self, request, slug):
        author = get_object_or_404(AuthorProfile.objects.select_related("photo"), slug=slug)
        url = self.get_url(request) + self.reverse_subpage("author", args=[slug])
        articles = self.articles(request).filter(author=author)
        return self.render(
            request,
            template="website/author_page.html",
            context_overrides={
                "author": author,
                "articles": self.paginate(request, articles),
                "extra_breadcrumbs": [(author.name, url)],
                "meta_title": f"{author.name}{', ' + author.credentials if author.credentials else ''}",
                "meta_description": author.role or author.biography_text[:160],
                "social_image": author.photo,
                "og_type": "profile",
                "feed_links": [
                    (f"{author.name} (RSS)", f"/feeds/author/{slug}/rss/", "rss"),
                    (f"{author.name} (Atom)", f"/feeds/author/{slug}/atom/", "atom"),
                ],
                "structured_data": [author.structured_data(request, index_url=self.get_url(request))],
            },
        )

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if not base:
            return urls
        # A topic or author listing changed when the newest public article it lists was published.
        articles = self.articles(request).order_by()
        by_topic = dict(articles.values_list("topic_items__tag").annotate(newest=Max("last_published_at")))
        for topic in self.topics_in_use(request):
            urls.append(
                {
                    "location": base + self.reverse_subpage("topic", args=[topic.slug]),
                    "lastmod": by_topic.get(topic.pk),
                }
            )
        by_author = dict(articles.values_list("author").annotate(newest=Max("last_published_at")))
        authors = AuthorProfile.objects.filter(pk__in=[pk for pk in by_author if pk is not None])
        for author in authors.exclude(slug=None).order_by("slug"):
            urls.append(
                {
                    "location": base + self.reverse_subpage("author", args=[author.slug]),
                    "lastmod": by_author[author.pk],
                }
            )
        return urls

    def structured_data(self, request) -> list[dict]:
        return [
            {
                "@context": "https://schema.org",
                "@type": "CollectionPage",
                "name": self.title,
                "url": seo.absolute(request, self.get_url(request)),
                "description": self.introduction,
            }
        ]


class RelatedArticle(Orderable):
    page = ParentalKey("website.ArticlePage", on_delete=models.CASCADE, related_name="related_links")
    article = models.ForeignKey(
        "website.ArticlePage", on_delete=models.CASCADE, related_name="+", verbose_name="related article"
    )

    panels = [FieldPanel("article")]


class ArticlePageQuerySet(PageQuerySet):
    """A caller that narrows the columns (`only`, `defer`: Wagtail's tree code does when deleting a page) gets no
    joins: Django refuses a foreign key that is both deferred and followed by `select_related`."""

    def only(self, *fields):
        return PageQuerySet.only(self.select_related(None), *fields)

    def defer(self, *fields):
        return PageQuerySet.defer(self.select_related(None), *fields)


class ArticlePageManager(PageManager.from_queryset(ArticlePageQuerySet)):
    """Articles always show their author, the author's photo and the hero picture: fetch them together, also
    when Wagtail loads the page it routed to (`Page.specific` asks the default manager)."""

    def get_queryset(self):
        return super().get_queryset().select_related("author__photo", "hero_image", "reviewer")


class ArticlePage(WebsitePage):
    standfirst = models.TextField(help_text="One or two sentences under the headline; also the meta description.")
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Wide picture at the top; also the share picture. 1600x900 or larger works best.",
    )
    hero_alt = models.CharField(
        "hero alt text",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Leave empty only if it is decorative.",
    )
    hero_caption = models.CharField(max_length=250, blank=True)
    author = models.ForeignKey(AuthorProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    topics = ClusterTaggableManager(
        through=ArticleTopic, blank=True, verbose_name="topics", help_text="Topics this article is filed under."
    )
    body = StreamField(ArticleBodyBlock())
    published_date = models.DateField(
        "first published",
        null=True,
        blank=True,
        help_text="Shown as the publication date; filled in when the article first goes live.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the advice was last checked; shown under the headline."
    )
    reviewer = models.ForeignKey(
        AuthorProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_articles",
        help_text="Someone other than the author who checked the advice (named as its reviewer in search "
        "results). Leave empty when the author reviewed it.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_alt"), FieldPanel("hero_caption")], heading="Hero image"
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldPanel("topics"),
                FieldRowPanel([FieldPanel("published_date"), FieldPanel("last_reviewed")]),
                FieldPanel("reviewer"),
            ],
            heading="About this article",
        ),
        InlinePanel("related_links", label="Related article", heading="Related articles (shown first)"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst", boost=2),
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("published_date"),
    ]
    parent_page_types = ["website.ArticleIndexPage"]
    objects = ArticlePageManager()
    api_fields = [
        APIField("standfirst"),
        APIField("hero_image"),
        APIField("hero", serializer=ImageRenditionField("fill-1600x900|format-webp", source="hero_image")),
        APIField("hero_thumbnail", serializer=ImageRenditionField("fill-600x338|format-webp", source="hero_image")),
        APIField("hero_alt"),
        APIField("hero_caption"),
        APIField("author"),
        APIField("topics", serializer=SortedNamesField("topic_list")),
        APIField("body"),
        APIField("published_date"),
        APIField("last_reviewed"),
        APIField("reviewer"),
        APIField("reading_minutes"),
        APIField("seo", serializer=SeoField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    subpage_types = []

    def clean(self):
        super().clean()
        if self.reviewer_id is not None and self.reviewer_id == self.author_id:
            raise ValidationError({"reviewer": "The author cannot review their own article: name someone else."})

    def save(self, *args, **kwargs):
        if self.published_date is None and self.first_published_at:
            self.published_date = self.first_published_at.date()
        super().save(*args, **kwargs)

    # Reader-facing values ---------------------------------------------------------------------

    @property
    def search_summary(self) -> str:
        return self.standfirst or self.search_description

    @property
    def social_image(self):
        return self.hero_image

    @property
    def first_published(self) -> date | None:
        if self.published_date:
            return self.published_date
        return self.first_published_at.date() if self.first_published_at else None

    @property
    def last_updated(self) -> date | None:
        """The later of the last review and the first publication."""
        dates = [d for d in (self.last_reviewed, self.first_published) if d]
        return max(dates) if dates else None

    @cached_property
    def topic_list(self) -> list[Topic]:
        return list(self.topics.all())

    @cached_property
    def reading_minutes(self) -> int:
        words = len(self.standfirst.split())
        for block in self.body.raw_data:
            words += len(re.findall(r"\w+", strip_tags(str(block.get("value", "")))))
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @cached_property
    def has_disclaimer_block(self) -> bool:
        return any(block.get("type") == "disclaimer" for block in self.body.raw_data)

    def index_url(self, request) -> str | None:
        """The parent index's URL, derived from this page's own URL (no query)."""
        url = self.get_url(request)
        if not url:
            return None
        return url[: url.rstrip("/").rfind("/") + 1]

    def author_url(self, request) -> str | None:
        return self.author.get_url(request, index_url=self.index_url(request)) if self.author else None

    def related_articles(self, limit: int = 3, *, request=None) -> list["ArticlePage"]:
        """Editor-picked first (in their order), then the newest sharing a topic; one query."""
        if not self.pk:
            return []
        picked = RelatedArticle.objects.filter(page=self.pk, article=OuterRef("pk")).values("sort_order")[:1]
        shares_topic = ArticleTopic.objects.filter(
            content_object=OuterRef("pk"), tag__in=ArticleTopic.objects.filter(content_object=self.pk).values("tag")
        )
        return list(
            live_articles(request=request)
            .exclude(pk=self.pk)
            .annotate(picked=Subquery(picked), shares_topic=Exists(shares_topic))
            .filter(Q(picked__isnull=False) | Q(shares_topic=True))
            .order_by(F("picked").asc(nulls_last=True), "-published_date", "-pk")[:limit]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = self.related_articles(request=request)
        context["author_url"] = self.author_url(request)
        context["index_url"] = self.index_url(request)
        context["og_type"] = "article"
        return context

    # Protocols -------------------------------------------------------------------------------------

    def structured_data(self, request) -> list[dict]:
        url = seo.absolute(request, self.get_url(request))
        article = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title[:110],
            "description": self.standfirst,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "inLanguage": "en-GB",
            "wordCount": self.reading_minutes * WORDS_PER_MINUTE,
        }
        if self.first_published:
            article["datePublished"] = self.first_published.isoformat()
        if self.last_updated:
            article["dateModified"] = self.last_updated.isoformat()
        image = self.hero_image or getattr(seo.site_settings(request), "default_share_image", None)
        if image and (image_url := seo.absolute_image_url(request, image, seo.STRUCTURED_DATA_IMAGE_SPEC)):
            article["image"] = [image_url]
        if self.author:
            article["author"] = self.author.structured_data(request, index_url=self.index_url(request))
            article["author"].pop("@context", None)
        if self.topic_list:
            article["keywords"] = [topic.name for topic in self.topic_list]
            article["about"] = [{"@type": "Thing", "name": topic.name} for topic in self.topic_list]
        settings = seo.site_settings(request)
        article["publisher"] = {
            "@type": "Organization",
            "name": settings.site_name if settings else self.title,
            "url": seo.absolute(request, "/"),
        }
        return [article, self.web_page_data(request, url=url)]

    def web_page_data(self, request, *, url: str) -> dict:
        """The page the article sits on, with when its advice was last reviewed and by whom.

        A plain WebPage: MedicalWebPage would claim medical review this site does not promise. `reviewedBy`
        only names someone other than the author (the author checking their own words is not a review).
        """
        page = {
            "@context": seo.SCHEMA,
            "@type": "WebPage",
            "@id": url,
            "url": url,
            "name": self.seo_title or self.title,
            "inLanguage": "en-GB",
        }
        if self.last_reviewed:
            page["lastReviewed"] = self.last_reviewed.isoformat()
        if self.reviewer is not None and self.reviewer_id != self.author_id:
            page["reviewedBy"] = seo.nested(self.reviewer.structured_data(request))
        return page

    def oembed(self, request, *, maxwidth: int | None, maxheight: int | None) -> dict:
        data = seo.oembed_card(
            request,
            url=self.get_url(request),
            title=self.title,
            aside=f" by {self.author}" if self.author else "",
            summary=self.standfirst,
            maxwidth=maxwidth,
            maxheight=maxheight,
        )
        if self.author:
            data["author_name"] = str(self.author)
            author_url = self.author_url(request)
            if author_url:
                data["author_url"] = seo.absolute(request, author_url)
        if self.hero_image:
            data.update(seo.oembed_thumbnail(request, self.hero_image, maxwidth=maxwidth, maxheight=maxheight))
        return data


# --- Sales and legal pages: editorial pages about the shop's products. Buying happens in shop.views. ---


class ShopIndexPage(privacy.AliasAwarePrivacyMixin, Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.GuidePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from shop import entitlements

        context = super().get_context(request, *args, **kwargs)
        guides = privacy.public(GuidePage.objects.child_of(self).live(), request=request)
        context["guides"] = guides.select_related("product", "cover")
        context["owned_ids"] = entitlements.product_ids_for(request.user)
        context["bundle_offer"] = bundle_offer(context["owned_ids"])
        return context

    @property
    def search_summary(self) -> str:
        return self.introduction


class GuidePage(privacy.AliasAwarePrivacyMixin, Page):
    """A guide's sales page: the book's facts, then the selling sections the editor orders in `sales`."""

    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="guide_pages")
    author = models.ForeignKey(
        "core.AuthorProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )
    cover = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subtitle = models.CharField(max_length=200, blank=True)
    description = RichTextField(features=["bold", "italic", "link", "ul", "ol", "h2", "h3"])
    sales = StreamField(
        GuideSalesBlock(),
        blank=True,
        help_text="What's inside, sample pages, testimonials, questions and the refund promise, in your order.",
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    edition = models.CharField(max_length=60, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldPanel("product"),
        FieldPanel("author"),
        FieldPanel("cover"),
        FieldPanel("description"),
        FieldPanel("sales"),
        FieldPanel("year"),
        FieldPanel("edition"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle", boost=2),
        index.SearchField("description"),
        index.SearchField("sales"),
    ]
    parent_page_types = ["website.ShopIndexPage"]
    api_fields = [
        APIField("subtitle"),
        APIField("product", serializer=ProductField()),
        APIField("author"),
        APIField("cover"),
        APIField("cover_rendition", serializer=ImageRenditionField("max-800x1200|format-webp", source="cover")),
        APIField("description"),
        APIField("chapters"),
        APIField("sales"),
        APIField("year"),
        APIField("edition"),
        APIField("seo", serializer=SeoField()),
        APIField("structured_data", serializer=StructuredDataField()),
    ]
    subpage_types = []

    @property
    def chapters(self) -> list[str]:
        """The chapter titles of the page's "What's inside" sections, for the API and listings."""
        return [
            chapter["title"]
            for block in self.sales
            if block.block_type == "inside"
            for chapter in block.value["chapters"]
        ]

    @property
    def search_summary(self) -> str:
        return self.subtitle or strip_tags(self.description)[:300]

    def get_context(self, request, *args, **kwargs):
        from shop import entitlements

        context = super().get_context(request, *args, **kwargs)
        owned_ids = entitlements.product_ids_for(request.user)
        context["owned"] = bool(self.product_id) and self.product_id in owned_ids
        offer = bundle_offer(owned_ids)
        # Offered beside a guide it holds, to a reader who does not own this one yet.
        if offer and self.product_id in offer["included_ids"] and not context["owned"]:
            context["bundle_offer"] = offer
        return context

    def structured_data(self, request) -> list[dict]:
        url = request.build_absolute_uri(self.get_url(request))
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
        if self.cover and (cover := seo.rendition(self.cover, "width-800")):
            book["image"] = request.build_absolute_uri(cover.url)
        if self.author:
            book["author"] = seo.nested(self.author.structured_data(request))
        if self.product:
            book["offers"] = seo.offer(
                request,
                price=self.product.price_major,
                currency=self.product.currency,
                available=self.product.active,
                url=self.product.get_buy_url(),
            )
        return [book]

    def oembed(self, request, *, maxwidth: int | None, maxheight: int | None) -> dict:
        data = seo.oembed_card(
            request,
            url=self.get_url(request),
            title=self.title,
            aside=f" · {self.product.price_display}" if self.product else "",
            summary=self.search_summary,
            maxwidth=maxwidth,
            maxheight=maxheight,
        )
        if self.author:
            data["author_name"] = str(self.author)
        if self.cover:
            data.update(seo.oembed_cover(request, self.cover, maxwidth=maxwidth, maxheight=maxheight))
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

    @classmethod
    def urls_by_slug(cls, slugs: list[str]) -> dict[str, str]:
        """{slug: URL} of the live legal pages among `slugs`; checkout asks through shop.pages."""
        return {page.slug: page.url for page in cls.objects.live().filter(slug__in=slugs)}
