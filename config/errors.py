"""Error pages in French with the DSFR layout, the same with and without ``DEBUG``.

Django's handlers render ``400.html``, ``403.html``, ``403_csrf.html`` and ``404.html`` themselves; the
500 page is rendered here without the request's context processors, which may need the database
that has just failed. The 404 page reads the same for a missing record and one out of scope.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template import loader

from .context_processors import SITE_CONFIG

# Django's technical pages (DEBUG) carry this tag; Passerelle's own 400 answers (a form with its
# errors) do not, and are left alone.
TECHNICAL_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'
TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 500: "500.html"}


def server_error(request, template_name="500.html"):
    html = loader.get_template(template_name).render({"SITE_CONFIG": SITE_CONFIG})
    return HttpResponseServerError(html)


class FrenchErrorPagesMiddleware:
    """With ``DEBUG`` on (the demo), shows the French pages instead of Django's technical pages,
    which list every URL pattern and settings; the traceback still goes to the console log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in TEMPLATES
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and TECHNICAL_PAGE_MARK in response.content
        ):
            if response.status_code == 500:
                return server_error(request)
            html = loader.render_to_string(TEMPLATES[response.status_code], request=request)
            response.content = html.encode()
            response["Content-Length"] = str(len(response.content))
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the address or the query string answers 400 before any view runs: PostgreSQL
    refuses it in a text comparison, and no filter of Passerelle has a use for it. (Form fields
    refuse it already, with a field error: Django's ``ProhibitNullCharactersValidator``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query.lower() or "\x00" in query:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Caractère nul refusé dans l'adresse ou les filtres."}, status=400
                )
            return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))
        return self.get_response(request)
