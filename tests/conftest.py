"""Personas, one per role (as healthchecks' alice, bob and charlie), and shared fixtures.

Paris (75): ``ofii`` (auditor), ``france_travail``, ``mission_locale``, ``cap_emploi`` (counsellors),
``prefecture`` (coordinator), ``partner`` (association). Seine-Saint-Denis (93): ``ofii93``.
``platform_admin``: superuser with no organisation.
"""

import pytest

from devdata.sessions import totp_device, verify_session  # noqa: F401 (for the tests)
from partners.models import OrganisationKind

from .factories import PASSWORD, DepartmentFactory, OrganisationFactory, UserFactory, member_of

__all__ = ["PASSWORD"]


@pytest.fixture(autouse=True)
def _celery_eager(request, settings):
    """Tasks run in-process unless a test is marked ``services`` (a real worker over Redis)."""
    from config.celery import app

    eager = request.node.get_closest_marker("services") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def _a_cache_and_files_per_worker(worker_id, tmp_path_factory):
    """``make test`` spreads the suite over the machine's cores (pytest-xdist). Each worker gets
    its own media folders and, when the cache is Redis, its own Redis database (``cache.clear()``
    empties a whole database): the workers never see each other's files or counters. The test
    databases are already one per worker (pytest-django)."""
    if worker_id == "master":
        yield
        return
    from django.conf import settings
    from django.test.utils import override_settings

    changes = {
        "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
        "PRIVATE_MEDIA_ROOT": tmp_path_factory.mktemp("private"),
    }
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        database = 14 - int(worker_id.removeprefix("gw"))  # 15 is the services tests'
        location = cache["LOCATION"].rsplit("/", 1)[0] + f"/{database}"
        changes["CACHES"] = {"default": dict(cache, LOCATION=location)}
    with override_settings(**changes):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a complete sign-in: password and, for the people
    who need one, a verified second factor (a TOTP device is made for them). The second factor
    itself is tested through the real pages (tests/security/test_second_factor.py);
    ``verified=False`` leaves the session at the password step."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        original(self, user, backend)
        if verified:
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def paris(db):
    return DepartmentFactory(code="75")


@pytest.fixture
def seine_saint_denis(db):
    return DepartmentFactory(code="93")


@pytest.fixture
def orgs(paris, seine_saint_denis):
    """One organisation of each useful kind in Paris, and an OFII directorate in 93."""

    def make(kind, department, name):
        return OrganisationFactory(kind=kind, department=department, name=name)

    return {
        "ofii": make(OrganisationKind.OFII, paris, "OFII Paris"),
        "france_travail": make(OrganisationKind.FRANCE_TRAVAIL, paris, "France Travail Paris"),
        "mission_locale": make(OrganisationKind.MISSION_LOCALE, paris, "Mission Locale Paris"),
        "cap_emploi": make(OrganisationKind.CAP_EMPLOI, paris, "Cap emploi Paris"),
        "prefecture": make(OrganisationKind.PREFECTURE, paris, "Préfecture de Paris"),
        "partner": make(OrganisationKind.ASSOCIATION, paris, "Association Paris"),
        "ofii93": make(OrganisationKind.OFII, seine_saint_denis, "OFII Bobigny"),
        "france_travail93": make(
            OrganisationKind.FRANCE_TRAVAIL, seine_saint_denis, "France Travail 93"
        ),
    }


@pytest.fixture
def ofii(orgs):
    return member_of(orgs["ofii"], is_admin=True)


@pytest.fixture
def france_travail(orgs):
    return member_of(orgs["france_travail"])


@pytest.fixture
def mission_locale(orgs):
    return member_of(orgs["mission_locale"])


@pytest.fixture
def cap_emploi(orgs):
    return member_of(orgs["cap_emploi"])


@pytest.fixture
def prefecture(orgs):
    return member_of(orgs["prefecture"], is_admin=True)


@pytest.fixture
def partner(orgs):
    return member_of(orgs["partner"])


@pytest.fixture
def ofii93(orgs):
    return member_of(orgs["ofii93"])


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_superuser=True, is_staff=True, email="root@passerelle.test")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(api_client):
    """``api_as(user)``: an API client authenticated with a new token of the person's."""
    from partners import tokens

    def login(user):
        token, key = tokens.create_personal(user)
        # As a token in steady use: its "last used" date is written at most every few minutes,
        # not in the query counts of the requests under test.
        type(token).objects.filter(pk=token.pk).update(last_used_at=token.created_at)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api_client

    return login


def totp_code(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# --- Real services --------------------------------------------------------------------------


def _services_missing():
    import os

    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
    return missing


def pytest_collection_modifyitems(config, items):
    missing = _services_missing()
    if not missing:
        return
    reason = f"needs a real Celery worker, PostgreSQL and Redis: set {' and '.join(missing)}"
    for item in items:
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.skip(reason=reason))


class WorkerProcess:
    """A real ``celery worker`` subprocess bound to the test database."""

    def __init__(self, env, log_path):
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parent.parent
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=root,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self):
        import signal

        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self):
        import signal

        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except Exception:
                self.kill()
        self.log.close()

    def output(self):
        from pathlib import Path

        return Path(self.log_path).read_text(errors="replace")


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path):
    """Starts real workers against the *test* database and the Redis of REDIS_URL."""
    import os

    import redis
    from django.db import connection

    settings_dict = connection.settings_dict
    database_url = "postgres://{user}@{host}:{port}/{name}".format(
        user=settings_dict["USER"] or "postgres",
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        name=settings_dict["NAME"],
    )
    # Start from an empty queue: nothing left over from another run.
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    env = dict(
        os.environ, DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="test-only-not-a-secret"
    )
    workers = []

    def start(**extra_env):
        worker = WorkerProcess(
            dict(env, **extra_env), tmp_path / f"worker{len(workers)}.log"
        ).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_for(predicate, timeout=60, interval=0.2):
    """Polls ``predicate`` until it returns a true value; returns it, or fails after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, ends the connections left open at the end of the run, so that the test
    database can be dropped: Playwright's event loop gives fixtures run inside it a connection of
    their own, and a killed worker leaves its session behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


# --- The size of the access matrix, printed at the end of the run (issue 11) -------------------
# Under pytest-xdist the matrix runs in a worker: the worker hands its counts to the controller,
# which prints them.

_ACCESS_MATRIX = []


def _access_matrix_counts():
    import sys

    module = sys.modules.get("tests.security.test_access_matrix")
    if module is None or not module.REQUESTS["count"]:
        return None
    return [len(module.ROUTES), module.REQUESTS["admin_routes"], module.REQUESTS["count"]]


def pytest_sessionfinish(session):
    counts = _access_matrix_counts()
    workeroutput = getattr(session.config, "workeroutput", None)
    if counts and workeroutput is not None:
        workeroutput["access_matrix"] = counts
    elif counts:
        _ACCESS_MATRIX.append(counts)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    counts = getattr(node, "workeroutput", {}).get("access_matrix")
    if counts:
        _ACCESS_MATRIX.append(counts)


def pytest_terminal_summary(terminalreporter):
    if _ACCESS_MATRIX:  # one entry per worker that ran part of it
        routes = max(counts[0] for counts in _ACCESS_MATRIX)
        admin_routes = sum(counts[1] for counts in _ACCESS_MATRIX)
        requests = sum(counts[2] for counts in _ACCESS_MATRIX)
        terminalreporter.write_line(
            f"access matrix: {routes} routes and {admin_routes} admin routes, {requests} requests"
        )
