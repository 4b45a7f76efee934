"""JSON-LD: every page carries its schema.org objects and a BreadcrumbList, parsed and checked."""

import json
import re

import pytest
from django.test import RequestFactory

from website.models import AuthorProfile

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(client, url):
    response = client.get(url)
    assert response.status_code == 200
    objects = [json.loads(raw) for raw in SCRIPT.findall(response.content.decode())]
    for obj in objects:
        assert obj["@context"] == "https://schema.org"
    return {obj["@type"]: obj for obj in objects}


def assert_person(person):
    assert person["@type"] == "Person"
    assert person["name"] == "Stephen O'Dwyer"
    assert person["jobTitle"] == "Neuromuscular Therapist"
    assert person["image"].startswith("http://testserver/media/")
    assert person["url"] == "http://testserver/articles/author/stephen-odwyer/"
    assert person["sameAs"] == ["https://clinic.example/"]
    credential = person["hasCredential"][0]
    assert credential["@type"] == "EducationalOccupationalCredential"
    assert credential["name"] == "CNMT"


def test_article_json_ld(client, site_tree):
    data = json_ld(client, "/articles/hip-flexor-stretches/")

    article = data["Article"]
    assert article["headline"] == "Hip flexor stretches that release the psoas"
    assert article["datePublished"] == "2025-03-04"
    assert article["dateModified"] == "2026-10-12"
    assert article["image"][0].startswith("http://testserver/media/images/")
    assert article["mainEntityOfPage"]["@id"] == "http://testserver/articles/hip-flexor-stretches/"
    assert article["keywords"] == ["Stretching"]
    assert article["publisher"]["name"] == "Lower Back Pain Relief"
    assert_person(article["author"])
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Articles", "Hip flexor stretches that release the psoas"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["item"] == "http://testserver/articles/hip-flexor-stretches/"


def test_author_page_json_ld(client, site_tree):
    data = json_ld(client, "/articles/author/stephen-odwyer/")

    assert_person(data["Person"])
    names = [c["name"] for c in data["BreadcrumbList"]["itemListElement"]]
    assert names == ["Home", "Articles", "Stephen O'Dwyer"]


def test_home_page_json_ld_has_a_website_with_search_action(client, site_tree):
    data = json_ld(client, "/")

    website = data["WebSite"]
    assert website["url"] == "http://testserver/"
    assert website["name"] == "Lower Back Pain Relief"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert data["BreadcrumbList"]["itemListElement"][0]["item"] == "http://testserver/"


@pytest.mark.parametrize("url", ["/articles/", "/articles/topic/stretching/", "/search/?q=psoas"])
def test_other_pages_carry_breadcrumbs(client, site_tree, url):
    data = json_ld(client, url)

    assert len(data["BreadcrumbList"]["itemListElement"]) >= 2


def test_author_structured_data_is_callable_from_other_apps(site_tree):
    request = RequestFactory().get("/shop/guide/")
    person = AuthorProfile.objects.get().structured_data(request)

    assert person["@context"] == "https://schema.org"
    assert_person(person)


def test_json_ld_cannot_close_its_script_tag(client, site_tree):
    site_tree.hip.title = "Stretch </script><script>alert(1)</script>"
    site_tree.hip.save_revision().publish()

    html = client.get("/articles/hip-flexor-stretches/").content.decode()

    assert "<script>alert(1)" not in html
    json_ld(client, "/articles/hip-flexor-stretches/")
