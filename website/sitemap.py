"""/sitemap.xml: Wagtail's sitemap of the live pages an anonymous reader may see, aliases of private pages left out.

Every URL carries a `lastmod`: a page's own publish date, or for a page that lists others (home, the article
index, its topic and author listings) the newest of that and the public pages it lists.
"""

from django.db.models import Max
from wagtail.contrib.sitemaps import Sitemap

from core import privacy


def own_date(page):
    """When the page itself last changed for readers, as far as Wagtail recorded it (None if never)."""
    return page.last_published_at or page.latest_revision_created_at or page.first_published_at


def newest_public_descendant(page, *, request=None):
    """The newest publish date among the live public pages under `page` (None for a leaf or an empty branch)."""
    if not page.numchild:
        return None
    pages = privacy.public(page.get_descendants().live(), request=request)
    return pages.aggregate(newest=Max("last_published_at"))["newest"]


def newest(*dates):
    known = [value for value in dates if value is not None]
    return max(known) if known else None


class PublicSitemap(Sitemap):
    def items(self):
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True).live()
        return privacy.public(pages, request=self.request).order_by("path").defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        urls = []
        for item in self.paginator.page(page).object_list.iterator():
            for info in item.get_sitemap_urls(self.request):
                if info.get("lastmod") is None or info["location"] == item.get_full_url(self.request):
                    listed = newest_public_descendant(item, request=self.request)
                    info["lastmod"] = newest(info.get("lastmod"), own_date(item), listed)
                urls.append(info)
        dates = [info["lastmod"] for info in urls if info["lastmod"] is not None]
        # A page Wagtail holds no date for (created by a script, never published through a revision, listing
        # nothing dated) is dated with the sitemap's newest change: the latest moment it can have been written.
        for info in urls:
            if info["lastmod"] is None and dates:
                info["lastmod"] = max(dates)
        if dates:
            self.latest_lastmod = max(dates)
        return urls
