"""The shop in the Wagtail admin: products, orders, entitlements with their audit trail, failed webhooks."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from shop import admin_views, failures
from shop.forms import ProductForm
from shop.models import Entitlement, EntitlementChange, Order, Product, StripeEvent


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = "Products"
    # The price is typed as money ("21.00"); ProductForm turns it into the stored minor units.
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("kind"),
            FieldPanel("summary"),
            FieldPanel("currency"),
            FieldPanel("price"),
            FieldPanel("active"),
            FieldPanel("includes"),
            FieldPanel("partial_refund_policy"),
        ],
        base_form_class=ProductForm,
    )
    list_display = ["name", "kind", Column("price_display", label="Price"), "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]


register_snippet(ProductViewSet)


WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The ledger's generic admin views only show: nobody, not even a superuser, adds, edits or deletes here.

    Every change goes through the shop's domain functions (the customer page, Stripe's events, commands),
    which keep the audit trail; the "change order" and "change entitlement" permissions are asked by those
    pages directly, not through this policy.
    """

    def user_has_permission(self, user, action):
        return action not in WRITE_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [action for action in actions if action not in WRITE_ACTIONS])

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action not in WRITE_ACTIONS])


class LedgerViewSet(ModelViewSet):
    """A read-only list and inspect page for one ledger model: no add, edit, copy, delete or history URLs."""

    inspect_view_enabled = True
    copy_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(
            add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None, usage_url_name=None
        )
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    @property
    def url_finder_class(self):
        # Wherever the admin links to a ledger row (usage lists, search), it opens the inspect page.
        return type("_LedgerURLFinder", (InspectURLFinder,), {"edit_url_name": self.get_url_name("inspect")})


class InspectURLFinder(ModelAdminURLFinder):
    def get_edit_url(self, instance):
        return self.construct_edit_url(instance)


for _ledger_model in (Order, Entitlement, EntitlementChange, StripeEvent):
    register_permission_policy(_ledger_model, ReadOnlyPermissionPolicy(_ledger_model), exact_class=True)


def _customer_url(order: Order) -> str | None:
    return reverse("shop_customers:detail", args=[order.user_id]) if order.user_id else None


class OrderViewSet(LedgerViewSet):
    model = Order
    icon = "list-ul"
    menu_label = "Orders"
    # The buyer's e-mail opens their customer page, where the refund button and access changes are.
    list_display = [
        "number",
        TitleColumn("email", label="Buyer (open for refunds and access)", get_url=_customer_url),
        "product",
        "status",
        Column("amount_display", label="Amount"),
        Column("amount_refunded_display", label="Refunded"),
        Column("created_at", label="Ordered", sort_key="created_at"),
    ]
    list_filter = ["status", "product", "dispute_status"]
    search_fields = ["email", "stripe_session_id", "stripe_payment_intent_id"]


class EntitlementViewSet(LedgerViewSet):
    model = Entitlement
    icon = "key"
    menu_label = "Entitlements"
    list_display = [
        TitleColumn("user", label="Customer", get_url=lambda row: reverse("entitlement:inspect", args=[row.pk])),
        "product",
        "status",
        Column("granted_at", label="First granted", sort_key="granted_at"),
        Column("reason", label="Staff note"),
        Column("customer_message_text", label="Customer sees"),
    ]
    list_filter = ["status", "product"]
    search_fields = ["user__email", "reason"]


class EntitlementChangeViewSet(LedgerViewSet):
    model = EntitlementChange
    icon = "history"
    menu_label = "Audit trail"
    list_display = [
        TitleColumn(
            "created_at",
            label="When",
            sort_key="created_at",
            get_url=lambda row: reverse("entitlementchange:inspect", args=[row.pk]),
        ),
        "entitlement",
        "action",
        Column("to_status", label="New status"),
        Column("actor_kind", label="Changed by"),
        Column("stripe_event_id", label="Stripe event"),
        Column("reason", label="Staff note"),
    ]
    list_filter = ["action", "actor_kind"]
    search_fields = ["entitlement__user__email", "stripe_event_id", "reason"]


class StripeEventViewSet(LedgerViewSet):
    model = StripeEvent
    icon = "warning"
    menu_label = "Stripe events"
    list_display = [
        TitleColumn("event_id", label="Event", get_url=lambda row: reverse("stripeevent:inspect", args=[row.pk])),
        "type",
        "status",
        "attempts",
        Column("received_at", label="Received", sort_key="received_at"),
        Column("last_error", label="Last error"),
    ]
    list_filter = ["status", "type"]
    search_fields = ["event_id"]


class ShopStaffMenuItem(MenuItem):
    """Shown only to staff who may see orders (customer data and refunds)."""

    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


class CustomerViewSet(ViewSet):
    """One page per buyer: orders, refunds, disputes, access (grant, revoke, restore), downloads, history."""

    name = "shop_customers"
    url_prefix = "shop/customers"
    icon = "group"
    menu_label = "Customers"
    menu_item_class = ShopStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.customer_index, name="index"),
            path("<int:user_id>/", admin_views.customer_detail, name="detail"),
            path("<int:user_id>/access/", admin_views.change_access, name="access"),
            path("<int:user_id>/orders/<int:order_id>/refund/", admin_views.refund_order, name="refund"),
            path("<int:user_id>/move/", admin_views.move_order, name="move"),
        ]


class FailureViewSet(ViewSet):
    """Failed Stripe webhooks and failed background tasks, in one list."""

    name = "shop_failures"
    url_prefix = "shop/failures"
    icon = "warning"
    menu_label = "Failed webhooks and tasks"
    menu_item_class = ShopStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.failure_index, name="index"),
            path("orders/<int:order_id>/refund/", admin_views.refund_payment, name="refund_payment"),
        ]


class ShopViewSetGroup(ViewSetGroup):
    menu_label = "Shop"
    menu_icon = "tag"
    menu_order = 300
    items = [
        CustomerViewSet,
        OrderViewSet,
        EntitlementViewSet,
        EntitlementChangeViewSet,
        StripeEventViewSet,
        FailureViewSet,
    ]


@hooks.register("register_admin_viewset")
def register_shop_viewsets():
    return ShopViewSetGroup()


class FailuresPanel(Component):
    """On the dashboard, only when something failed: how many, and a link to the list."""

    name = "shop_failures"
    order = 50
    template_name = "shop/admin/failures_panel.html"

    def __init__(self, found: failures.Failures):
        self.found = found

    def get_context_data(self, parent_context):
        return {"failures": self.found}


@hooks.register("construct_homepage_panels")
def add_failures_panel(request, panels):
    if not request.user.has_perm(admin_views.VIEW_PERMISSION):
        return
    found = failures.current()
    if found.total:
        panels.append(FailuresPanel(found))
