"""From outside: gunicorn answers every page with the site's Content-Security-Policy and Permissions-Policy,
public pages hold no inline code, and the API docs load Swagger UI from our own static files."""

from django.core.management import call_command

from tests.html_checks import inline_code_problems

PAGES = ["/", "/articles/", "/articles/hip-flexor-stretches/", "/guides/pelvic-torsion-guide/", "/accounts/login/"]


def policy(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    }


def test_public_pages_api_docs_and_admin_answer_with_their_policies(live_db, live_site):
    call_command("load_demo", stdout=None)

    for path in PAGES:
        response = live_site.get(path)
        assert response.status_code == 200, path
        assert policy(response)["script-src"] == ["'self'"], path
        assert policy(response)["style-src"] == ["'self'"], path
        assert "geolocation=()" in response.headers["Permissions-Policy"], path
        assert inline_code_problems(response.text) == [], path

    docs = live_site.get("/api/docs")
    assert docs.status_code == 200
    assert policy(docs)["script-src"] == ["'self'"]
    assert inline_code_problems(docs.text) == []
    bundle = live_site.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert "SwaggerUIBundle" in bundle.text
    assert "camera=()" in bundle.headers["Permissions-Policy"]  # static files too

    admin = live_site.get("/admin/login/")
    assert admin.status_code == 200
    assert policy(admin)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy(admin)["object-src"] == ["'none'"]
