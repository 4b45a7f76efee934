"""The article page needs at most 8 queries and the home page at most 10, however many articles exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.website.conftest import add_article

LIMITS = {"/articles/hip-flexor-stretches/": 8, "/": 10, "/articles/": 12}


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
