"""Factories for the shop's records."""

import factory
from django.contrib.auth import get_user_model

from shop.models import Order, Product


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    username = factory.LazyAttribute(lambda o: o.email.lower())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Guide {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    kind = Product.Kind.GUIDE
    price_amount = 1900
    currency = "usd"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    product = factory.SubFactory(ProductFactory)
    amount = factory.LazyAttribute(lambda o: o.product.price_amount)
    currency = factory.LazyAttribute(lambda o: o.product.currency)
