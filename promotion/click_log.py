"""What a click on a tracked link may keep, decided from the request alone: pure Python, no Django.

The click log holds no raw IP address and no full referrer. From a request it keeps:

- whether it is a person at all: crawlers and the link-preview fetchers of chat apps and networks
  (``is_bot``), HEAD requests and prefetches are not clicks;
- a device class from the user agent (mobile, tablet, desktop);
- a country only from a header the deployment names as trusted (``trusted_country``), because any
  client can send any header;
- the referrer's origin (``scheme://host[:port]``), never its path or query string, which can carry
  e-mail addresses and tokens;
- a visitor key for counting one visitor's repeated clicks once: an HMAC of the address and user
  agent under a salt derived from the application's secret and the day (``daily_salt``), so keys of
  different days cannot be joined and the salt itself is never stored.
"""

import hashlib
import hmac
import re
from datetime import date
from urllib.parse import urlsplit

# Crawlers, monitors and the fetchers that build link previews in chats and feeds. Matched anywhere
# in the user agent, case-insensitive.
BOT_PATTERNS = (
    "bot", "crawl", "spider", "slurp", "facebookexternalhit", "facebookcatalog", "meta-externalagent",
    "twitterbot", "slackbot", "slack-imgproxy", "whatsapp", "telegrambot", "discordbot", "linkedinbot",
    "googlebot", "google-inspectiontool", "googleother", "adsbot", "mediapartners-google", "bingbot",
    "bingpreview", "duckduckbot", "yandex", "baiduspider", "applebot", "pinterestbot", "redditbot",
    "embedly", "skypeuripreview", "vkshare", "iframely", "outbrain", "quora link preview",
    "kakaotalk-scrap", "mastodon", "bluesky", "cardyb", "headlesschrome",
    "phantomjs", "python-requests", "python-urllib", "aiohttp", "httpx", "curl/", "wget/", "go-http-client",
    "java/", "okhttp", "libwww-perl", "scrapy", "ahrefs", "semrush", "mj12", "dotbot", "petalbot",
    "bytespider", "gptbot", "claudebot", "perplexity", "uptimerobot", "pingdom", "statuscake", "preview",
)
_BOTS = re.compile("|".join(re.escape(p) for p in BOT_PATTERNS), re.IGNORECASE)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|(android(?!.*mobile))", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|windows phone|iemobile", re.IGNORECASE)
_DESKTOP = re.compile(r"windows nt|macintosh|x11|cros|linux", re.IGNORECASE)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Codes a CDN sends for "not a country": unknown, Tor, anonymous proxies.
NOT_COUNTRIES = {"XX", "T1", "A1", "A2", "O1", "EU", "AP", "ZZ"}

MOBILE, TABLET, DESKTOP, OTHER = "mobile", "tablet", "desktop", "other"
MAX_USER_AGENT = 512


def is_bot(user_agent: str) -> bool:
    """A crawler or link-preview fetcher, or no user agent at all."""
    ua = (user_agent or "").strip()
    return not ua or bool(_BOTS.search(ua[:MAX_USER_AGENT]))


def is_prefetch(headers) -> bool:
    """A browser's speculative fetch (``Sec-Purpose: prefetch``, ``Purpose: prefetch``, ``X-Moz: prefetch``)."""
    for name in ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"):
        if "prefetch" in (headers.get(name) or "").lower() or "preview" in (headers.get(name) or "").lower():
            return True
    return False


def device_class(user_agent: str) -> str:
    ua = (user_agent or "")[:MAX_USER_AGENT]
    if _TABLET.search(ua):
        return TABLET
    if _MOBILE.search(ua):
        return MOBILE
    if _DESKTOP.search(ua):
        return DESKTOP
    return OTHER


def trusted_country(value: str | None) -> str:
    """The two-letter country a trusted header gave, or "" (unknown, Tor, malformed)."""
    code = (value or "").strip().upper()
    return code if _COUNTRY.match(code) and code not in NOT_COUNTRIES else ""


def referrer_origin(referrer: str | None) -> str:
    """``https://l.instagram.com`` from any http(s) referrer; "" for anything else."""
    try:
        parts = urlsplit((referrer or "").strip()[:2000])
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host or len(host) > 253:
        return ""
    if not re.fullmatch(r"[a-z0-9.\-\[\]:]+", host):
        return ""
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default) else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}"


def daily_salt(secret: str, day: date) -> bytes:
    """The day's salt: derived from the secret and the date, never stored, different every day."""
    return hmac.new(secret.encode(), f"c2f-click-visitor:{day.isoformat()}".encode(), hashlib.sha256).digest()


def visitor_key(*, salt: bytes, address: str, user_agent: str) -> str:
    """One visitor on one day: an HMAC of address and user agent under the day's salt."""
    message = f"{address}\x00{(user_agent or '')[:MAX_USER_AGENT]}".encode("utf-8", "replace")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:32]


def source_key(*, salt: bytes, address: str) -> str:
    """One network address on one day, for limiting a flood of requests from it."""
    return hmac.new(salt, f"source\x00{address}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]
