from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from production.services import factory_create


class Command(BaseCommand):
    help = "Create a partner factory and print its first API key (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The factory's name, unique.")
        parser.add_argument("--min-batch", type=int, default=100, help="Smallest batch it makes (pieces).")
        parser.add_argument("--lead-time", type=int, default=21, help="Lead time in days.")
        parser.add_argument("--capacity", type=int, default=1000, help="Weekly capacity (pieces).")
        parser.add_argument(
            "--category", action="append", dest="categories", default=None, help="A category it makes; repeatable."
        )
        parser.add_argument(
            "--deposit", type=int, default=30, help="Deposit owed when it accepts an order, in percent (default 30)."
        )
        parser.add_argument(
            "--price", action="append", dest="prices", default=None, metavar="CATEGORY=AMOUNT",
            help="A unit price it quotes, e.g. --price blanket=11.50; repeatable.",
        )

    def handle(self, *args, name, min_batch, lead_time, capacity, categories, deposit, prices, **options):
        price_list = self.parse_prices(prices or [])
        try:
            factory, raw_key = factory_create(
                name=name,
                categories=categories,
                min_batch=min_batch,
                lead_time_days=lead_time,
                weekly_capacity=capacity,
                deposit_percent=deposit,
                price_list=price_list,
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(f"Factory not created. {problems}") from exc
        self.stdout.write(f"Created factory {factory.name} (id {factory.pk}).")
        self.stdout.write(f"API key: {raw_key}")
        self.stdout.write(
            self.style.WARNING(
                "Store this key now: it is not kept and will not be shown again. "
                "The factory sends it as 'Authorization: Api-Key <key>'."
            )
        )

    @staticmethod
    def parse_prices(prices: list[str]) -> dict[str, str]:
        price_list: dict[str, str] = {}
        for text in prices:
            category, sep, amount = text.partition("=")
            category = category.strip()
            if not sep or not category or not amount.strip():
                raise CommandError(f"Factory not created. --price {text!r}: write CATEGORY=AMOUNT, e.g. blanket=11.50.")
            if category.casefold() in {c.casefold() for c in price_list}:
                raise CommandError(f"Factory not created. --price {text!r}: {category} has a price already.")
            price_list[category] = amount.strip()
        return price_list
