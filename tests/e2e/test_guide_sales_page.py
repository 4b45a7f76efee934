"""A reader meets a guide's sales page over HTTP: the real title, the sections that sell it, a sharp cover."""

import io
import re

from django.core.management import call_command
from PIL import Image


def candidates(srcset: str) -> dict[int, str]:
    """{width: address} of a srcset's `address 640w` candidates."""
    return {int(width): url for url, width in re.findall(r"(\S+) (\d+)w", srcset)}


def test_guide_page_sells_with_real_title_faq_testimonials_and_a_2x_cover(live_db, start_live_site):
    call_command("load_demo", stdout=None)
    site = start_live_site(SERVE_MEDIA="1")
    reader = site.client()

    page = site.get("/guides/pelvic-torsion-guide/", reader)

    assert page.status_code == 200
    html = page.text
    assert "<h1>Postural Blueprint for Correcting Pelvic Torsion</h1>" in html
    assert "The Complete Guide to Restoring Pelvic Balance" in html
    assert re.search(r"<details[^>]*>\s*<summary>How long does the routine take\?</summary>", html)
    assert re.search(r'<figure class="guide-testimonial">\s*<blockquote><p>[^<]+</p></blockquote>\s*<figcaption>', html)
    assert 'href="/refund-policy/">Read the refund policy' in html

    cover = re.search(r'<img [^>]*class="guide-cover"[^>]*>', html).group(0)
    shown = int(re.search(r'width="(\d+)"', cover).group(1))
    sharp = candidates(re.search(r'srcset="([^"]+)"', cover).group(1))[2 * shown]
    served = site.get(sharp, reader)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(served.content)).size == (2 * shown, round(2 * shown * 1.4))


def test_article_picture_is_a_drawing_with_a_2x_rendition(live_db, start_live_site):
    call_command("load_demo", stdout=None)
    site = start_live_site(SERVE_MEDIA="1")
    reader = site.client()

    html = site.get("/articles/pelvic-torsion-explained/", reader).text

    hero = re.search(r'<img [^>]*class="hero-img"[^>]*>', html).group(0)
    assert "Diagram of the pelvis" in hero
    widths = candidates(re.search(r'srcset="([^"]+)"', hero).group(1))
    assert {480, 960} <= set(widths)
    picture = Image.open(io.BytesIO(site.get(widths[960], reader).content)).convert("RGB")
    assert picture.size == (960, 540)
    # A drawing in the site's palette: ink outlines and the accent's muscle green, not a two-colour gradient.
    colours = {colour for _, colour in picture.getcolors(maxcolors=960 * 540)}
    assert len(colours) > 200
    assert any(r < 60 and g < 70 and b < 70 for r, g, b in colours)
