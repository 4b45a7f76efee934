"""What readers see and editors publish: pages (articles, guide sales pages, legal pages), site settings."""

from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"

    def ready(self):
        # The rooms below learn about these pages by registration, never by importing them.
        from core import fragments, purges
        from core.models import register_author_index
        from shop import pages
        from website import seo
        from website.models import ArticleIndexPage, GuidePage, LegalPage, Topic

        register_author_index(ArticleIndexPage.find_live)
        pages.register_product_page(GuidePage, shown_with=["cover"])
        pages.register_legal_pages(LegalPage.urls_by_slug)
        # Topic names and descriptions show on articles, archives and feeds: purge on a change whether or not the
        # admin registers topics as a snippet (a command or a data migration renames them too).
        purges.watch(Topic)
        # Every page's frame: read with one cache query per request, rebuilt after a purge.
        fragments.register("site_settings", seo.build_site_settings)
        fragments.register("top_pages", seo.build_top_pages)
