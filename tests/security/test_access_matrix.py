"""The access matrix: every route, every persona, the expected answer (issue 11).

Every route of the URLconf and every operation of the OpenAPI schema must have an entry in
``tests/security/matrix.py`` (a new route without one fails ``test_every_route_has_an_entry``).
For each entry, each persona of ``tests/security/world.py`` requests the Paris record and gets the
expected answer; those who reach it also request the Seine-Saint-Denis record and a missing id,
which both answer 404. Every answer (pages, exports, JSON, PDF) is searched for the names and OFII
numbers the persona may not see, and every answer to a signed-in person must carry
``Cache-Control: no-store`` and a Content-Security-Policy without ``'unsafe-inline'``.

The data is built once for the module (rolled back at its end); each route is one test, rolled
back on its own, so the state changes of one route never reach another.
"""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import verify_session
from tests.routes import route_entries

from . import matrix, world
from .matrix import ANONYMOUS, DEACTIVATED, OTHER_DEPT, PERSONAS, ROUTES

pytestmark = pytest.mark.django_db

REQUESTS = {"count": 0, "admin_routes": 0}  # printed by tests/security/conftest.py


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = world.build()
            built.sessions = {}
            for persona, user in built.personas.items():
                if user is not None:
                    client = Client()
                    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                    # Module-scoped: tests/conftest.py's force_login wrapper is not in place yet.
                    verify_session(client, user)
                    built.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
            transaction.set_rollback(True)
    settings.MEDIA_ROOT = media_root


def forbidden_marks(data, persona):
    """What ``persona`` must find in no answer: the people and departments out of its scope."""
    own, foreign = data.own.person, data.foreign.person
    marks = []
    if persona != OTHER_DEPT:  # the OFII of Seine-Saint-Denis holds the other person's file
        marks += [foreign.last_name, foreign.first_name, foreign.ofii_number]
    if persona not in matrix.FILES:
        marks += [own.last_name, own.first_name, own.ofii_number]
    if persona == OTHER_DEPT:
        marks += ["Lutecezz"]  # every Paris name carries it
    elif persona != matrix.ADMIN:
        marks += ["Bobignyzz"]
    return marks


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def client_for(data, persona):
    """A client signed in as ``persona`` (one session per persona for the module: a logout or a
    deactivation in one test is rolled back, and the next client starts from the same cookie)."""
    client = Client()
    if persona in data.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = data.sessions[persona]
    return client


def call(client, check, data, path):
    REQUESTS["count"] += 1
    payload = check.data(data) if check.data else {}
    if check.method == "get":
        return client.get(path)
    if path.startswith("/api/"):
        return getattr(client, check.method)(path, payload, content_type="application/json")
    return getattr(client, check.method)(path, payload)


def anonymous_answer(path):
    return 401 if path.startswith("/api/") else 302


def verify(response, expected, persona, data, label):
    assert response.status_code == expected, (
        f"{label}: {response.status_code} != {expected} {body_of(response)[:300]}"
    )
    if expected == 302 and persona in (ANONYMOUS, DEACTIVATED):
        assert response["Location"].startswith("/connexion/"), label
    if response.status_code != 200:
        return
    body = body_of(response).lower()
    leaked = [mark for mark in forbidden_marks(data, persona) if mark.lower() in body]
    assert not leaked, f"{label} shows {leaked}"
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy, label
    assert "unsafe-inline" not in policy, label
    if data.personas[persona] is not None and persona != DEACTIVATED:
        assert "no-store" in response.get("Cache-Control", ""), label


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route(key, data):
    for check in ROUTES[key]:
        for persona in PERSONAS:
            # Each persona starts from the same data: what another did is rolled back.
            with transaction.atomic():
                request_as(persona, check, data)
                transaction.set_rollback(True)


def request_as(persona, check, data):
    client = client_for(data, persona)
    record = getattr(data.own, check.record) if check.record else None
    path = check.url(record)
    expected = check.expected(persona)
    if expected is None:  # not open to the anonymous nor to the deactivated
        expected = anonymous_answer(path)
    label = f"{check.method.upper()} {path} as {persona}"
    verify(call(client, check, data, path), expected, persona, data, label)
    if check.record is None or persona not in check.who:
        return
    others = [("missing", data.missing)]
    if persona != matrix.ADMIN:  # platform admins see every department
        others.append(("other department", getattr(data.foreign, check.record)))
    for what, other in others:
        path = check.url(other)
        label = f"{check.method.upper()} {path} ({what}) as {persona}"
        verify(call(client, check, data, path), 404, persona, data, label)


def admin_path(route):
    """A concrete path of an admin route: ids are 1, the app is ``partners``."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "partners", route)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)


def test_admin_is_for_platform_admins_only(data):
    """Every page of the admin sends everyone but a platform admin to the admin's login."""
    paths = [
        admin_path(route)
        for key, route in route_entries()
        # Its sign-in form is open to all; its logout is checked below.
        if key.startswith("admin:") and key not in ("admin:login", "admin:logout")
    ]
    for persona in PERSONAS:
        if persona == matrix.ADMIN:
            continue
        client = client_for(data, persona)
        for path in paths:
            REQUESTS["count"] += 1
            response = client.get(path)
            assert response.status_code == 302, f"{path} as {persona}: {response.status_code}"
            # The admin's login page, or the site's (LoginRequiredMiddleware) for the anonymous.
            login_page = response["Location"].split("?")[0]
            assert login_page in ("/admin/login/", "/connexion/"), f"{path} as {persona}"
    REQUESTS["count"] += 3
    assert client_for(data, ANONYMOUS).get("/admin/login/").status_code == 200
    # GET on the admin's logout goes back to the admin's index (which sends them to sign in).
    response = client_for(data, matrix.OFII).get("/admin/logout/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client_for(data, matrix.ADMIN).get("/admin/").status_code == 200
    REQUESTS["admin_routes"] = len(paths) + 2


def test_every_route_has_an_entry():
    from config.api_urls import router

    keys = {key for key, _route in route_entries() if not key.startswith("admin:")}
    for _prefix, _viewset, basename in router.registry:
        assert any(key.startswith(f"{basename}-") for key in keys), basename
    missing = sorted(keys - set(ROUTES))
    stale = sorted(set(ROUTES) - keys)
    print(f"{len(keys)} routes outside the admin, {len(ROUTES)} entries")
    assert not missing, f"routes without an entry in tests/security/matrix.py: {missing}"
    assert not stale, f"entries of tests/security/matrix.py without a route: {stale}"


def test_every_api_operation_has_an_entry():
    """Each operation of the OpenAPI schema (path and method) is requested by the matrix."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = 0
    for path, methods in schema["paths"].items():
        concrete = re.sub(r"\{\w+\}", "1", path)
        key = resolve(concrete).url_name
        tested = {check.method for check in ROUTES.get(key, ())}
        for method in methods:
            operations += 1
            assert method in tested, f"{method.upper()} {path} ({key}) has no check"
    print(f"{operations} API operations")
    assert operations
