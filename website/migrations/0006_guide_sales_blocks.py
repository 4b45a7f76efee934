"""A guide's page sells with ordered StreamField sections (`sales`).

The old "Contents" (one chapter per line) and "Sample chapter" fields become the first two sections,
on the live page and in every saved revision, so no chapter list or sample is lost; going back
rebuilds them from those sections.
"""

import json
import uuid

import wagtail.fields
from django.db import migrations


def _sections(table_of_contents: str, sample_chapter: str) -> list[dict]:
    sections = []
    chapters = [line.strip() for line in (table_of_contents or "").splitlines() if line.strip()]
    if chapters:
        items = [
            {"type": "item", "id": str(uuid.uuid4()), "value": {"title": title, "summary": ""}} for title in chapters
        ]
        sections.append(
            {
                "type": "inside",
                "id": str(uuid.uuid4()),
                "value": {"heading": "What's inside", "introduction": "", "chapters": items},
            }
        )
    if (sample_chapter or "").strip():
        page = {"image": None, "title": "Sample chapter", "excerpt": sample_chapter}
        sections.append(
            {
                "type": "samples",
                "id": str(uuid.uuid4()),
                "value": {"heading": "Sample pages", "pages": [{"type": "item", "id": str(uuid.uuid4()), "value": page}]},
            }
        )
    return sections


def _old_fields(sales) -> tuple[str, str]:
    chapters, sample = [], ""
    for section in sales or []:
        if section["type"] == "inside":
            chapters += [item["value"]["title"] for item in section["value"]["chapters"]]
        elif section["type"] == "samples" and not sample:
            pages = section["value"]["pages"]
            sample = pages[0]["value"].get("excerpt", "") if pages else ""
    return "\n".join(chapters), sample


def _guide_revisions(apps):
    content_type = apps.get_model("contenttypes", "ContentType").objects.filter(app_label="website", model="guidepage")
    return apps.get_model("wagtailcore", "Revision").objects.filter(content_type__in=content_type)


def forwards(apps, schema_editor):
    for page in apps.get_model("website", "GuidePage").objects.all():
        page.sales = _sections(page.table_of_contents, page.sample_chapter)
        page.save(update_fields=["sales"])
    for revision in _guide_revisions(apps):
        content = revision.content
        if "sales" not in content:
            content["sales"] = json.dumps(
                _sections(content.pop("table_of_contents", ""), content.pop("sample_chapter", ""))
            )
            revision.save(update_fields=["content"])


def backwards(apps, schema_editor):
    for page in apps.get_model("website", "GuidePage").objects.all():
        page.table_of_contents, page.sample_chapter = _old_fields(page.sales.raw_data)
        page.save(update_fields=["table_of_contents", "sample_chapter"])
    for revision in _guide_revisions(apps):
        content = revision.content
        if "sales" in content:
            sales = content.pop("sales")
            content["table_of_contents"], content["sample_chapter"] = _old_fields(
                json.loads(sales) if isinstance(sales, str) else sales
            )
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):

    dependencies = [
        ('website', '0005_one_heading_block'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AddField(
            model_name='guidepage',
            name='sales',
            field=wagtail.fields.StreamField([('inside', 6), ('samples', 13), ('testimonials', 20), ('faq', 25), ('refund', 29), ('heading', 30), ('paragraph', 22), ('callout', 33)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'default': "What's inside", 'max_length': 120}), 1: ('wagtail.blocks.TextBlock', (), {'required': False, 'rows': 2}), 2: ('wagtail.blocks.CharBlock', (), {'max_length': 200}), 3: ('wagtail.blocks.TextBlock', (), {'help_text': 'One sentence on what the chapter gives the reader.', 'required': False, 'rows': 2}), 4: ('wagtail.blocks.StructBlock', [[('title', 2), ('summary', 3)]], {}), 5: ('wagtail.blocks.ListBlock', (4,), {'min_num': 1}), 6: ('wagtail.blocks.StructBlock', [[('heading', 0), ('introduction', 1), ('chapters', 5)]], {}), 7: ('wagtail.blocks.CharBlock', (), {'default': 'Sample pages', 'max_length': 120}), 8: ('wagtail.images.blocks.ImageBlock', [], {'help_text': 'A picture of the page, as the reader will see it.'}), 9: ('wagtail.blocks.CharBlock', (), {'help_text': 'e.g. the chapter the page comes from.', 'max_length': 200}), 10: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'ol', 'ul'], 'required': False}), 11: ('wagtail.blocks.StructBlock', [[('image', 8), ('title', 9), ('excerpt', 10)]], {}), 12: ('wagtail.blocks.ListBlock', (11,), {'min_num': 1}), 13: ('wagtail.blocks.StructBlock', [[('heading', 7), ('pages', 12)]], {}), 14: ('wagtail.blocks.CharBlock', (), {'default': 'What readers say', 'max_length': 120}), 15: ('wagtail.blocks.TextBlock', (), {'rows': 3}), 16: ('wagtail.blocks.CharBlock', (), {'help_text': "The reader's name as they agreed to have it shown.", 'max_length': 120}), 17: ('wagtail.blocks.CharBlock', (), {'help_text': 'e.g. where they live or what they do.', 'max_length': 160, 'required': False}), 18: ('wagtail.blocks.StructBlock', [[('quote', 15), ('name', 16), ('detail', 17)]], {}), 19: ('wagtail.blocks.ListBlock', (18,), {'min_num': 1}), 20: ('wagtail.blocks.StructBlock', [[('heading', 14), ('testimonials', 19)]], {}), 21: ('wagtail.blocks.CharBlock', (), {'default': 'Questions', 'max_length': 120}), 22: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ol', 'ul']}), 23: ('wagtail.blocks.StructBlock', [[('question', 2), ('answer', 22)]], {}), 24: ('wagtail.blocks.ListBlock', (23,), {'min_num': 1}), 25: ('wagtail.blocks.StructBlock', [[('heading', 21), ('questions', 24)]], {}), 26: ('wagtail.blocks.CharBlock', (), {'default': 'Our promise', 'max_length': 120}), 27: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link']}), 28: ('wagtail.blocks.PageChooserBlock', (), {'help_text': 'The refund policy page to link to.', 'page_type': ['website.LegalPage'], 'required': False}), 29: ('wagtail.blocks.StructBlock', [[('heading', 26), ('text', 27), ('policy', 28)]], {}), 30: ('core.blocks.HeadingBlock', (), {}), 31: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('tip', 'Tip'), ('note', 'Good to know'), ('warning', 'Take care')]}), 32: ('wagtail.blocks.CharBlock', (), {'max_length': 120, 'required': False}), 33: ('wagtail.blocks.StructBlock', [[('tone', 31), ('title', 32), ('text', 22)]], {})}, help_text="What's inside, sample pages, testimonials, questions and the refund promise, in your order."),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name='guidepage',
            name='sample_chapter',
        ),
        migrations.RemoveField(
            model_name='guidepage',
            name='table_of_contents',
        ),
    ]
