"""The starter attribute lexicon for home textiles and small goods.

Editable in the admin afterwards; ``attribute_lexicon_seed`` only adds what is
missing and never overwrites a merchandiser's edits.
"""

STARTER_LEXICON = {
    "material": {
        "sherpa": ["sherpa fleece", "teddy fleece"],
        "chunky knit": ["chunky knitted", "chunky-knit", "hand knit"],
        "muslin": ["muslin cotton", "gauze"],
        "linen": ["flax", "stonewashed linen"],
        "velvet": ["velour", "velvets"],
        "bamboo": ["bamboo viscose", "bamboo fiber", "bamboo fibre"],
        "cotton": ["organic cotton", "100% cotton"],
        "wool": ["merino", "woollen", "woolen"],
        "fleece": ["microfleece", "polar fleece"],
        "cashmere": [],
        "silk": ["satin"],
    },
    "pattern": {
        "waffle": ["waffle weave", "waffle knit"],
        "plaid": ["tartan", "check", "checked", "buffalo check"],
        "floral": ["flower", "flowers", "botanical"],
        "stripe": ["striped", "stripes"],
        "geometric": ["geo"],
        "solid": ["plain"],
    },
    "colour": {
        "sage green": ["sage", "sage-green"],
        "terracotta": ["rust", "burnt orange"],
        "blue grey": ["blue gray", "grey blue", "gray blue"],
        "cream": ["ivory", "off white", "off-white", "beige"],
        "white": [],
        "grey": ["gray"],
        "pink": ["blush"],
        "navy": ["navy blue"],
        "black": [],
    },
    "style": {
        "mermaid": ["mermaid tail", "mermaids"],
        "boho": ["bohemian", "boho chic"],
        "tassel": ["tassels", "fringe", "fringed"],
        "minimalist": ["minimal", "scandi", "scandinavian"],
        "farmhouse": ["rustic"],
        "vintage": ["retro"],
    },
    "function": {
        "weighted": ["heavy"],
        "cooling": ["cool", "breathable"],
        "waterproof": ["water resistant"],
        "quick dry": ["quick-dry", "fast drying"],
        "heated": ["electric"],
        "kit": ["with accessories", "accessory kit", "starter kit", "accessories included"],
    },
    "occasion": {
        "kids": ["kid", "children", "childrens", "children's", "toddler", "baby"],
        "christmas": ["xmas", "holiday"],
        "wedding": ["bridal"],
        "halloween": [],
        "gift": ["gifts"],
    },
}
