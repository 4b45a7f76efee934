"""Every change issue 13 names empties the page cache (core/purges.py, shop/prices.py): each trigger alone."""

import pytest
from django.core.cache import cache
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from core import pagecache
from shop import entitlements
from shop.models import Product
from tests.shop.factories import OrderFactory, ProductFactory, UserFactory
from tests.website import conftest as website_fixtures

site_tree = website_fixtures.site_tree


def _publish(tree):
    tree.hip.title = "Published again"
    tree.hip.save_revision().publish()


def _unpublish(tree):
    tree.hip.unpublish()


def _move(tree):
    tree.hip.move(tree.home, pos="last-child")


def _delete(tree):
    tree.hip.delete()


def _page_privacy(tree):
    PageViewRestriction.objects.create(page=tree.hip, restriction_type="password", password="secret")


def _page_privacy_removed(tree):
    tree.restriction.delete()


def _collection_privacy(tree):
    CollectionViewRestriction.objects.create(collection=Collection.get_first_root_node(), restriction_type="login")


def _alias(tree):
    tree.hip.create_alias(parent=tree.home, update_slug="hip-alias")


def _redirect(tree):
    Redirect.objects.create(old_path="/old-hip", redirect_page=tree.hip)


def _snippet(tree):
    tree.author.name = "Another name"
    tree.author.save()


def _topic_renamed(tree):
    tree.stretching.name = "Stretches"
    tree.stretching.save()


def _topic_deleted(tree):
    tree.pelvis.delete()


def _setting(tree):
    tree.settings.tagline = "A new tagline"
    tree.settings.save()


def _image(tree):
    tree.hero.title = "A new caption"
    tree.hero.save()


def _price(tree):
    product = Product.objects.get(pk=tree.guide.pk)
    product.price_amount = 2500
    product.save()


def _product_includes(tree):
    tree.bundle.includes.add(tree.guide)


TRIGGERS = [
    _publish,
    _unpublish,
    _move,
    _delete,
    _page_privacy,
    _page_privacy_removed,
    _collection_privacy,
    _alias,
    _redirect,
    _snippet,
    _topic_renamed,
    _topic_deleted,
    _setting,
    _image,
    _price,
    _product_includes,
]


@pytest.fixture
def tree(site_tree):
    """The small site plus what some triggers change: a restriction, a guide and a bundle (made before the act)."""
    site_tree.restriction = PageViewRestriction.objects.create(page=site_tree.hip, restriction_type="login")
    site_tree.guide = ProductFactory()
    site_tree.bundle = ProductFactory(kind=Product.Kind.BUNDLE)
    return site_tree


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda trigger: trigger.__name__.strip("_"))
def test_each_change_readers_see_purges_the_page_cache(trigger, tree, django_capture_on_commit_callbacks):
    cache.set(pagecache.GENERATION_KEY, "before", None)

    with django_capture_on_commit_callbacks(execute=True):
        trigger(tree)

    assert cache.get(pagecache.GENERATION_KEY) != "before"


def test_orders_and_entitlements_leave_the_cache_alone(tree, django_capture_on_commit_callbacks):
    """A sale changes no page: fulfilling orders (the webhook path) must not empty the cache for every reader."""
    cache.set(pagecache.GENERATION_KEY, "before", None)

    with django_capture_on_commit_callbacks(execute=True):
        order = OrderFactory(product=tree.guide, user=UserFactory())
        order.status = "paid"
        order.save()
        entitlements.grant(
            user=order.user, product=tree.guide, order=order, actor=entitlements.Actor(kind="system"), reason="test"
        )

    assert cache.get(pagecache.GENERATION_KEY) == "before"
