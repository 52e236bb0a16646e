"""Deployment: production settings pass Django's checks; docker-compose runs every service."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "SECURE_SSL_REDIRECT"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DEBUG": "0",
            "SECRET_KEY": "a-real-looking-secret-key-" + "x7Qp9" * 10,
            "ALLOWED_HOSTS": "passerelle.example.fr",
        },
    )
    assert result.returncode == 0, result.stderr


def test_production_without_secret_key_refuses_to_start():
    result = run_manage("check", env_extra={"DEBUG": "0", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def settings_env_names():
    source = (ROOT / "config" / "settings.py").read_text()
    return source


def test_docker_compose_runs_every_service_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "proxy"} <= set(services)
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in services[name], name
        assert services[name]["healthcheck"]["test"], name
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert (ROOT / "Dockerfile").exists()
    assert services["web"].get("build") == "."


def test_docker_compose_configures_the_app_through_the_settings_variables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    settings_source = (ROOT / "config" / "settings.py").read_text()
    for name in ("web", "worker", "beat"):
        env = compose["services"][name]["environment"]
        for variable in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
            assert variable in env, (name, variable)
            assert f'"{variable}"' in settings_source, variable  # read by the settings module
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert str(env["DEBUG"]) == "0"
        depends = compose["services"][name]["depends_on"]
        assert (
            depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
        )


# Read by the code but not a deployment setting: development, tests and the demo only.
NOT_DEPLOYMENT_SETTINGS = {
    "DEBUG",  # fixed to 0 in compose
    "DEMO_PASSWORD",  # load_demo, development only
    "SQLITE_PATH",  # the embedded mode
    "BILAN_FAULT_PAUSE",  # fault injection in the worker-crash test
    "STATIC_MANIFEST",  # on whenever DEBUG is off
    "GUNICORN_BIND",  # the image's own port
    "DEVDATA",  # development data app, never in production
}


def variables_read_by_the_code():
    import re

    pattern = re.compile(r'(?:os\.environ(?:\.get)?[\[(]|env_bool\(|env_list\()"([A-Z][A-Z0-9_]+)"')
    names = set()
    for folder in ("config", "core", "partners", "beneficiaries", "referrals", "governance", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(pattern.findall(path.read_text()))
    return names


def test_compose_passes_every_setting_the_code_reads():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = compose["services"]["web"]["environment"]
    missing = variables_read_by_the_code() - set(env) - NOT_DEPLOYMENT_SETTINGS
    assert not missing, f"read by the code, not passed by docker-compose.yml: {sorted(missing)}"
    readme = (ROOT / "README.md").read_text()
    undocumented = {name for name in env if f"`{name}`" not in readme}
    assert not undocumented, f"passed by compose, not documented in README: {sorted(undocumented)}"


def test_compose_serves_https_through_the_proxy_and_web_is_not_published():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    proxy, web = compose["services"]["proxy"], compose["services"]["web"]
    assert "443:443" in proxy["ports"]
    assert "ports" not in web
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$SITE_DOMAIN}" in caddyfile and "reverse_proxy web:8000" in caddyfile
    assert web["environment"]["CSRF_TRUSTED_ORIGINS"] == "https://${SITE_DOMAIN}"


@pytest.mark.django_db
def test_the_web_health_check_passes_with_a_real_host_behind_the_proxy(client, settings):
    """What compose's health check sends: the real host name and the proxy's scheme header."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "Host: $${ALLOWED_HOSTS}" in check and "X-Forwarded-Proto: https" in check
    settings.ALLOWED_HOSTS = ["passerelle.example.gouv.fr"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get(
        "/health/", HTTP_HOST="passerelle.example.gouv.fr", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200
    # Without the host, Django refuses (the check would fail on a real deployment).
    assert client.get("/health/", HTTP_X_FORWARDED_PROTO="https").status_code == 400


def test_docker_compose_config_validates():
    import shutil

    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is installed by .ci/run"
    result = subprocess.run(
        [compose, "config", "--quiet"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "SITE_DOMAIN": "passerelle.example.gouv.fr",
            "SECRET_KEY": "x" * 50,
            "POSTGRES_PASSWORD": "secret",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
