"""The search backend (config/search.py): full-text syntax in a query is never a 500, words still match."""

import logging

import pytest
from modelsearch.query import And, Not, Phrase, PlainText
from wagtail.search.utils import parse_query_string

from config.search import clean
from tests.courses.factories import UserFactory
from tests.courses.world import build_world

# Search results come from the index that saved pages update.
pytestmark = pytest.mark.indexing

ODD_QUERIES = ["\"')(*", '"', "NEAR(a b", "a:b *"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_the_content_api_answers_fts_syntax_with_a_clean_result(client, world, query):
    response = client.get("/api/v2/pages/", {"search": query})

    assert response.status_code == 200
    assert isinstance(response.json()["items"], list)


def test_fts_syntax_around_a_word_still_finds_it(client, world):
    response = client.get("/api/v2/pages/", {"search": "\"relieving')(*"})

    assert [item["title"] for item in response.json()["items"]] == ["Relieving That Pain"]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_the_search_page_answers_fts_syntax_without_an_error(client, world, query, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/search/", {"q": f"relieving {query}"})

    assert response.status_code == 200
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


def test_the_admin_page_search_answers_fts_syntax(client, world):
    client.force_login(UserFactory(email="editor@example.com", is_staff=True, is_superuser=True))

    response = client.get("/admin/pages/search/", {"q": "\"')(*"})

    assert response.status_code == 200


def test_clean_keeps_the_words_of_every_part_of_a_parsed_query():
    _filters, query = parse_query_string('"psoas (release" stretch* -"')

    cleaned = clean(query)

    assert isinstance(cleaned, And)
    assert [(type(part), part.query_string) for part in cleaned.subqueries] == [
        (Phrase, "psoas release"),
        (PlainText, "stretch"),
    ]


def test_clean_leaves_nothing_of_a_query_without_words():
    assert clean("\"')(*") == ""
    assert clean(And([PlainText("*"), Phrase('"')])) is None
    assert clean(Not(PlainText("(("))) is None
