"""Background work: a task enqueued during a request is stored, then run by the database worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from website.models import ArticlePage

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.indexing
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_task_enqueued_in_admin_request_runs_on_worker(client, demo_site, django_user_model):
    article = ArticlePage.objects.get(slug="hip-flexor-stretches")
    editor = django_user_model.objects.get(username="admin")
    client.force_login(editor)

    with override_settings(TASKS=DB_TASKS):
        response = client.post(
            f"/admin/pages/{article.pk}/edit/",
            nested_form_data(
                {
                    "title": "Quadratus lumborum release",
                    "slug": article.slug,
                    "standfirst": article.standfirst,
                    "author": article.author_id,
                    "hero_alt": article.hero_alt,
                    "related_links": inline_formset([]),
                    "body": streamfield([("paragraph", rich_text("<p>Release the side of the waist.</p>"))]),
                    "action-publish": "publish",
                }
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
        pending = DBTaskResult.objects.filter(status="READY")
        assert pending.exists()
        assert not ArticlePage.objects.search("quadratus")

        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert [page.pk for page in ArticlePage.objects.live().search("quadratus")] == [article.pk]
