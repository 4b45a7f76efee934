"""The website's non-page URLs, mounted at the site root before Wagtail's page catch-all."""

from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from website import feeds, views
from website.sitemap import PublicSitemap

urlpatterns = [
    path("search/", views.search, name="search"),
    path("oembed", views.oembed, name="oembed"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": PublicSitemap}}, name="sitemap"),
    path("feeds/rss/", feeds.ArticleFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.AtomArticleFeed(), name="feed_atom"),
    path("feeds/topic/<slug:slug>/rss/", feeds.TopicFeed(), name="feed_topic_rss"),
    path("feeds/topic/<slug:slug>/atom/", feeds.AtomTopicFeed(), name="feed_topic_atom"),
    path("feeds/author/<slug:slug>/rss/", feeds.AuthorFeed(), name="feed_author_rss"),
    path("feeds/author/<slug:slug>/atom/", feeds.AtomAuthorFeed(), name="feed_author_atom"),
]
