"""Outside-in: a domain error reaches a person over real HTTP (gunicorn) as a clear 4xx, never a 500.

A buyer whose buy page was open while the product was withdrawn, a made-up demo checkout address, and a
visitor who asks the API to enrol them in a paid course each get the error's own status and sentence.
"""

from shop.models import Order, Product
from tests.courses.world import build_world
from tests.e2e.conftest import csrf_token


def test_domain_errors_answer_their_own_status_and_sentence_over_http(live_db, start_live_site, settings):
    settings.SHOP_DEMO = True  # buying is on, so the buy page shows its form
    live_site = start_live_site()
    world = build_world()
    browser = live_site.client()
    page = live_site.get(f"/shop/buy/{world.product.slug}/", browser)
    assert page.status_code == 200
    assert csrf_token(page.text)
    Product.objects.filter(pk=world.product.pk).update(active=False)  # withdrawn while the page was open

    bought = live_site.post(
        f"/shop/buy/{world.product.slug}/",
        browser,
        data={"csrfmiddlewaretoken": csrf_token(page.text), "token": "e2e-withdrawn", "consent": "on"},
        headers={"Referer": live_site.url + f"/shop/buy/{world.product.slug}/"},
    )
    demo = live_site.get("/shop/demo/checkout/cs_demo_made_up/")
    enrol = live_site.post(f"/api/learning/courses/{world.paid.pk}/enrol", json={"email": "ann@example.com"})

    assert bought.status_code == 404
    assert "Not for sale" in bought.text
    assert "This product does not exist or is no longer for sale." in bought.text
    assert "no-store" in bought.headers["Cache-Control"]
    assert not Order.objects.exists()
    assert demo.status_code == 404
    assert "This demo checkout does not exist." in demo.text
    assert enrol.status_code == 409
    assert enrol.json() == {
        "error": {"code": "not_free", "message": "This course is sold, not enrolled in for free.", "fields": []}
    }
    assert "Traceback" not in live_site.log()
