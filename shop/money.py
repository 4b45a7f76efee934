"""Money as people type and read it, and as the shop stores it (integer minor units + ISO code).

Product forms, refund amounts and every price shown go through here, so "21.00" means 21.00 and
"2100" yen means ¥2,100 everywhere.
"""

import re

# Stripe's zero-decimal currencies: the amount Stripe takes is the whole amount (¥2100 is 2100).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()  # noqa: SIM905 - reads as Stripe's list
)
# Stripe's three-decimal currencies: 5.124 KWD is 5124.
THREE_DECIMAL_CURRENCIES = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}
# Stripe accepts at most eight digits of minor units.
MAX_MINOR_UNITS = 99_999_999

_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d*))?")


class MoneyInputError(ValueError):
    """The text is not an amount of this currency; the message says how to write one."""


def decimals_for(currency: str) -> int:
    code = currency.lower()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def example_for(currency: str) -> str:
    decimals = decimals_for(currency)
    return "2100" if decimals == 0 else "21." + "0" * decimals


def parse_money(text: str, currency: str) -> int:
    """'21', '21.5', '21.00' or '1,900.00' (the currency's own unit) as minor units; raises MoneyInputError."""
    decimals = decimals_for(currency)
    code = currency.upper()
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise MoneyInputError("A price cannot be negative.")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise MoneyInputError(f"Write the amount in {code} as digits, like {example_for(currency)}.")
    fraction = match.group("fraction") or ""
    if len(fraction) > decimals:
        if decimals == 0:
            raise MoneyInputError(f"{code} has no smaller unit: write a whole number, like {example_for(currency)}.")
        raise MoneyInputError(f"{code} has {decimals} decimal places at most, like {example_for(currency)}.")
    minor = int(match.group("whole").replace(",", "")) * 10**decimals + int(fraction.ljust(decimals, "0") or "0")
    if minor > MAX_MINOR_UNITS:
        largest = format_money(MAX_MINOR_UNITS, currency)
        raise MoneyInputError(f"That is more than the payment provider accepts; the largest is {largest}.")
    return minor


def major_text(amount: int, currency: str) -> str:
    """Minor units as a person types them back into a form: 2100 → '21.00' (USD) or '2100' (JPY)."""
    decimals = decimals_for(currency)
    if decimals == 0:
        return str(amount)
    whole, fraction = divmod(amount, 10**decimals)
    return f"{whole}.{fraction:0{decimals}d}"


def format_money(amount: int, currency: str) -> str:
    """Minor units as a person reads them: $1,900.00, €21.00, ¥2,100, 2,100 KRW."""
    decimals = decimals_for(currency)
    whole, fraction = divmod(amount, 10**decimals)
    text = f"{whole:,}" + (f".{fraction:0{decimals}d}" if decimals else "")
    symbol = SYMBOLS.get(currency.lower())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
