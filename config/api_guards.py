"""What stands between the API and bad input or a failing cache (referenced by REST_FRAMEWORK).

- ``BoundedJSONParser``: a body over ``API_MAX_BODY_BYTES`` answers 413, JSON nested deeper than
  ``API_MAX_JSON_DEPTH`` answers 400 (Python's parser would recurse until it crashes), a NUL byte
  anywhere answers 400 (PostgreSQL refuses it in text columns) — each with a message, never a 500.
- The throttles fail open: when the cache (Redis) is down, requests go through and a warning is
  logged, rather than every API call answering 500.
"""

import json
import logging
import re

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Le contenu envoyé est trop volumineux."
    default_code = "payload_too_large"


def json_depth(raw):
    """The deepest nesting of arrays and objects in ``raw`` (bytes), strings ignored."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge()
        if json_depth(raw) > settings.API_MAX_JSON_DEPTH:
            raise ParseError("Le JSON envoyé est imbriqué trop profondément.")
        if b"\\u0000" in raw or b"\x00" in raw:
            raise ParseError("Le contenu envoyé contient un caractère nul.")
        try:
            return json.loads(raw.decode(parser_context.get("encoding", "utf-8")))
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"JSON invalide : {error.__class__.__name__}.") from None


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 — any cache failure: Redis down, timeout, refused
            logger.warning("API throttle skipped: the cache does not answer", exc_info=False)
            return True


class FailOpenAnonRateThrottle(_FailOpen, AnonRateThrottle):
    pass


class FailOpenUserRateThrottle(_FailOpen, UserRateThrottle):
    pass
