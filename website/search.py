"""Public site search: cleaning the query and highlighting the matched words."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12


def clean_query(raw: str) -> str:
    """A query safe for every backend: normalised, no control or unpaired characters, bounded in length."""
    text = unicodedata.normalize("NFKC", raw or "")[: MAX_QUERY_LENGTH * 4]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            kept.append(" ")
        else:
            kept.append(char)
    text = " ".join("".join(kept).split())
    return text[:MAX_QUERY_LENGTH].strip()


def terms_of(query: str) -> list[str]:
    seen = []
    for term in re.findall(r"\w+", query.lower()):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def highlight(text: str, terms: list[str]):
    """Escape `text`, then wrap each word that starts with a search term in <mark>."""
    text = text or ""
    if not terms:
        return escape(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")\w*", re.IGNORECASE
    )
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    # Safe to mark safe: every piece of text was escaped above; only <mark> is added.
    return mark_safe("".join(out))  # nosec B308, B703
