"""The search backend (WAGTAILSEARCH_BACKENDS): Wagtail's database backend, given only the words of a query.

modelsearch writes each search term into the database's full-text syntax, and on SQLite it does not escape
a double quote, so a query such as `"')(*` was an FTS5 syntax error: a 500 from /api/v2/pages/?search=, the
admin's search and any other caller. Every query is reduced to its words first (the tokens the index holds
anyway), so no caller can send operators or quotes to SQLite's FTS5 or PostgreSQL's tsquery.
"""

import copy
import re

from modelsearch.query import And, Boost, Not, Or
from wagtail.search.backends import database

WORD = re.compile(r"\w+")


def words_of(text: str) -> str:
    return " ".join(WORD.findall(text or ""))


def clean(query):
    """The query with only words in every term; None (or "") when no word is left."""
    if isinstance(query, str):
        return words_of(query)
    if hasattr(query, "query_string"):  # PlainText, Phrase, Fuzzy
        return _with_text(query, words_of(query.query_string))
    if isinstance(query, And | Or):
        parts = [part for part in (clean(sub) for sub in query.subqueries) if part is not None]
        return type(query)(parts) if len(parts) > 1 else next(iter(parts), None)
    if isinstance(query, Not | Boost):
        return _with_subquery(query, clean(query.subquery))
    return query  # MatchAll and anything without text


def _with_text(query, text: str):
    if not text:
        return None
    cleaned = copy.copy(query)
    cleaned.query_string = text
    return cleaned


def _with_subquery(query, subquery):
    if subquery is None:
        return None
    cleaned = copy.copy(query)
    cleaned.subquery = subquery
    return cleaned


class WordsOnly:
    """Wraps the backend the database gets; only search() and autocomplete() see a cleaned query."""

    def __init__(self, backend):
        self._backend = backend

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def search(self, query, model_or_queryset, **kwargs):
        cleaned = clean(query)
        return self._backend.search("" if cleaned is None else cleaned, model_or_queryset, **kwargs)

    def autocomplete(self, query, model_or_queryset, **kwargs):
        cleaned = clean(query)
        return self._backend.autocomplete("" if cleaned is None else cleaned, model_or_queryset, **kwargs)


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up in a backend module
    return WordsOnly(database.SearchBackend(params))
