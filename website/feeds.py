"""RSS 2.0 and Atom feeds of the articles an anonymous reader may see: site-wide, per topic, per author.

Entries carry the article's own dates, as its page and JSON-LD show them: published is the "first published"
date, updated the later of that and the last review. Feeds answer conditional GETs (If-None-Match,
If-Modified-Since) with 304 from validators one small query computes, before the feed is built.
"""

import copy
import datetime
import hashlib

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date

from core.models import AuthorProfile
from website import seo
from website.models import Topic, live_articles

FEED_LENGTH = 20


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed
    kind = "rss"

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: give each request its own copy to hold it.
        feed = copy.copy(self)
        feed.request = request
        try:
            obj = feed.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as error:
            raise Http404("Feed object does not exist.") from error
        etag, last_modified = feed.validators(obj)
        unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if unchanged is not None:
            return unchanged
        response = Feed.__call__(feed, request, *args, **kwargs)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return response

    def validators(self, obj) -> tuple[str, int | None]:
        """(ETag, Last-Modified) of this feed without building it: one query over the rows it would list.

        The ETag changes whenever an entry is added, removed (unpublished, made private), republished or
        reordered, its dates change, or the site's name or tagline does; Last-Modified is the latest CMS
        publication among the entries (what If-Modified-Since compares with).
        """
        listed = self.articles(obj).prefetch_related(None)[:FEED_LENGTH]
        rows = list(listed.values_list("pk", "last_published_at", "published_date", "last_reviewed", "author_id"))
        settings = seo.site_settings(self.request)
        fingerprint = repr((self.kind, self.request.path, settings.site_name, settings.tagline, rows))
        etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
        latest = max((row[1] for row in rows if row[1] is not None), default=None)
        # Whole seconds: HTTP dates have no fractions, and If-Modified-Since is compared with this.
        return etag, int(latest.timestamp()) if latest is not None else None

    _object = None

    def get_object(self, request, *args, **kwargs):
        if self._object is None:
            self._object = self.find_object(request, *args, **kwargs)
        return self._object

    def find_object(self, request, *args, **kwargs):
        return None

    def site_name(self):
        return seo.site_settings(self.request).site_name

    def title(self, obj=None):
        return self.site_name()

    def description(self, obj=None):
        return seo.site_settings(self.request).tagline or "New articles on lower back pain."

    subtitle = description

    def link(self, obj=None):
        return "/"

    def feed_url(self, obj=None):
        return self.request.path

    def articles(self, obj=None):
        return live_articles(request=self.request).prefetch_related("topics")

    def items(self, obj=None):
        return self.articles(obj)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return seo.absolute(self.request, item.get_url(self.request))

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return str(item.author) if item.author else None

    def item_author_link(self, item):
        if item.author:
            url = item.author.get_url(self.request)
            return seo.absolute(self.request, url) if url else None
        return None

    def item_pubdate(self, item):
        return as_datetime(item.first_published)

    def item_updateddate(self, item):
        return as_datetime(item.last_updated)

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class AtomMixin:
    feed_type = Atom1Feed
    kind = "atom"


def as_datetime(day: datetime.date | None) -> datetime.datetime | None:
    """A page's date as the start of that day in the site's time zone (feeds need a time; pages show the day)."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class TopicFeed(ArticleFeed):
    def find_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {self.site_name()}"

    def description(self, obj=None):
        return obj.description or f"Articles about {obj.name.lower()}."

    subtitle = description

    def articles(self, obj=None):
        return super().articles().filter(topic_items__tag=obj)


class AuthorFeed(ArticleFeed):
    def find_object(self, request, slug):
        return get_object_or_404(AuthorProfile, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {self.site_name()}"

    def description(self, obj=None):
        return f"Articles by {obj}."

    subtitle = description

    def link(self, obj=None):
        return obj.get_url(self.request)

    def articles(self, obj=None):
        return super().articles().filter(author=obj)


class AtomArticleFeed(AtomMixin, ArticleFeed):
    pass


class AtomTopicFeed(AtomMixin, TopicFeed):
    pass


class AtomAuthorFeed(AtomMixin, AuthorFeed):
    pass
