"""RSS 2.0 and Atom feeds of the articles an anonymous reader may see: site-wide, per topic, per author."""

import copy

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

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
        return Feed.__call__(feed, request, *args, **kwargs)

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
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


class AtomMixin:
    feed_type = Atom1Feed
    kind = "atom"


class TopicFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {self.site_name()}"

    def description(self, obj=None):
        return obj.description or f"Articles about {obj.name.lower()}."

    subtitle = description

    def articles(self, obj=None):
        return super().articles().filter(topic_items__tag=obj)


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
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
