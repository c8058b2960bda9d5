"""Where an order's shopper came from, kept no further than attribution needs. Pure: no Django.

A landing page address can carry anything in its query string (an e-mail address, a login token, a
click id): only its path and its ``utm_*`` parameters are kept. A referring page is kept as its origin
(``https://www.instagram.com``), never its path or query.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id")
MAX_LANDING = 500  # Order.landing_url
MAX_REFERRER = 255  # Order.referring_site
MAX_UTM_VALUE = 80
MAX_INPUT = 8192  # longer text is cut before it is read: nothing past it is worth parsing
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$")
_PATH_UNSAFE = re.compile(r"[^A-Za-z0-9/._~%!$&'()*+,;=:-]")


def _utm_value(value) -> str:
    value = _CONTROL.sub("", str(value)).strip()[:MAX_UTM_VALUE]
    return "" if "@" in value else value  # an address in a tracking parameter is still an address


def _split(text):
    if not isinstance(text, str):
        return None
    text = _CONTROL.sub("", text[:MAX_INPUT]).strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # javascript:, data:, mailto:, android-app:...
    return parts


def landing_reduce(url, *, utm: dict | None = None) -> str:
    """``url`` (a landing page address or path) as its path and its ``utm_*`` parameters only, at most
    ``MAX_LANDING`` characters; ``utm`` adds parameters the shop recorded apart (the address's own win).
    "" when there is nothing to keep or ``url`` is no web address."""
    parts = _split(url)
    path, found = "", {}
    if parts is not None and (parts.path.startswith("/") or parts.netloc or (not parts.path and parts.query)):
        path = parts.path or ("/" if parts.netloc else "")
        if "@" in path or _PATH_UNSAFE.search(path):
            path = "/"  # a path with an address or odd characters in it says nothing attribution needs
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            key = key.strip().lower()
            if key in UTM_KEYS and key not in found:
                found[key] = _utm_value(value)
    for key, value in (utm or {}).items():
        key = str(key).strip().lower()
        if key in UTM_KEYS and key not in found and isinstance(value, str | int):
            found[key] = _utm_value(value)
    query = urlencode([(key, found[key]) for key in UTM_KEYS if found.get(key)])
    if not query and path in ("", "/"):
        return path
    query = f"?{query}" if query else ""
    return path[:max(MAX_LANDING - len(query), 1)] + query if len(query) < MAX_LANDING else path[:MAX_LANDING]


def referrer_reduce(url) -> str:
    """The origin (scheme, host, port) of the page that sent the shopper; "" when ``url`` has none."""
    parts = _split(url)
    if parts is None or not parts.scheme or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    if not _HOST.match(host):
        return ""
    port = parts.port
    default = {"http": 80, "https": 443}[parts.scheme]
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")
    return origin[:MAX_REFERRER]
