"""Watchlists: the keywords x markets a cycle watches."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Cycle

from ..models import LiveSource, WatchKeyword, Watchlist

TIMEFRAME = re.compile(r"^(today \d{1,2}-[ymd]|now \d{1,2}-[Hd]|all|\d{4}-\d{2}-\d{2} \d{4}-\d{2}-\d{2})$")


def _clean_markets(markets: list[str]) -> list[str]:
    clean = []
    for market in markets:
        code = market.strip().upper()
        if len(code) > 12 or (code and not code.replace("-", "").isalnum()):
            raise ValidationError({"markets": f"{market!r} is not a geo code such as US, GB or DE."})
        if code not in clean:
            clean.append(code)
    return clean


def _clean_keywords(keywords: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """casefolded keyword -> (keyword, category); the first spelling wins."""
    wanted: dict[str, tuple[str, str]] = {}
    for position, pair in enumerate(keywords, start=1):
        keyword, category = (" ".join(str(part).split()) for part in pair)
        if not keyword:
            raise ValidationError({"keywords": f"Keyword {position} is empty."})
        if len(keyword) > 200 or len(category) > 80:
            raise ValidationError({"keywords": f"Keyword {position} ({keyword[:40]!r}) or its category is too long."})
        wanted.setdefault(keyword.casefold(), (keyword, category))
    return wanted


def _add_keywords(watchlist: Watchlist, wanted: dict[str, tuple[str, str]], origin: str) -> int:
    have = {k.casefold() for k in watchlist.keywords.values_list("keyword", flat=True)}
    created = WatchKeyword.objects.bulk_create(
        [
            WatchKeyword(watchlist=watchlist, keyword=keyword, category=category, origin=origin)
            for folded, (keyword, category) in wanted.items()
            if folded not in have
        ]
    )
    return len(created)


def watchlist_create(
    *,
    cycle: Cycle,
    name: str,
    keywords: list[tuple[str, str]],
    markets: list[str],
    origin: str = WatchKeyword.Origin.SEED,
    seeded_by_brief=None,
    is_demo: bool = False,
    timeframe: str = "today 5-y",
    live_source: str = LiveSource.PYTRENDS,
) -> Watchlist:
    """Create the cycle's watchlist ``name`` or add to it; keywords are (keyword, category), deduplicated
    case-insensitively (the first spelling wins), markets are geo codes (blank = worldwide)."""
    if not name.strip():
        raise ValidationError({"name": "A watchlist needs a name."})
    if origin not in WatchKeyword.Origin.values:
        raise ValidationError({"origin": f"{origin!r} is not one of {', '.join(WatchKeyword.Origin.values)}."})
    clean_markets = _clean_markets(markets)
    wanted = _clean_keywords(keywords)
    timeframe = _clean_timeframe(timeframe)
    live_source = _clean_live_source(live_source)
    with transaction.atomic():
        watchlist, created = Watchlist.objects.select_for_update().get_or_create(
            cycle=cycle, name=name.strip()[:120],
            defaults={"markets": clean_markets, "timeframe": timeframe, "seeded_by_brief": seeded_by_brief,
                      "is_demo": is_demo, "live_source": live_source},
        )
        if not created:
            merged = watchlist.markets + [m for m in clean_markets if m not in watchlist.markets]
            if merged != watchlist.markets:
                watchlist.markets = merged
                watchlist.save(update_fields=["markets"])
        _add_keywords(watchlist, wanted, origin)
    return watchlist


def _clean_live_source(live_source: str) -> str:
    if live_source not in LiveSource.values:
        raise ValidationError({"live_source": f"{live_source!r} is not one of {', '.join(LiveSource.values)}."})
    return live_source


def _clean_timeframe(timeframe: str) -> str:
    if not TIMEFRAME.match(timeframe.strip()):
        raise ValidationError(
            {"timeframe": f"{timeframe[:40]!r} is not a Google Trends timeframe such as 'today 5-y', "
                          "'today 12-m', 'now 7-d' or '2023-01-01 2024-12-31'."}
        )
    return timeframe.strip()


def watchlist_update(
    *,
    watchlist: Watchlist,
    name: str | None = None,
    markets: list[str] | None = None,
    timeframe: str | None = None,
    add_keywords: list[tuple[str, str]] = (),
    remove_keyword_ids: list[int] = (),
    live_source: str | None = None,
) -> Watchlist:
    """Rename a watchlist, replace its markets, timeframe and live source, add and remove keywords; all or nothing."""
    fields = []
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": "A watchlist needs a name."})
        clash = Watchlist.objects.filter(cycle_id=watchlist.cycle_id, name=name.strip()[:120]).exclude(pk=watchlist.pk)
        if clash.exists():
            raise ValidationError({"name": f"Cycle {watchlist.cycle.number} already has a watchlist {name.strip()!r}."})
        watchlist.name = name.strip()[:120]
        fields.append("name")
    if markets is not None:
        watchlist.markets = _clean_markets(markets)
        fields.append("markets")
    if timeframe is not None:
        watchlist.timeframe = _clean_timeframe(timeframe)
        fields.append("timeframe")
    if live_source is not None:
        watchlist.live_source = _clean_live_source(live_source)
        fields.append("live_source")
    wanted = _clean_keywords(list(add_keywords))
    with transaction.atomic():
        locked = Watchlist.objects.select_for_update().get(pk=watchlist.pk)
        if fields:
            watchlist.save(update_fields=fields)
        if remove_keyword_ids:
            WatchKeyword.objects.filter(watchlist=locked, pk__in=list(remove_keyword_ids)).delete()
        _add_keywords(locked, wanted, WatchKeyword.Origin.MANUAL)
    return watchlist
