"""Settings come from the environment, once; production settings pass `check --deploy` (issue 2)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
ENV_METHODS = {"str", "bool", "int", "list", "dict", "path", "db", "cache_url", "float", "url"}


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((ROOT / "helpdesk" / "settings.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.func.attr in ENV_METHODS
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


def compose_app_variables() -> set[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    names = set()
    for service in compose["services"].values():
        if service.get("image") == "helpdesk:latest":
            names |= set((service.get("environment") or {}).keys())
    return names


def clean_environment() -> dict[str, str]:
    """This process's environment without anything the settings (or Django's checks) read,
    but for the var folder of the test run (tests/isolation.py): never the repository's."""
    ignored = variables_read_by_settings() | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return {**clean, "HELPDESK_VAR_DIR": os.environ["HELPDESK_VAR_DIR"]}


def run_settings(env: dict[str, str], code: str) -> str:
    clean = clean_environment()
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def compose_interpolated_variables() -> set[str]:
    """What docker-compose itself reads from .env (`${NAME}`), e.g. POSTGRES_PASSWORD."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{(\w+)", text))


def test_every_variable_of_env_example_is_read_by_the_settings_or_by_compose():
    unread = set(env_example()) - variables_read_by_settings() - compose_interpolated_variables()
    assert unread == set()


def test_every_variable_docker_compose_reads_is_in_env_example_and_the_readme():
    names = compose_interpolated_variables()
    assert "POSTGRES_PASSWORD" in names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert names - set(env_example()) == set()
    assert [name for name in sorted(names) if f"`{name}`" not in readme] == []


def test_every_variable_the_settings_read_is_documented_in_env_example():
    assert variables_read_by_settings() - set(env_example()) == set()


def test_every_variable_docker_compose_sets_for_the_app_is_read_by_the_settings():
    names = compose_app_variables()
    assert names, "docker-compose.yml sets the app's environment"
    assert names - variables_read_by_settings() == set()


def test_the_readme_explains_every_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in sorted(variables_read_by_settings()) if f"`{name}`" not in readme]
    assert missing == []


def test_settings_are_read_from_the_environment(tmp_path):
    out = run_settings(
        {
            "DATABASE_URL": "postgres://u:p@db.internal:5433/hd",
            "ATTACHMENT_MAX_SIZE_MB": "5",
            "ATTACHMENT_ALLOWED_TYPES": "png,pdf",
            "ALLOWED_HOSTS": "a.example,b.example",
            "TIME_ZONE": "Europe/Moscow",
            "CELERY_BROKER_URL": "redis://cache:6379/4",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "smtp.example.com",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "true",
            "MEDIA_ROOT": str(tmp_path / "files"),
            "TICKET_REOPEN_DAYS": "14",
            "SITE_URL": "https://help.example.com/",
        },
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'db': s.DATABASES['default'], 'size': s.ATTACHMENT_MAX_SIZE, "
        "'types': s.ATTACHMENT_ALLOWED_TYPES, 'hosts': s.ALLOWED_HOSTS, 'tz': s.TIME_ZONE, "
        "'broker': s.CELERY_BROKER_URL, 'smtp': [s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS], "
        "'media': str(s.MEDIA_ROOT), 'reopen': s.TICKET_REOPEN_DAYS, 'site': s.SITE_URL, "
        "'csrf': s.CSRF_TRUSTED_ORIGINS}, default=str))",
    )
    values = json.loads(out)
    assert values["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (values["db"]["HOST"], values["db"]["PORT"], values["db"]["NAME"]) == (
        "db.internal",
        5433,
        "hd",
    )
    assert values["size"] == 5 * 1024 * 1024
    assert values["types"] == ["png", "pdf"]
    assert values["hosts"] == ["a.example", "b.example"]
    assert values["tz"] == "Europe/Moscow"
    assert values["broker"] == "redis://cache:6379/4"
    assert values["smtp"] == ["smtp.example.com", 587, True]
    assert values["media"] == str(tmp_path / "files")
    assert values["reopen"] == 14
    assert values["site"] == "https://help.example.com"
    assert values["csrf"] == ["https://help.example.com"]


def test_safe_local_defaults(tmp_path):
    out = run_settings(
        {"HELPDESK_VAR_DIR": str(tmp_path)},
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME']), 'mail': s.EMAIL_BACKEND, "
        "'mail_path': str(s.EMAIL_FILE_PATH), 'broker': s.CELERY_BROKER_URL, "
        "'redirect': s.SECURE_SSL_REDIRECT}))",
    )
    values = json.loads(out)
    assert values["debug"] is False
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "db.sqlite3")
    assert values["mail"] == "mailgateway.outbound.backends.ReadableFileBackend"
    assert values["mail_path"] == str(tmp_path / "mail")
    assert values["broker"] == "filesystem://localhost//"
    assert values["redirect"] is False


@pytest.mark.parametrize("debug", ["false"])
def test_check_deploy_is_clean_with_production_variables(tmp_path, debug):
    env = {k: v for k, v in env_example().items() if v != ""}
    env.update(
        {
            "DEBUG": debug,
            "SECRET_KEY": "k" * 20 + "Q9x!r2_Lm7@pZ4#vB8&nT1$wY6^cF3*hJ5(eD0)uG",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "HELPDESK_VAR_DIR": str(tmp_path),
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    clean = clean_environment()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_reports_the_development_key(tmp_path):
    clean = clean_environment()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "HELPDESK_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr
    assert "helpdesk.W002" in result.stderr  # secrets encrypted with a key from SECRET_KEY


def test_file_modes_are_read_as_octal_from_the_environment():
    """Issue 14 "file modes": 0640/0750 by default, configurable."""
    code = (
        "from django.conf import settings as s; "
        "print(oct(s.FILE_UPLOAD_PERMISSIONS), oct(s.FILE_UPLOAD_DIRECTORY_PERMISSIONS))"
    )
    assert run_settings({}, code).split() == ["0o640", "0o750"]
    custom = {"FILE_UPLOAD_PERMISSIONS": "0600", "FILE_UPLOAD_DIRECTORY_PERMISSIONS": "0700"}
    assert run_settings(custom, code).split() == ["0o600", "0o700"]
