"""An issue drawn as the e-mail it will be: HTML with inline styles and a plain-text part, every link absolute.

Called by the admin's preview and by newsletter.sending when a send starts (the body is frozen then).
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from wagtail.rich_text import expand_db_html

from newsletter.models import NewsletterIssue

PREVIEW_UNSUBSCRIBE = "#unsubscribe-link-in-the-sent-e-mail"
_RELATIVE = re.compile(r'(href|src)="/(?!/)')
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S | re.I)
_BREAKS = re.compile(r"</(p|h\d|li|blockquote)>|<br\s*/?>", re.I)
_ANCHOR = re.compile(r"<a\s", re.I)
LINK_STYLE = "color:#0b6b5c;text-decoration:underline;"


@dataclass(frozen=True)
class Body:
    html: str
    text: str


@dataclass(frozen=True)
class Message:
    subject: str
    html: str
    text: str


def _base() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(fragment: str) -> str:
    """Links and pictures point at the site's configured address: mail apps know no relative URL."""
    return _RELATIVE.sub(lambda m: f'{m[1]}="{_base()}/', fragment)


def campaign(send_pk: int) -> str:
    """The utm_campaign a send's links carry: orders and sign-ups that came from them store it (core.attribution)."""
    return f"newsletter-{send_pk}"


def _tagged(url: str, tags: str) -> str:
    parts = urlsplit(url)
    if "utm_" in parts.query:
        return url  # the author tagged this link by hand: theirs stands
    return urlunsplit(parts._replace(query=f"{parts.query}&{tags}" if parts.query else tags))


def tag_links(frozen: "Body", *, send_pk: int) -> "Body":
    """Add utm_source=newsletter, utm_medium=email and the send's campaign to every link to this site (not to
    pictures, not to other sites), so a sale or sign-up that follows a click names the send and nothing more."""
    tags = urlencode({"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": campaign(send_pk)})
    site = re.escape(_base())
    in_html = re.compile(rf'href="({site}(?:[/?#][^"]*)?)"')
    in_text = re.compile(rf"({site}(?:[/?#][^\s)\]]*)?)")
    html_body = in_html.sub(lambda m: f'href="{html.escape(_tagged(html.unescape(m[1]), tags))}"', frozen.html)
    return Body(html=html_body, text=in_text.sub(lambda m: _tagged(m[1], tags), frozen.text))


def _text_of(fragment: str) -> str:
    with_links = _LINK.sub(lambda m: f"{strip_tags(m[2])} ({m[1]})", fragment)
    with_breaks = _BREAKS.sub("\n", with_links).replace("<li>", "- ")
    lines = [" ".join(line.split()) for line in html.unescape(strip_tags(with_breaks)).splitlines()]
    return "\n".join(line for line in lines if line)


def _image_url(image) -> str:
    rendition = image.get_rendition("width-1200|format-jpeg")
    url = rendition.url
    return url if url.startswith(("http://", "https://")) else _base() + url


def body(*, issue: NewsletterIssue) -> Body:
    html_parts, text_parts = [], []
    for block in issue.body:
        kind, value = block.block_type, block.value
        if kind == "heading":
            html_parts.append(render_to_string("newsletter/email/block_heading.html", {"text": value}))
            text_parts.append(f"{value}\n{'=' * len(value)}")
        elif kind == "paragraph":
            fragment = absolute(expand_db_html(value.source))
            # Mail apps drop <style>: the site's link colour goes on each link.
            styled = _ANCHOR.sub(f'<a style="{LINK_STYLE}" ', fragment)
            html_parts.append(render_to_string("newsletter/email/block_paragraph.html", {"html": styled}))
            text_parts.append(_text_of(fragment))
        elif kind == "button":
            html_parts.append(render_to_string("newsletter/email/block_button.html", dict(value)))
            text_parts.append(f"{value['text']}: {value['url']}")
        elif kind == "image":
            context = {"src": _image_url(value["image"]), "alt": value["alt"]}
            html_parts.append(render_to_string("newsletter/email/block_image.html", context))
            text_parts.append(f"[{value['alt']}]")
        elif kind == "quote":
            html_parts.append(render_to_string("newsletter/email/block_quote.html", {"text": value}))
            text_parts.append("\n".join(f"> {line}" for line in value.splitlines()))
    return Body(html="\n".join(html_parts), text="\n\n".join(text_parts))


def context(*, subject: str, preheader: str, frozen: Body, unsubscribe_url: str, preferences_url: str) -> dict:
    """The outbox row's context: what newsletter/email/issue.{html,txt} draw for one recipient."""
    return {
        "subject": subject,
        "preheader": preheader,
        "body_html": frozen.html,
        "body_text": frozen.text,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
    }


def message(*, row_context: dict) -> Message:
    full = {**row_context, "site_name": settings.WAGTAIL_SITE_NAME, "base_url": settings.WAGTAILADMIN_BASE_URL}
    return Message(
        subject=row_context["subject"],
        html=render_to_string("newsletter/email/issue.html", full),
        text=render_to_string("newsletter/email/issue.txt", full),
    )


def preview(*, issue: NewsletterIssue) -> Message:
    """The e-mail exactly as a recipient gets it, with a placeholder where their own unsubscribe link goes."""
    return message(
        row_context=context(
            subject=issue.subject,
            preheader=issue.preheader,
            frozen=body(issue=issue),
            unsubscribe_url=PREVIEW_UNSUBSCRIBE,
            preferences_url=_base() + "/newsletter/preferences/",
        )
    )
