"""Finding lexicon attributes in free text (keywords, related queries, titles). No Django."""

import re
from collections.abc import Iterable

_TOKEN = re.compile(r"[a-z0-9%']+")


def _norm_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("-", " "))


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


class Matcher:
    """Longest-match lookup of attribute terms and synonyms, plural-insensitive."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]):
        # entries: (kind, canonical name, synonyms)
        self._phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        for kind, name, synonyms in entries:
            for term in [name, *synonyms]:
                key = tuple(_singular(t) for t in _norm_tokens(term))
                if key:
                    self._phrases.setdefault(key, (kind, name))
        self._longest = max((len(k) for k in self._phrases), default=0)

    def find(self, text: str) -> list[tuple[str, str]]:
        """The (kind, name) attributes in ``text``, in order of appearance, without repeats."""
        tokens = [_singular(t) for t in _norm_tokens(text)]
        found: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                hit = self._phrases.get(tuple(tokens[i : i + size]))
                if hit:
                    if hit not in found:
                        found.append(hit)
                    i += size
                    break
            else:
                i += 1
        return found


class TitleSupply:
    """What one market's Amazon listings already offer: the lexicon attributes in each title.

    The supply of an attribute set is the share of listings whose title carries
    every attribute of the set (0 = nobody sells it, 1 = every listing does).
    """

    def __init__(self, titles: Iterable[str], matcher: Matcher):
        self.titles: list[frozenset[str]] = []
        self.kinds: dict[str, str] = {}
        for title in titles:
            found = matcher.find(title)
            self.kinds.update((name, kind) for kind, name in found)
            self.titles.append(frozenset(name for _kind, name in found))

    @property
    def listings(self) -> int:
        return len(self.titles)

    def matching(self, names: Iterable[str]) -> int:
        wanted = frozenset(names)
        return sum(1 for found in self.titles if wanted <= found)

    def share(self, names: Iterable[str]) -> float | None:
        """Share of titles with all ``names``; None when the market has no listings."""
        if not self.titles:
            return None
        return self.matching(names) / len(self.titles)

    def shares(self) -> dict[str, float]:
        """Each attribute found in some title -> the share of titles carrying it."""
        counts: dict[str, int] = {}
        for found in self.titles:
            for name in found:
                counts[name] = counts.get(name, 0) + 1
        return {name: n / len(self.titles) for name, n in sorted(counts.items())}
