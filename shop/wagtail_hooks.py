"""The shop in the Wagtail admin: products, orders, entitlements with their audit trail, failed webhooks."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from shop.models import Entitlement, EntitlementChange, Order, Product, StripeEvent


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = "Products"
    list_display = ["name", "kind", "price_display", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]


register_snippet(ProductViewSet)


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = "Orders"
    list_display = ["number", "email", "product", "status", "amount_display", "amount_refunded", "created_at"]
    list_filter = ["status", "product", "dispute_status"]
    search_fields = ["email", "stripe_session_id", "stripe_payment_intent_id"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["email"]


class EntitlementViewSet(ModelViewSet):
    model = Entitlement
    icon = "key"
    menu_label = "Entitlements"
    list_display = ["user", "product", "status", "granted_at", "reason"]
    list_filter = ["status", "product"]
    search_fields = ["user__email", "reason"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["reason"]


class EntitlementChangeViewSet(ModelViewSet):
    model = EntitlementChange
    icon = "history"
    menu_label = "Audit trail"
    list_display = ["created_at", "entitlement", "action", "to_status", "actor_kind", "stripe_event_id", "reason"]
    list_filter = ["action", "actor_kind"]
    search_fields = ["entitlement__user__email", "stripe_event_id", "reason"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["reason"]


class StripeEventViewSet(ModelViewSet):
    model = StripeEvent
    icon = "warning"
    menu_label = "Stripe events"
    list_display = ["event_id", "type", "status", "attempts", "received_at", "last_error"]
    list_filter = ["status", "type"]
    search_fields = ["event_id"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["status"]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "tag"
    menu_order = 300
    items = [OrderViewSet, EntitlementViewSet, EntitlementChangeViewSet, StripeEventViewSet]


@hooks.register("register_admin_viewset")
def register_shop_viewsets():
    return ShopViewSetGroup()
