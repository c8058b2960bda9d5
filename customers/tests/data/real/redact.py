"""How the real Shopify exports in this folder were made safe to keep: the people in them are replaced.

    python customers/tests/data/real/redact.py SOURCE.csv shopify_<shop>_<currency>_<year>.csv

Emails become ``customer<n>@<shop>.example.invalid`` (one number per person, by first appearance, so repeat
customers stay repeat customers; ``<shop>`` is the target file's first word, so two shops' customers never meet), names ``Customer <n>`` (``Guest <k>`` on orders without an email),
street addresses, cities, postcodes, phones, payment references, receipts, employees, devices and
locations are emptied, and notes keep only their number of lines. Everything else (order names,
dates, statuses, money, currencies, countries, provinces, line items, SKUs, tags, ids) is left as
the shop wrote it. The file is rewritten with the csv module (minimal quoting, ``\\n`` line ends).
"""

import csv
import sys

PERSONAL = {
    "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Phone", "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Phone", "Phone", "Payment Reference", "Payment ID", "Payment References",
    "Receipt Number", "Employee", "Location", "Device ID",
}
NAMES = {"Billing Name", "Shipping Name"}
NOTES = {"Notes", "Note Attributes"}


def redact(source: str, target: str) -> None:
    shop = target.rsplit("/", 1)[-1].split("_")[1]
    with open(source, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    at = {name: i for i, name in enumerate(header)}
    people: dict[str, int] = {}
    guests: dict[str, int] = {}
    for row in body:
        email = row[at["Email"]].strip().lower()
        if email:
            number = people.setdefault(email, len(people) + 1)
            row[at["Email"]] = f"customer{number}@{shop}.example.invalid"
            label = f"Customer {number}"
        else:
            label = f"Guest {guests.setdefault(row[at['Name']], len(guests) + 1)}"
        for name in NAMES & set(at):
            if row[at[name]].strip():
                row[at[name]] = label
        for name in PERSONAL & set(at):
            if row[at[name]].strip():
                row[at[name]] = ""
        for name in NOTES & set(at):
            text = row[at[name]]
            if text.strip():
                row[at[name]] = "\n".join("[removed]" for _ in text.split("\n"))
    with open(target, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(body)


if __name__ == "__main__":
    redact(sys.argv[1], sys.argv[2])
