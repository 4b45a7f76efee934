"""What readers see and editors publish: pages (articles, guide sales pages, legal pages), site settings."""

from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Website"

    def ready(self):
        # The rooms below learn about these pages by registration, never by importing them.
        from core.models import register_author_index
        from shop import pages
        from website.models import ArticleIndexPage, GuidePage, LegalPage

        register_author_index(ArticleIndexPage.find_live)
        pages.register_product_page(GuidePage)
        pages.register_legal_pages(LegalPage.urls_by_slug)
