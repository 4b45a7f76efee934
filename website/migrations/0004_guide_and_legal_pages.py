"""The guide sales pages, the guides index and the legal pages move from the shop up into the website; articles'
author now points at the author profile in `core`.

Existing databases keep every row: the shop's tables are renamed to the website's and the content types are
relabelled in place (same ids), so pages, revisions, log entries, permissions, workflow states, the search
index and the reference index, which all point at those ids, follow. Fresh databases get new tables.
"""

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

from core.migration_operations import adopt_tables, ensure_columns, relabel_content_types

MOVED = {"shopindexpage": "shop_shopindexpage", "guidepage": "shop_guidepage", "legalpage": "shop_legalpage"}


def forwards(apps, schema_editor):
    adopt_tables(apps, schema_editor, app_label="website", legacy_tables=MOVED)
    ensure_columns(apps, schema_editor, app_label="website", fields={"articlepage": ["author"]})
    relabel_content_types(apps, from_app="shop", to_app="website", models=list(MOVED))


def backwards(apps, schema_editor):
    relabel_content_types(apps, from_app="website", to_app="shop", models=list(MOVED))
    adopt_tables(apps, schema_editor, app_label="website", legacy_tables=MOVED, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ('website', '0001_squashed_0003_article_product_promotion'),
        ('core', '0001_initial'),
        ('shop', '0001_squashed_0006_outbox_headers'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='articlepage',
                    name='author',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='core.authorprofile'),
                ),
                migrations.CreateModel(
                    name='ShopIndexPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('introduction', models.TextField(blank=True)),
                    ],
                    options={
                        'abstract': False,
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='GuidePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('subtitle', models.CharField(blank=True, max_length=200)),
                        ('description', wagtail.fields.RichTextField()),
                        ('table_of_contents', models.TextField(blank=True, help_text='One chapter per line.')),
                        ('sample_chapter', wagtail.fields.RichTextField(blank=True)),
                        ('year', models.PositiveIntegerField(blank=True, null=True)),
                        ('edition', models.CharField(blank=True, max_length=60)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='guides', to='core.authorprofile')),
                        ('cover', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
                        ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='guide_pages', to='shop.product')),
                    ],
                    options={
                        'abstract': False,
                    },
                    bases=('wagtailcore.page',),
                ),
                migrations.CreateModel(
                    name='LegalPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('body', wagtail.fields.RichTextField()),
                        ('updated_on', models.DateField(blank=True, null=True)),
                    ],
                    options={
                        'abstract': False,
                    },
                    bases=('wagtailcore.page',),
                ),
                    ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
