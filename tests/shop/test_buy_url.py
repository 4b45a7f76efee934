"""Every room links to buying a product the one way: Product.get_buy_url()."""

import re

from courses.models import CoursePage
from shop.models import Product
from website.models import GuidePage


def test_guide_and_course_pages_link_to_the_products_buy_url(client, demo_site):
    guide = GuidePage.objects.live().public().filter(product__isnull=False).first()
    course = CoursePage.objects.live().public().filter(product__price_amount__gt=0).first()

    for page in (guide, course):
        html = client.get(page.url).content.decode()
        links = set(re.findall(r'href="([^"]*/buy/[^"]*)"', html))
        assert page.product.get_buy_url() == f"/shop/buy/{page.product.slug}/"
        # The page's own product, and on a guide's page also the guides bundle: each by its get_buy_url().
        assert page.product.get_buy_url() in links, page.url
        assert links <= {product.get_buy_url() for product in Product.objects.all()}, page.url
