"""Backup and restore (docs/operations.md): deploy/backup.sh then deploy/restore.sh into a fresh
PostgreSQL database, and the bilan downloads from the restored copy; restored without its files,
the download answers a clear message, not a 500."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from governance.models import AnnualReport

from .bilan.factories import paris_agreement

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.7\n% a fictional bilan\n%%EOF\n"
RESTORED = "passerelle_restore_check"


def database_url(name):
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def postgres_tools():
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL's (pg_dump, pg_restore): set DATABASE_URL")
    for tool in ("pg_dump", "pg_restore", "psql"):
        assert shutil.which(tool), f"{tool} is installed with PostgreSQL"
    admin = database_url("postgres")
    drop = ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {RESTORED}"]
    subprocess.run(drop, check=True, capture_output=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {RESTORED}"], check=True)
    yield database_url(RESTORED)
    subprocess.run(drop, check=True, capture_output=True)


DOWNLOAD = """
import os
import sys
from partners import tokens
from partners.models import User
from rest_framework.test import APIClient
user = User.objects.get(email=os.environ["CHECK_EMAIL"])
_token, key = tokens.create_personal(user)
client = APIClient()
client.credentials(HTTP_AUTHORIZATION="Token " + key)
response = client.get(os.environ["CHECK_PATH"])
body = b"".join(response.streaming_content) if response.streaming else response.content
sys.stdout.buffer.write(str(response.status_code).encode() + b"\\n" + body)
"""


def download_from(url, media_root, email, path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG", "DEVDATA"}}
    env.update(DATABASE_URL=url, MEDIA_ROOT=str(media_root), SECRET_KEY="restore-check-" + "x" * 40,
               ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", LOG_LEVEL="WARNING",
               CHECK_EMAIL=email, CHECK_PATH=path)  # fmt: skip
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", DOWNLOAD],
        cwd=ROOT, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    status, _newline, body = done.stdout.partition(b"\n")
    return int(status), body


def run(script, *args, **env):
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / script), *map(str, args)],
        env={**os.environ, **{k: str(v) for k, v in env.items()}},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_serves_its_bilan(
    postgres_tools, orgs, prefecture, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    agreement = paris_agreement(orgs)
    report = AnnualReport.objects.create(agreement=agreement, year=2025, version=1)
    report.pdf.save("bilan-75-2025-v1.pdf", ContentFile(PDF), save=False)
    AnnualReport.objects.filter(pk=report.pk).update(
        pdf=report.pdf.name, status=AnnualReport.Status.READY,
        sha256=hashlib.sha256(PDF).hexdigest(), generated_at=timezone.now(),
    )  # fmt: skip

    folder = run("backup.sh", tmp_path / "backups",
                 DATABASE_URL=database_url(connection.settings_dict["NAME"]),
                 MEDIA_ROOT=settings.MEDIA_ROOT)  # fmt: skip
    assert {p.name for p in Path(folder).iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "SHA256SUMS",
    }
    restored_media = tmp_path / "restored-media"
    run("restore.sh", folder, DATABASE_URL=postgres_tools, MEDIA_ROOT=restored_media)

    path = reverse("report-download", args=[report.pk])
    status, body = download_from(postgres_tools, restored_media, prefecture.email, path)
    assert status == 200
    assert body == PDF

    # The database alone, without the stored files: a clear answer, not a server error.
    status, body = download_from(postgres_tools, tmp_path / "empty-media", prefecture.email, path)
    assert status == 404
    assert "introuvable" in body.decode()
