"""The shop's admin forms: the product editor takes the price as money in the currency's own unit."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from shop import money


class ProductForm(WagtailAdminModelForm):
    """Editors type "21.00" (or "2100" for yen); the product stores minor units (2100 cents, 2100 yen)."""

    price = forms.CharField(
        label="Price",
        max_length=20,
        help_text="In the currency's own unit: 21.00 (or 21) is twenty-one dollars or euros; 2100 is ¥2,100.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.price_amount is not None:
            self.initial.setdefault("price", money.major_text(self.instance.price_amount, self.instance.currency))

    def clean(self):
        cleaned = super().clean()
        currency = cleaned.get("currency")
        text = cleaned.get("price")
        if currency and text is not None:
            try:
                self.instance.price_amount = money.parse_money(text, currency)
            except money.MoneyInputError as error:
                self.add_error("price", ValidationError(str(error), code="invalid_price"))
        return cleaned
