"""Articles promote products with a link to the uncached buy page, so the article itself stays cacheable."""

import re

from shop import entitlements
from shop.entitlements import Actor
from shop.models import Product
from website.models import ArticlePage


def test_demo_hip_flexor_article_promotes_the_iliopsoas_guide_with_a_link(client, demo_site):
    article = ArticlePage.objects.get(slug="hip-flexor-stretches")

    response = client.get("/articles/hip-flexor-stretches/")

    html = response.content.decode()
    assert response.status_code == 200
    # The link names the article it sits in (the same for every reader), so the buy page can record it.
    assert f'href="/shop/buy/iliopsoas-guide/?from={article.pk}"' in html
    promotion = re.search(r'<aside[^>]*class="[^"]*promo.*?</aside>', html, re.S)
    assert promotion is not None
    assert "<form" not in promotion.group(0)


def test_owner_sees_that_they_own_the_promoted_guide(client, demo_site, django_user_model):
    buyer = django_user_model.objects.create_user("reader", email="reader@example.com")
    entitlements.grant(
        user=buyer, product=Product.objects.get(slug="iliopsoas-guide"), actor=Actor.for_system(), reason="test"
    )
    client.force_login(buyer)

    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    assert 'href="/shop/buy/iliopsoas-guide/' not in html
    assert "You own this" in html
