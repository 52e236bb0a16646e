"""Response headers of personal data: nothing kept in a cache.

``NoStoreMiddleware`` marks ``Cache-Control: no-store`` on every answer to a signed-in person and
on every API answer (the API authenticates in DRF, after the middlewares): pages, exports, PDFs and
JSON alike, so that no browser, shared computer or proxy keeps a copy of a file. The
Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in the settings).
"""

from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = request.path_info.startswith(API_PREFIX) or getattr(
            user, "is_authenticated", False
        )
        if personal and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
