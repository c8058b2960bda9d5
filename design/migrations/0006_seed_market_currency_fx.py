"""Market currencies and planning exchange rates to start from; merchandisers edit them in the admin."""

from decimal import Decimal

from django.db import migrations

EURO_MARKETS = {
    "AT", "BE", "DE", "EE", "ES", "EU", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK",
}
MARKET_CURRENCY = {"US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "JP": "JPY"}
# Planning defaults, not quotes: re-plan with the rate your bank gives you.
PLANNING_RATES = {"USD": "1", "EUR": "0.92", "GBP": "0.79", "CNY": "7.10", "CAD": "1.37", "AUD": "1.52", "JPY": "150"}


def seed(apps, schema_editor):
    MarketFees = apps.get_model("design", "MarketFees")
    FxRate = apps.get_model("design", "FxRate")
    for fees in MarketFees.objects.all():
        currency = "EUR" if fees.market in EURO_MARKETS else MARKET_CURRENCY.get(fees.market)
        if currency:
            fees.currency = currency
            fees.save(update_fields=["currency"])
    for currency, rate in PLANNING_RATES.items():
        FxRate.objects.get_or_create(currency=currency, defaults={"per_usd": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("design", "0005_market_currency_fx")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
