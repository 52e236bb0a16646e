"""Password-reset requests: a counter per address and per IP address, an hour, in the cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .accounts import normalise_login

WINDOW_SECONDS = 3600


def _key(kind, value):
    # Hashed: the cache holds no address.
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count(key):
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def allow(email, ip_address):
    """Counts this request; False once either limit is passed (then nothing is sent).

    Fails open when the cache is down (like the API's throttles): a reset still works."""
    try:
        per_address = _count(_key("address", normalise_login(email)))
        per_ip = _count(_key("ip", ip_address or "?"))
    except Exception:  # noqa: BLE001 (any cache backend error)
        return True
    return (
        per_address <= settings.PASSWORD_RESET_PER_ADDRESS
        and per_ip <= settings.PASSWORD_RESET_PER_IP
    )
