"""Which design variant an unmapped shop SKU most likely is, and why. Pure: no Django.

Two clues, each explained to the merchandiser:

- the SKU: how alike the product's SKU and a variant's SKU are, letters and digits only
  (``difflib``'s ratio: ``HT-SHB-01-CR`` and ``htshb01crm`` are 95 % alike);
- the title: the product's title words found among the concept's name, category and attributes
  and the variant's colour, size and material.

``score = 0.6 × SKU likeness + 0.4 × share of title words found``; a candidate scoring under
``MIN_SCORE`` is no suggestion.
"""

import difflib
import re
from dataclasses import dataclass

SKU_WEIGHT = 0.6
WORD_WEIGHT = 0.4
MIN_SCORE = 0.35
_WORD = re.compile(r"[^\W\d_]{3,}", re.U)
_STOP = {"the", "and", "for", "with", "set", "pack", "new", "von", "und", "mit", "les", "des", "pour", "avec",
         "con", "los", "las", "para", "del"}


@dataclass(frozen=True)
class Candidate:
    variant_id: int | None
    concept_id: int
    sku: str  # the variant's SKU; empty for a concept without variants
    label: str  # what the page shows: "Sherpa throw · cream / L"
    words: frozenset[str]


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    sku_likeness: float
    shared_words: tuple[str, ...]

    @property
    def reason(self) -> str:
        parts = []
        if self.candidate.sku:
            parts.append(f"SKU {round(100 * self.sku_likeness)} % like {self.candidate.sku}")
        if self.shared_words:
            parts.append("title shares " + ", ".join(self.shared_words))
        return "; ".join(parts) or "weak match"


def words(*texts: str) -> frozenset[str]:
    """Lower-case words of three letters or more, plurals folded, common filler words left out."""
    found = set()
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            if word in _STOP:
                continue
            found.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(found)


def sku_likeness(a: str, b: str) -> float:
    a, b = re.sub(r"[\W_]+", "", a.upper()), re.sub(r"[\W_]+", "", b.upper())
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def suggest(*, sku: str, title: str, candidates: list[Candidate], limit: int = 3) -> list[Suggestion]:
    """The best ``limit`` candidates for a product, best first (ties by SKU, then concept)."""
    title_words = words(title)
    found = []
    for candidate in candidates:
        likeness = sku_likeness(sku, candidate.sku) if candidate.sku else 0.0
        shared = tuple(sorted(title_words & candidate.words))
        share = len(shared) / len(title_words) if title_words else 0.0
        score = SKU_WEIGHT * likeness + WORD_WEIGHT * share
        if score >= MIN_SCORE:
            found.append(Suggestion(candidate, round(score, 3), round(likeness, 3), shared))
    found.sort(key=lambda s: (-s.score, s.candidate.sku, s.candidate.concept_id))
    return found[:limit]
