"""deploy/ describes a real deployment: its files are consistent with the code they run.

Docker is not available on the project's machines, so compose.yaml is validated by structure
here (and by `docker compose config` where an engine exists; see deploy/RUNBOOK.md).
"""

import configparser
import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def env_example_variables():
    names = set()
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0])
        elif line.startswith("# ") and re.match(r"# [A-Z_]+=", line):
            names.add(line[2:].split("=", 1)[0])
    return names


def manage_commands_in(text):
    """The management commands a shell line runs (`manage.py NAME ...`)."""
    return re.findall(r"manage\.py\"?,? ?\"?([a-z_]+)", text)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_app_worker_postgres_16_and_single_node_elasticsearch_8(compose):
    services = compose["services"]
    assert {"app", "worker", "postgres", "elasticsearch", "migrate", "scheduler"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert re.fullmatch(
        r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.\d+\.\d+", services["elasticsearch"]["image"]
    )
    assert services["elasticsearch"]["environment"]["discovery.type"] == "single-node"
    assert "db_worker" in services["worker"]["command"]
    assert services["app"]["command"][-1] == "deploy/gunicorn.conf.py"


def test_compose_health_checks_and_start_order(compose):
    services = compose["services"]
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "_cluster/health" in " ".join(services["elasticsearch"]["healthcheck"]["test"])
    for name in ("app", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert set(compose["volumes"]) >= {"pgdata", "esdata", "media"}


def test_compose_variables_are_documented_in_env_example(compose):
    text = (DEPLOY / "compose.yaml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)(?::-[^}]*)?\}", text))
    documented = env_example_variables()
    assert used <= documented, f"undocumented: {used - documented}"
    assert set(settings.REQUIRED_IN_PRODUCTION) <= documented


def test_compose_commands_exist(compose):
    text = (DEPLOY / "compose.yaml").read_text()
    commands = set(manage_commands_in(text)) | {"db_worker"}
    missing = commands - set(get_commands())
    assert not missing, f"compose runs commands that do not exist: {missing}"
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "requirements/production.txt" in dockerfile and "collectstatic" in dockerfile


def read_unit(path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
TIMERS = sorted((DEPLOY / "systemd").glob("*.timer"))


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_every_service_restarts_on_failure_and_runs_an_existing_command(path):
    unit = read_unit(path)
    service = unit["Service"]
    assert service.get("Restart") in ("on-failure", "always"), path.name
    assert service["EnvironmentFile"] == "/etc/aftercare/aftercare.env"
    assert service["User"] == "aftercare"
    exec_start = shlex.split(service["ExecStart"])
    if "manage.py" in exec_start:
        command = exec_start[exec_start.index("manage.py") + 1]
        assert command in get_commands(), f"{path.name} runs a missing command {command}"
    else:
        assert exec_start[-1] == "/srv/aftercare/deploy/gunicorn.conf.py"


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_every_timer_triggers_an_existing_service(path):
    timer = read_unit(path)["Timer"]
    assert (DEPLOY / "systemd" / timer["Unit"]).exists()
    assert timer["OnCalendar"]
    assert timer.get("Persistent") == "true"


def test_periodic_jobs_the_product_needs_are_scheduled():
    scheduled = set()
    for path in TIMERS:
        service = read_unit(DEPLOY / "systemd" / read_unit(path)["Timer"]["Unit"])["Service"]
        scheduled.add(shlex.split(service["ExecStart"])[2])
    assert {
        "workflow_timers",
        "publish_scheduled",
        "search_index",
        "referrals_daily",
        "referrals_anonymise",
    } <= scheduled


def test_nginx_site_proxies_to_gunicorn_with_tls_http2_and_a_search_rate_limit():
    site = (DEPLOY / "nginx" / "aftercare.conf").read_text()
    assert "listen 443 ssl;" in site and "http2 on;" in site
    assert "keepalive 32;" in site
    assert re.search(r"location /api/search/ \{\s*limit_req zone=aftercare_search", site)
    assert "client_max_body_size" in site
    assert "immutable" in site
    proxy = (DEPLOY / "nginx" / "aftercare-proxy.conf").read_text()
    assert 'proxy_set_header Connection "";' in proxy  # upstream keep-alive
    assert "X-Forwarded-Proto $scheme" in proxy
