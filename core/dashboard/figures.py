"""Figures over the biggest tables (a cycle's orders, its clicks), kept while what they count did not move.

Counting a million orders, their distinct customers and their revenue per currency takes most of a
second; the home and cycle pages show them on every visit. A figure is kept in the cache with a
*version*: what changes whenever a row it counts is added, changed or deleted, read by index lookups
(the newest click's id; for orders, the newest id, the latest change and a count of deletions kept by a
signal). A moved version makes the next visit count again; ``FIGURES_TIMEOUT`` only bounds how long an
unvisited figure takes room in the cache.

So that the first visit after an import does not pay for the counting, each link registers a *warmer*
(``figures_warmer_register`` in its ``AppConfig.ready``) that reads the figures its pages keep, and the
tasks that follow an import call ``figures_warm``.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

FIGURES_TIMEOUT = 24 * 3600
logger = logging.getLogger(__name__)
_warmers: dict[str, Callable[[], None]] = {}


def figures_cached(*, key: str, version: Any, compute: Callable[[], Any], timeout: int = FIGURES_TIMEOUT) -> Any:
    """``compute()``'s result, from the cache while it was computed at the same ``version``."""
    cache_key = f"c2f:figures:{key}"
    kept = cache.get(cache_key)
    if kept is not None and kept[0] == version:
        return kept[1]
    figures = compute()
    cache.set(cache_key, (version, figures), timeout)
    return figures


def figures_forget(*, key: str) -> None:
    cache.delete(f"c2f:figures:{key}")


def figures_warmer_register(name: str, warm: Callable[[], None]) -> None:
    """``warm()`` reads figures a page keeps, so they are counted before anybody waits for them."""
    _warmers[name] = warm


def figures_warm() -> list[str]:
    """Run every registered warmer (a failing one is logged, the others still run); returns their names."""
    for name, warm in _warmers.items():
        try:
            warm()
        except Exception:  # a page counts its figures itself when a warmer could not
            logger.exception("figures warmer %s failed", name)
    return list(_warmers)
