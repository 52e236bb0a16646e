"""Logs a person may read without learning anyone's name: JSON lines with a request id and the acting
user's id, and never a query string, a database error's values or an e-mail address.

Search terms travel in query strings (``?q=<name>``, ``?ofii_number=…``) and PostgreSQL puts the
offending values in its errors (``Key (ofii_number)=(75-2025-01234) already exists``): both are cut
from every line, whatever logger wrote it (Django, gunicorn, Celery, ours), tracebacks included.
"""

import logging
import re
from contextvars import ContextVar

from django.core.signals import request_started
from django_guid import get_guid
from pythonjsonlogger.json import JsonFormatter

from partners.api_auth import HashedTokenAuthentication

_user_id = ContextVar("passerelle_user_id", default=None)

SCRUBBERS = (
    # A query string after a path or URL: "GET /beneficiaires/?q=Durand HTTP/1.1".
    (re.compile(r"(/[^\s?\"']*)\?[^\s\"']*"), r"\1?[filtered]"),
    # PostgreSQL's DETAIL lines name the values of a violated key.
    (re.compile(r"(Key \([^)]*\))=\((?:[^()]|\([^)]*\))*\)"), r"\1=([filtered])"),
    (re.compile(r"(Failing row contains )\(.*?\)(?=\.|$)", re.M), r"\1([filtered])"),
    # E-mail addresses (members' logins, people's contact details).
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
)


def scrub(text):
    for pattern, replacement in SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def set_user_id(user_id):
    _user_id.set(user_id)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` (django-guid's correlation id) and ``user_id`` to every record."""

    def filter(self, record):
        record.request_id = get_guid()
        record.user_id = _user_id.get()
        return True


class ScrubbingJsonFormatter(JsonFormatter):
    """One JSON object per line; the whole line, traceback included, goes through ``scrub``."""

    def format(self, record):
        return scrub(super().format(record))


class ScrubbingFormatter(logging.Formatter):
    """The same scrubbing for a plain-text console (``LOG_FORMAT=text`` on a developer's machine)."""

    def format(self, record):
        return scrub(super().format(record))


class UserIdMiddleware:
    """Remembers the signed-in person's id for the log lines of this request (session login).

    Not reset on the way out: Django logs a 4xx/5xx answer after the middleware has returned.
    ``clear_user_id`` (on ``request_started``) starts each request afresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        set_user_id(user.pk if user is not None and user.is_authenticated else None)
        return self.get_response(request)


def clear_user_id(**kwargs):
    set_user_id(None)


class LoggedTokenAuthentication(HashedTokenAuthentication):
    """DRF token authentication that also names the API caller's id in the log lines."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        set_user_id(user.pk)
        return user, token


def sentry_before_send(event, hint):
    """Error tracking gets no personal data: no query string, body, cookies or headers, and the
    message and exception texts scrubbed like the logs."""
    request = event.get("request") or {}
    for key in ("query_string", "data", "cookies", "headers", "env"):
        request.pop(key, None)
    if "url" in request:
        request["url"] = scrub(request["url"])
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = scrub(exception["value"])
    if isinstance(event.get("logentry"), dict) and event["logentry"].get("message"):
        event["logentry"]["message"] = scrub(event["logentry"]["message"])
    event.pop("user", None)
    return event


request_started.connect(clear_user_id, dispatch_uid="passerelle-clear-log-user-id")
