"""A small per-client counter for public pages (certificate and record checks)."""

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def over_limit(request: HttpRequest, scope: str, *, per_minute: int) -> bool:
    """Counts this request against the caller's address; True once the minute's limit is passed."""
    key = f"ratelimit:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        hits = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, timeout=60)
        hits = 1
    return hits > per_minute
