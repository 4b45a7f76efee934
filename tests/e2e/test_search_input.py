"""Full-text syntax typed into a search box or the content API is an ordinary query, never a 500."""

from django.core.management import call_command


def test_fts_syntax_in_api_and_page_search_is_answered_not_a_500(live_db, live_site):
    call_command("load_demo", stdout=None)

    api = live_site.get("/api/v2/pages/", params={"search": "\"')(*"})
    api_words = live_site.get("/api/v2/pages/", params={"search": 'psoas")(*'})
    page = live_site.get("/search/", params={"q": "psoas \"')(*"})

    assert api.status_code == 200
    assert api.json()["items"] == []
    assert "Hip flexor stretches" in str(api_words.json()["items"])
    assert page.status_code == 200
    assert "<mark>psoas</mark>" in page.text
