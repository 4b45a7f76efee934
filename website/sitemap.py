"""/sitemap.xml: Wagtail's sitemap of the live pages an anonymous reader may see, aliases of private pages left out."""

from wagtail.contrib.sitemaps import Sitemap

from core import privacy


class PublicSitemap(Sitemap):
    def items(self):
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True).live()
        return privacy.public(pages, request=self.request).order_by("path").defer_streamfields().specific()
