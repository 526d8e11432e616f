"""The production files say what they do (issue 14): docker-compose publishes the web port on
the loopback only, keeps beat's schedule in the var folder and no stray YAML anchor; the
image installs the locked versions on a Python the project supports; LICENSE is pyproject's."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


@pytest.mark.parametrize("service", ["web", "mailin"])
def test_compose_publishes_the_app_ports_on_the_hosts_loopback_only(service):
    ports = COMPOSE["services"][service]["ports"]
    assert ports and all(str(port).startswith("127.0.0.1:") for port in ports)


def test_compose_defines_no_anchor_it_does_not_use():
    anchors = set(re.findall(r"&([\w-]+)", COMPOSE_TEXT))
    aliases = set(re.findall(r"\*([\w-]+)", COMPOSE_TEXT))
    assert anchors - aliases == set()


def test_beat_keeps_its_schedule_in_the_var_folder_never_in_tmp():
    assert "/tmp" not in COMPOSE["services"]["beat"]["command"]
    assert "--schedule" not in COMPOSE["services"]["beat"]["command"], "from the settings"
    schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert schedule.parent == Path(settings.VAR_DIR)


def test_the_image_installs_the_locked_versions_of_every_dependency():
    assert re.search(r"pip install -c requirements\.lock", DOCKERFILE)
    pins = locked()
    project = PYPROJECT["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in map(Requirement, wanted):
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]}"


def test_the_image_runs_a_python_the_project_supports_and_ci_tests_it():
    version = re.search(r"^FROM python:(\d+\.\d+)", DOCKERFILE, re.MULTILINE).group(1)
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(f"{version}.0")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^IMAGE_PYTHON=.*Dockerfile", ci, re.MULTILINE), "CI reads it from there"


def test_the_license_file_is_the_one_pyproject_names():
    assert PYPROJECT["project"]["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    assert "Copyright (c) 2026, The Helpdesk authors" in text
    assert "Neither the name of the copyright holder" in text
