"""Factory API keys: ``c2f_<prefix>_<secret>``.

The prefix is stored in clear so a request's key finds its row in one lookup;
of the whole key only a SHA-256 digest is stored, so a database dump holds no
usable key.
"""

import hashlib
import hmac
import secrets
import string

KEY_NAMESPACE = "c2f"
PREFIX_LENGTH = 8
MAX_KEY_LENGTH = 128
_PREFIX_ALPHABET = string.ascii_letters + string.digits


def new_prefix() -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def build_key(prefix: str) -> str:
    return f"{KEY_NAMESPACE}_{prefix}_{secrets.token_urlsafe(32)}"


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def key_prefix(raw_key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH:
        return None
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_NAMESPACE or not parts[2]:
        return None
    prefix = parts[1]
    if len(prefix) != PREFIX_LENGTH or any(c not in _PREFIX_ALPHABET for c in prefix):
        return None
    return prefix


CACHE_SECONDS = 300  # any change to a key drops its cached row at once (production/key_cache.py)


def cache_key(prefix: str) -> str:
    """Where the key row of ``prefix`` is cached for authentication (``production.key_cache``)."""
    return f"factory-api:key:{prefix}"


def key_matches(raw_key: str, hashed_key: str) -> bool:
    return hmac.compare_digest(hash_key(raw_key), hashed_key)
