"""Run inside Django (a subprocess of test_house_migration.py): what the ORM, search and reference index say."""

import json
import sys


def facts() -> dict:
    from django.contrib.auth.models import Group
    from wagtail.models import Page, ReferenceIndex, Revision

    from core.models import AuthorProfile
    from courses.models import LessonPage
    from shop import entitlements
    from shop.models import Entitlement, Order, Product
    from website.models import GuidePage, LegalPage, ShopIndexPage

    def labels(rows):
        return sorted({f"{row.content_type.app_label}.{row.content_type.model}" for row in rows})

    stretching = GuidePage.objects.get(slug="stretching-guide")
    pelvic = GuidePage.objects.get(slug="pelvic-torsion-guide")
    terms = LegalPage.objects.get(slug="terms")
    buyer = Order.objects.get(stripe_session_id="cs_test_before_house").user
    author = AuthorProfile.objects.get()
    scheduled = Revision.objects.filter(approved_go_live_at__isnull=False).get()
    lesson_revisions = Revision.objects.filter(
        object_id__in=[str(pk) for pk in LessonPage.objects.values_list("pk", flat=True)]
    )
    return {
        "callout_tones": sorted(
            {
                block.value["tone"]
                for page in LessonPage.objects.all()
                for block in page.body
                if block.block_type == "callout"
            }
        ),
        "revision_callout_tones": sorted(
            {
                block["value"]["tone"]
                for revision in lesson_revisions
                for block in json.loads(revision.content["body"])
                if block["type"] == "callout"
            }
        ),
        "guide_pages": GuidePage.objects.live().count(),
        "legal_pages": LegalPage.objects.live().count(),
        "shop_index": ShopIndexPage.objects.live().count(),
        "specific_classes": sorted({page.specific_class.__name__ for page in Page.objects.filter(depth__gt=2)}),
        "draft_subtitle": stretching.get_latest_revision_as_object().subtitle,
        "draft_pending": stretching.has_unpublished_changes,
        "scheduled_page": [scheduled.content_object.__class__.__name__, scheduled.content_object.pk == pelvic.pk],
        "scheduled_subtitle": scheduled.as_object().subtitle,
        "workflow": [
            terms.current_workflow_state.status,
            type(terms.current_workflow_state.content_object.specific).__name__,
        ],
        "editors_permissions": sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="Editors").permissions.all()
        ),
        "buyer_products": sorted(Product.objects.get(pk=pk).slug for pk in entitlements.product_ids_for(buyer)),
        "entitlement": list(Entitlement.objects.filter(user=buyer).values_list("status", "order__status")),
        "search_iliopsoas": sorted(
            type(page).__name__ for page in Page.objects.live().specific().search("iliopsoas self-treatment")
        ),
        "search_guides": sorted(page.slug for page in GuidePage.objects.live().search("stretching")),
        "search_terms": sorted(page.slug for page in LegalPage.objects.live().search("refund")),
        "references_to_author": labels(ReferenceIndex.get_references_to(author)),
        "references_to_product": labels(ReferenceIndex.get_references_to(stretching.product)),
    }


if __name__ == "__main__":
    import django

    django.setup()
    json.dump(facts(), sys.stdout)
