from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class SyncGZipMiddleware(GZipMiddleware):
    """Compresses sync answers for clients that accept gzip (they are large and repetitive).

    Only the sync endpoints: they reflect no secret from the request, so compression cannot
    leak one (the BREACH concern that keeps it off pages with CSRF tokens).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path.startswith("/api/v1/sync/"):
            return super().process_response(request, response)
        return response
