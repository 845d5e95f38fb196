"""Production settings refuse to start without their required variables; the project package is found everywhere."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "aftercare.example.org",
    "DATABASE_URL": "sqlite:////tmp/aftercare-settings-test.sqlite3",
    "ELASTICSEARCH_URL": "http://127.0.0.1:9",
}


def load_settings(module, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_SETTINGS_MODULE"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env | {"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ELASTICSEARCH_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = load_settings("aftercare.settings.production", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_the_development_secret_key():
    env = PRODUCTION_ENV | {"SECRET_KEY": "development-only-insecure-key-never-use-in-production"}
    result = load_settings("aftercare.settings.production", env)
    assert result.returncode != 0
    assert "SECRET_KEY must be a private random value" in result.stderr


def test_production_starts_with_its_variables_and_debug_off():
    result = load_settings("aftercare.settings.production", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_manage_py_finds_the_project_package_without_extra_paths():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_languages_are_italian_first_and_modeltranslation_matches(settings):
    codes = [code for code, _ in settings.LANGUAGES]
    assert codes == ["it", "en", "fr", "es", "ar", "uk", "ro", "sq", "zh-hans"]
    assert tuple(codes) == settings.MODELTRANSLATION_LANGUAGES
    assert settings.LANGUAGE_CODE == "it"
