"""The bundled DEMO world: a home-textile seller's vocabulary, catalogue, markets.

Everything built from these constants is demo data and is flagged ``is_demo``;
nothing here is presented as a live measurement. The links import what they
need from here so the demo trend files, the demo catalogue, the demo buyers and
the demo orders all speak about the same products.
"""

DEMO_MARKETS = ["US", "GB", "DE"]

DEMO_CURRENCY = {"US": "USD", "GB": "GBP", "DE": "EUR"}

DEMO_CATEGORIES = ["blanket", "throw", "cushion cover", "bath towel", "duvet cover"]

# Attribute terms (canonical name -> kind). The analysis lexicon seeds these with
# synonyms; the demo trend files cover every attribute x category keyword.
DEMO_ATTRIBUTES = {
    "mermaid": "style",
    "sherpa": "material",
    "chunky knit": "material",
    "muslin": "material",
    "waffle": "pattern",
    "linen": "material",
    "velvet": "material",
    "bamboo": "material",
    "boho": "style",
    "tassel": "style",
    "plaid": "pattern",
    "floral": "pattern",
    "sage green": "colour",
    "terracotta": "colour",
    "blue grey": "colour",
    "cream": "colour",
    "weighted": "function",
    "cooling": "function",
    "kids": "occasion",
}

# Cycle 1 starts from this watchlist (keyword, category).
DEMO_SEED_WATCHLIST = [
    ("mermaid blanket", "blanket"),
    ("sherpa blanket", "blanket"),
    ("chunky knit blanket", "blanket"),
    ("weighted blanket", "blanket"),
    ("muslin blanket", "blanket"),
    ("boho throw", "throw"),
    ("linen duvet cover", "duvet cover"),
    ("waffle bath towel", "bath towel"),
    ("velvet cushion cover", "cushion cover"),
    ("cooling blanket", "blanket"),
]


def demo_keyword(attribute: str, category: str) -> str:
    return f"{attribute} {category}"


def demo_keyword_universe() -> list[tuple[str, str]]:
    """Every (keyword, category) the bundled demo trend files cover."""
    return [(demo_keyword(a, c), c) for c in DEMO_CATEGORIES for a in DEMO_ATTRIBUTES]


# The seller's existing catalogue before cycle 1 (SKU, title, category, attributes, price USD).
DEMO_CATALOGUE = [
    ("HT-BL-001", "Sherpa fleece blanket, cream", "blanket", ["sherpa", "cream"], 39.0),
    ("HT-BL-002", "Chunky knit blanket, sage green", "blanket", ["chunky knit", "sage green"], 89.0),
    ("HT-BL-003", "Weighted blanket 7 kg, blue grey", "blanket", ["weighted", "blue grey"], 119.0),
    ("HT-BL-004", "Muslin baby blanket, floral", "blanket", ["muslin", "floral", "kids"], 24.0),
    ("HT-BL-005", "Cooling bamboo blanket", "blanket", ["cooling", "bamboo"], 69.0),
    ("HT-TH-001", "Boho tassel throw, terracotta", "throw", ["boho", "tassel", "terracotta"], 45.0),
    ("HT-TH-002", "Plaid wool-look throw", "throw", ["plaid", "cream"], 42.0),
    ("HT-CC-001", "Velvet cushion cover, sage green", "cushion cover", ["velvet", "sage green"], 18.0),
    ("HT-CC-002", "Linen cushion cover, terracotta", "cushion cover", ["linen", "terracotta"], 16.0),
    ("HT-TW-001", "Waffle bath towel, cream", "bath towel", ["waffle", "cream"], 22.0),
    ("HT-TW-002", "Bamboo bath towel, blue grey", "bath towel", ["bamboo", "blue grey"], 28.0),
    ("HT-DC-001", "Linen duvet cover, blue grey", "duvet cover", ["linen", "blue grey"], 129.0),
    ("HT-DC-002", "Floral cotton duvet cover, kids", "duvet cover", ["floral", "kids"], 59.0),
]
