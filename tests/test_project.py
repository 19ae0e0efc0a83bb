"""The project as an operator meets it: settings from the environment, Dutch, production checks."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kq2!vN9zR@pL4mW8sT1yB6cF3hJ0dG5eA-uQwErTyUiOp+Zk3",
    "ALLOWED_HOSTS": "www.kopij.nl",
    "SITE_URL": "https://www.kopij.nl",
}


def manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_dutch_is_the_default_language_and_amsterdam_the_time_zone():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE) == ("nl", "Europe/Amsterdam")


def test_without_debug_a_missing_secret_key_is_a_clear_startup_error():
    result = manage("check", env={"DEBUG": "false", "ALLOWED_HOSTS": "www.kopij.nl"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_without_debug_missing_allowed_hosts_is_a_clear_startup_error():
    result = manage("check", env={"DEBUG": "false", "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_the_documented_production_environment_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://kopij@db:5432/kopij", "django.db.backends.postgresql"),
        ("sqlite:////tmp/x.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_the_database_comes_from_database_url(url, engine):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d.get('CONN_MAX_AGE', 0), bool(d.get('OPTIONS', {}).get('pool')), "
        "d.get('CONN_HEALTH_CHECKS'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == engine
    if engine.endswith("postgresql"):
        # psycopg's pool (not persistent connections), with health checks on
        assert result.stdout.split()[1:] == ["0", "True", "True"]


def test_every_dutch_translation_is_compiled():
    po = ROOT / "locale/nl/LC_MESSAGES/django.po"
    mo = ROOT / "locale/nl/LC_MESSAGES/django.mo"
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
    text = po.read_text()
    assert 'msgstr ""\n\n' not in text.split("\n\n", 1)[1], "untranslated strings in nl"
    assert "#, fuzzy" not in text


def test_production_static_files_are_collected_with_hashed_names(tmp_path):
    result = manage(
        "collectstatic", "--noinput", env={**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert manifest["css/site.css"].startswith("css/site.")
    assert (tmp_path / manifest["css/site.css"]).with_suffix(".css.gz").exists()


def test_every_model_change_has_its_migration():
    result = manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "true"})
    # Fails naming the app and the change when a migration is missing.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.django_db
def test_after_all_migrations_each_role_holds_the_permissions_of_every_app():
    from django.contrib.auth.models import Group

    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    reporter, editor, chief = (
        codenames("Verslaggever"),
        codenames("Eindredacteur"),
        codenames("Hoofdredactie"),
    )
    assert {"change_article", "add_image"} <= reporter
    assert not {"publish_article", "send_edition", "change_typoreport"} & reporter
    assert {"publish_article", "change_image", "change_typoreport", "send_edition"} <= editor
    assert {"change_section", "change_subscriber", "delete_typoreport"} <= chief


def test_make_run_on_another_port_puts_that_port_in_the_links_of_its_mail(tmp_path):
    # A stand-in virtualenv whose "python" only reports the SITE_URL it was given.
    (tmp_path / "bin").mkdir()
    fake_python = tmp_path / "bin" / "python"
    fake_python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    fake_python.chmod(0o755)
    (tmp_path / ".installed").touch()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    make = shutil.which("make")
    if make is None:
        pytest.skip("GNU make is not installed")
    result = subprocess.run(
        [make, "--no-print-directory", "run", "PORT=8123", f"VENV={tmp_path}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "SITE_URL=http://127.0.0.1:8123" in result.stdout
