"""Money typed and shown in the currency's own unit, stored as minor units (shop.money)."""

import pytest

from shop.money import MoneyInputError, format_money, major_text, parse_money


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("21.00", "usd", 2100),
        ("21", "usd", 2100),
        ("21.5", "eur", 2150),
        (" 1,900.00 ", "gbp", 190000),
        ("0", "usd", 0),
        ("2100", "jpy", 2100),
        ("2,100", "JPY", 2100),
        ("5.124", "kwd", 5124),
    ],
)
def test_prices_are_read_in_the_currencys_own_unit(text, currency, minor):
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "says"),
    [
        ("21.005", "usd", "2 decimal places at most"),
        ("abc", "usd", "like 21.00"),
        ("-5", "usd", "cannot be negative"),
        ("", "usd", "as digits"),
        ("21.50", "jpy", "no smaller unit"),
        ("1e3", "usd", "as digits"),
        ("1000000", "usd", "more than the payment provider accepts"),
    ],
)
def test_bad_prices_are_refused_with_a_sentence(text, currency, says):
    with pytest.raises(MoneyInputError, match=says):
        parse_money(text, currency)


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (2100, "usd", "$21.00"),
        (190000, "eur", "€1,900.00"),
        (2100, "jpy", "¥2,100"),
        (2100, "krw", "2,100 KRW"),
        (5, "gbp", "£0.05"),
        (1900, "chf", "19.00 CHF"),
    ],
)
def test_amounts_are_shown_in_the_currencys_own_unit(minor, currency, shown):
    assert format_money(minor, currency) == shown


def test_the_editor_gets_back_what_was_typed():
    assert major_text(2100, "usd") == "21.00"
    assert major_text(2100, "jpy") == "2100"
