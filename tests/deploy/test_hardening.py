"""Production settings pass Django's deployment checks, with production-like environment variables."""

import subprocess
import sys

from tests.deploy.conftest import ROOT, production_environment


def test_check_deploy_reports_no_warning(tmp_path):
    env = production_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "static", "http://127.0.0.1:9")
    env["ALLOWED_HOSTS"] = "aftercare.example.org"
    env["CSRF_TRUSTED_ORIGINS"] = "https://aftercare.example.org"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
