"""Pages routed by Wagtail itself need at most 12 queries each, however many articles exist.

Where they go on an article: the site, the route (the home page, then a query for each child and another
for its specific row, two levels down), the view restrictions, the settings, the topics, the related
articles, the sections the listings leave out, and the header menu. The breadcrumbs cost none: Wagtail's
routing keeps each parent it passed (`get_parent()`).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.website.conftest import add_article

LIMITS = {"/articles/hip-flexor-stretches/": 12, "/": 12, "/articles/": 12}


def queries_for(client, url):
    client.get(url)  # warm-up: renditions and site root paths are cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow_to(site_tree, count):
    existing = site_tree.index.get_children().count()
    for n in range(existing, count):
        add_article(
            site_tree.index,
            slug=f"article-{n}",
            author=site_tree.author,
            topics=[site_tree.stretching] if n % 2 else [site_tree.pelvis],
            hero=site_tree.hero,
        )


@pytest.mark.parametrize("url", list(LIMITS))
def test_query_count_is_bounded_and_constant(client, site_tree, url):
    grow_to(site_tree, 5)
    few = queries_for(client, url)
    grow_to(site_tree, 50)
    many = queries_for(client, url)

    assert few <= LIMITS[url]
    assert many == few
