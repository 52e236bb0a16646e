"""The benchmark's own PostgreSQL databases: ``passerelle_bench_<scale>``, created, migrated and
filled by the benchmark itself (never the CI's or anyone's working database)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")


def url(scale):
    return f"{SERVER.rstrip('/')}/passerelle_bench_{scale}"


def environment(scale, **extra):
    """The environment of a subprocess working on the scale's database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url(scale),
        DEVDATA="1",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-a-secret",
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def manage(scale, *args, check=True, **extra):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment(scale, **extra),
        cwd=ROOT,
        check=check,
    )


def create(scale):
    """Creates the database when missing (through the server's ``postgres`` database)."""
    import psycopg2

    parts = urlsplit(SERVER)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    name = f"passerelle_bench_{scale}"
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)
    connection.close()


def prepare(scale, *, departments=None, files=None):
    """Creates, migrates and fills (idempotent) the database of ``scale``."""
    started = time.perf_counter()
    create(scale)
    manage(scale, "migrate", "--noinput", "-v0")
    args = ["generate_dataset", "--scale", scale]
    if departments:
        args += ["--departments", str(departments)]
    if files:
        args += ["--files", str(files)]
    manage(scale, *args)
    with_analyze(scale)
    print(f"database of {scale} scale ready in {time.perf_counter() - started:.0f} s", flush=True)


def with_analyze(scale):
    import psycopg2

    connection = psycopg2.connect(url(scale))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


if __name__ == "__main__":
    prepare(sys.argv[1], departments=int(sys.argv[2]) if len(sys.argv) > 2 else None)
