"""URLs of the shop app (mounted by config/urls.py)."""

from django.urls import path

from shop import views

app_name = "shop"
urlpatterns = [
    path("buy/<slug:slug>/", views.buy, name="buy"),
    path("checkout/success/", views.checkout_success, name="checkout_success"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("demo/checkout/<str:session_id>/", views.demo_checkout_page, name="demo_checkout"),
    path("library/", views.library_page, name="library"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/receipt.pdf", views.receipt, name="receipt"),
    path("download/<str:token>/", views.download, name="download"),
]
