"""Who is asking: the client's address behind our proxies, and a small per-client counter for
public pages (certificate and record checks)."""

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, AuthRateThrottle


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person's device, as the proxies we run in front of the app saw it.

    `IMPULSA_TRUSTED_PROXIES` is how many proxies (load balancers) stand in front of the app
    servers. Each appends the address it received the request from to `X-Forwarded-For`, so the
    entry that many places from the right was written by our outermost proxy: everything to its
    left came from the client and may be made up. With 0 the header is ignored and the address of
    the connection counts.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = int(getattr(settings, "IMPULSA_TRUSTED_PROXIES", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop for hop in str(forwarded).split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: the request skipped a proxy; the leftmost is the best we have.
    return _valid_ip(hops[-min(trusted, len(hops))]) or remote


class ClientAnonRateThrottle(AnonRateThrottle):
    """The API's throttle for anonymous calls, counted per client address (see client_ip)."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)


class ClientAuthRateThrottle(AuthRateThrottle):
    """The API's throttle for signed-in calls; unauthenticated ones counted per client address."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)


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
