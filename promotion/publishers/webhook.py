"""The webhook publisher: each due post as a signed JSON POST to the seller's publishing service.

The body is JSON (UTF-8). Headers:

- ``X-C2F-Delivery``: the post's delivery id, the same on every retry, so a receiver drops repeats;
- ``X-C2F-Timestamp``: Unix seconds when this attempt was signed;
- ``X-C2F-Signature``: ``sha256=`` and the hex HMAC-SHA256, under the shared secret, of
  ``<timestamp>.<body>`` — a receiver recomputes it over the raw body, compares in constant time, and
  refuses old timestamps.

A 2xx answer means the service took the post. Timeouts, connection errors, 408, 425, 429 and 5xx are
worth another try; any other answer (a 3xx is not followed) is final.
"""

import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass

import requests

from . import OutgoingPost

RETRY_STATUSES = {408, 425, 429}
USER_AGENT = "C2F-publisher/1"
MAX_ERROR = 500


@dataclass(frozen=True)
class Delivery:
    ok: bool
    transient: bool
    status_code: int | None
    error: str
    duration_ms: int


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(*, secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    try:
        expected = sign(secret=secret, timestamp=int(timestamp), body=body)
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, signature or "")


def payload(post: OutgoingPost) -> dict:
    data = asdict(post)
    data["scheduled_at"] = post.scheduled_at.isoformat()
    data["hashtags"] = list(post.hashtags)
    return {"event": "post.publish", "post": data}


def deliver(*, url: str, secret: str, post: OutgoingPost, timeout: float = 10.0) -> Delivery:
    body = json.dumps(payload(post), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-C2F-Delivery": post.delivery_id,
        "X-C2F-Timestamp": str(timestamp),
        "X-C2F-Signature": sign(secret=secret, timestamp=timestamp, body=body),
    }
    started = time.monotonic()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except (requests.Timeout, requests.ConnectionError) as error:
        took = int((time.monotonic() - started) * 1000)
        return Delivery(ok=False, transient=True, status_code=None, error=f"{type(error).__name__}: {error}"[:MAX_ERROR],
                        duration_ms=took)
    except requests.RequestException as error:
        took = int((time.monotonic() - started) * 1000)
        return Delivery(ok=False, transient=False, status_code=None, error=f"{type(error).__name__}: {error}"[:MAX_ERROR],
                        duration_ms=took)
    took = int((time.monotonic() - started) * 1000)
    code = response.status_code
    if 200 <= code < 300:
        return Delivery(ok=True, transient=False, status_code=code, error="", duration_ms=took)
    snippet = " ".join((response.text or "")[:200].split())
    transient = code >= 500 or code in RETRY_STATUSES
    return Delivery(ok=False, transient=transient, status_code=code,
                    error=f"HTTP {code} from the publishing service{': ' + snippet if snippet else ''}"[:MAX_ERROR],
                    duration_ms=took)
