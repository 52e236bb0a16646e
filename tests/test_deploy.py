"""Deployment: production settings pass Django's checks; docker-compose runs every service."""

import os
import subprocess
import sys
from pathlib import Path

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
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
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
