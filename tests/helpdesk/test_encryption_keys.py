"""The keys of secrets at rest (issue 14): FIELD_ENCRYPTION_KEYS from the environment; a
key derived from SECRET_KEY only on a laptop (DEBUG) or in the tests; the system checks
warn when production runs without a key and refuse a malformed one."""

from __future__ import annotations

import json
import subprocess
import sys

from cryptography.fernet import Fernet

from helpdesk import checks
from tests.helpdesk.test_settings import ROOT, clean_environment, run_settings

PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "p" * 30 + "Q9x!r2_Lm7@pZ4#vB8&nT1$wY6^cF3"}
READ = (
    "from django.conf import settings as s; import json; "
    "print(json.dumps([s.FIELD_ENCRYPTION_KEYS, s.FIELD_ENCRYPTION_KEYS_DERIVED]))"
)


def test_the_keys_come_from_the_environment_first_one_first(tmp_path):
    one, two = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = {**PRODUCTION, "HELPDESK_VAR_DIR": str(tmp_path), "FIELD_ENCRYPTION_KEYS": f"{one},{two}"}
    assert json.loads(run_settings(env, READ)) == [[one, two], False]


def test_production_gets_no_key_derived_from_its_secret_key(tmp_path):
    env = {**PRODUCTION, "HELPDESK_VAR_DIR": str(tmp_path)}
    assert json.loads(run_settings(env, READ)) == [[], False]


def test_a_laptop_with_debug_gets_a_key_derived_from_the_secret_key(tmp_path):
    env = {**PRODUCTION, "DEBUG": "true", "HELPDESK_VAR_DIR": str(tmp_path)}
    keys, derived = json.loads(run_settings(env, READ))
    assert derived is True and len(keys) == 1
    Fernet(keys[0])  # a valid key


def test_production_without_a_key_is_warned_by_the_system_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean_environment(), **PRODUCTION, "HELPDESK_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "helpdesk.W001" in result.stderr


def test_a_malformed_key_is_an_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    [error] = checks.field_encryption_keys(None)
    assert error.id == "helpdesk.E001"


def test_valid_keys_pass_the_checks(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FIELD_ENCRYPTION_KEYS_DERIVED = False
    assert checks.field_encryption_keys(None) == []
    assert checks.field_encryption_keys_of_production(None) == []
