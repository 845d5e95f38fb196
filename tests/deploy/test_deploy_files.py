"""deploy/ describes a real deployment: its files are consistent with the code they run.

Docker is not available on the project's machines, so compose.yaml is validated by structure
here (and by `docker compose config` where an engine exists; see deploy/RUNBOOK.md).
"""

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
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
        "send_verification_requests",
        "check_links",
    } <= scheduled


def nginx_directives(name):
    """The nginx file without its comments."""
    return re.sub(r"#.*", "", (DEPLOY / "nginx" / name).read_text())


def test_nginx_site_proxies_to_gunicorn_with_tls_http2_and_a_search_rate_limit():
    site = nginx_directives("aftercare.conf")
    # Debian 12's nginx 1.22 knows HTTP/2 only as a listen parameter ("http2 on;" is 1.25.1+).
    assert "listen 443 ssl http2;" in site and "listen [::]:443 ssl http2;" in site
    assert not re.search(r"^\s*http2\s", site, re.M)
    assert "ssl_stapling" not in site  # Let's Encrypt certificates carry no OCSP URL any more
    upstream = re.search(r"upstream aftercare_app \{(.*?)\}", site, re.S).group(1)
    assert "keepalive 32;" in upstream
    # Idle upstream connections: nginx gives up before gunicorn does (its keepalive is 5 s).
    assert int(re.search(r"keepalive_timeout (\d+)s;", upstream).group(1)) < 5
    assert re.search(r"location /api/search/ \{\s*limit_req zone=aftercare_search", site)
    # The server-rendered search page of every language, zh-hans included, has the same limit.
    page = re.search(r"location ~ (\S+) \{\s*limit_req zone=aftercare_search burst=20 nodelay;\s*include", site)
    assert page, "no rate limit on the search page"
    for language in settings.LANGUAGE_CODES:
        assert re.match(page.group(1), f"/{language}/search/"), language
    assert not re.match(page.group(1), "/it/services/search/")
    assert "client_max_body_size" in site
    assert "immutable" in site
    proxy = nginx_directives("aftercare-proxy.conf")
    assert 'proxy_set_header Connection "";' in proxy  # upstream keep-alive
    assert "X-Forwarded-Proto $scheme" in proxy


def test_nginx_never_retries_or_counts_a_503_as_a_failed_host():
    # The search page and API answer 503 by design while the search engine is down.
    proxy = nginx_directives("aftercare-proxy.conf")
    retry_on = re.search(r"proxy_next_upstream ([^;]*);", proxy).group(1).split()
    assert "http_503" not in retry_on and "error" in retry_on


NGINX = os.environ.get("NGINX_BINARY") or shutil.which("nginx")


@pytest.mark.skipif(
    not NGINX or not shutil.which("openssl"),
    reason="needs an nginx binary (on PATH, or NGINX_BINARY=/path/to/nginx) and openssl",
)
@pytest.mark.parametrize("name", ["aftercare.conf", "compose.conf"])
def test_nginx_accepts_the_configuration(tmp_path, name):
    """`nginx -t` on the site as installed (snippet, certificate and log paths moved to tmp_path)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    shutil.copy(DEPLOY / "nginx" / "aftercare-proxy.conf", tmp_path)
    site = (DEPLOY / "nginx" / name).read_text()
    for installed, here in {
        "/etc/nginx/snippets/aftercare-proxy.conf": tmp_path / "aftercare-proxy.conf",
        "/etc/letsencrypt/live/aftercare.example.org/fullchain.pem": tmp_path / "cert.pem",
        "/etc/letsencrypt/live/aftercare.example.org/privkey.pem": tmp_path / "key.pem",
        "/var/log/nginx/": f"{tmp_path}/",
    }.items():
        site = site.replace(installed, str(here))
    (tmp_path / "site.conf").write_text(site)
    temp_paths = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi"))
    temp_paths += f" uwsgi_temp_path {tmp_path / 'uwsgi'}; scgi_temp_path {tmp_path / 'scgi'};"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\n"
        f"http {{ {temp_paths} access_log {tmp_path / 'access.log'}; include {tmp_path / 'site.conf'}; }}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "[warn]" not in output and "[emerg]" not in output, output


def test_compose_nginx_serves_media_from_the_shared_volume_and_proxies_the_rest(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["image"] == "nginx:1.27"
    assert "./nginx/compose.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "media:/srv/aftercare/var/media:ro" in nginx["volumes"]
    assert "media:/srv/aftercare/var/media" in compose["services"]["worker"]["volumes"]
    assert nginx["ports"] == ["127.0.0.1:8000:80"]
    assert "ports" not in compose["services"]["app"]  # only nginx is published
    conf = nginx_directives("compose.conf")
    assert re.search(r"location /media/ \{\s*alias /srv/aftercare/var/media/;", conf)
    assert "set $aftercare_app http://app:8000;" in conf and "proxy_pass $aftercare_app;" in conf
    assert "proxy_set_header Host $host;" in conf
    assert "client_max_body_size 20m;" in conf  # the same uploads as the host's nginx
    # Static files come from the app (whitenoise), never from a volume of an older image.
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert "/static/" not in conf


def test_compose_app_listens_on_every_interface_and_caches_in_redis(compose):
    services = compose["services"]
    assert services["redis"]["image"] == "redis:7"
    assert services["app"]["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"
    for name in ("migrate", "app", "worker", "scheduler"):
        environment = services[name]["environment"]
        assert environment["CACHE_URL"] == "rediscache://redis:6379/1", name
        assert environment["ELASTICSEARCH_URL"] == "http://elasticsearch:9200", name
    assert services["migrate"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_bootstraps_the_site_at_its_public_address(compose):
    command = compose["services"]["migrate"]["command"]
    assert "bootstrap_site --hostname $${PUBLIC_HOSTNAME:-localhost} --port $${PUBLIC_PORT:-443}" in command
    assert {"PUBLIC_HOSTNAME", "PUBLIC_PORT"} <= env_example_variables()


def test_compose_header_cites_test_files_that_exist():
    cited = re.findall(r"tests/[\w/]+\.py", (DEPLOY / "compose.yaml").read_text())
    assert cited
    for path in cited:
        assert (ROOT / path).is_file(), path


def run_scheduler(tmp_path, compose, start, end, slow=""):
    """The scheduler's loop under dash (the image's /bin/sh) against a fake clock.

    `date` reads the clock, `sleep` advances it, and each `manage.py` command takes 2 s (or
    the seconds `slow` gives it as "HHMM:command:seconds"). Returns the commands run as
    (HHMM when they started, command) pairs.
    """
    script = compose["services"]["scheduler"]["command"][2].replace("$$", "$")
    clock, log = tmp_path / "clock", tmp_path / "log"
    clock.write_text(str(start))
    (tmp_path / "bin").mkdir()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    tools = {
        "bin/date": f'exec {shutil.which("date")} -u -d "@$(cat {clock})" "$@"\n',
        "bin/sleep": f"t=$(($(cat {clock}) + $1)); echo $t > {clock}; [ $t -lt {end} ] || kill $PPID\n",
        ".venv/bin/python": (
            f'hhmm=$(date +%H%M); echo "$hhmm $2" >> {log}; took=2\n'
            f'for rule in {slow}; do [ "$rule" = "$hhmm:$2:${{rule##*:}}" ] && took=${{rule##*:}}; done\n'
            f"echo $(($(cat {clock}) + took)) > {clock}\n"
        ),
    }
    for name, body in tools.items():
        (tmp_path / name).write_text("#!/bin/sh\n" + body)
        (tmp_path / name).chmod(0o755)
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "TZ": "UTC"}
    subprocess.run(["dash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    return [tuple(line.split()) for line in log.read_text().splitlines()]


def utc(hhmmss):
    return 86400 * 20000 + int(hhmmss[:2]) * 3600 + int(hhmmss[2:4]) * 60 + int(hhmmss[4:])


DASH = pytest.mark.skipif(not shutil.which("dash"), reason="needs dash, the /bin/sh of the Debian-based image")


@DASH
@pytest.mark.parametrize(
    "slow",
    [
        "",
        "0729:workflow_timers:60",  # ends exactly at 07:30:00
        "0729:workflow_timers:125",  # runs past 07:30 altogether
        "0725:publish_scheduled:200",
    ],
)
def test_scheduler_runs_every_job_on_time_even_after_a_long_round(tmp_path, compose, slow):
    runs = run_scheduler(tmp_path, compose, utc("070517"), utc("074000"), slow)
    minutes = [hhmm for hhmm, command in runs if command == "workflow_timers"]
    assert {"0706", "0708", "0709", "0715"} <= set(minutes)  # "08" and "09" are no octal numbers
    assert len(minutes) == len(set(minutes))  # never twice in one minute
    publishing = [hhmm for hhmm, command in runs if command == "publish_scheduled"]
    assert publishing[:3] == ["0705", "0710", "0715"]
    assert [command for _, command in runs].count("referrals_daily") == 1


@DASH
def test_scheduler_runs_retention_once_at_0315(tmp_path, compose):
    runs = run_scheduler(tmp_path, compose, utc("031000"), utc("032000"))
    assert [run for run in runs if run[1] == "referrals_anonymise"] == [("0315", "referrals_anonymise")]
    assert [run for run in runs if run[1] == "referrals_daily"] == []


def dockerignored(path):
    """Whether `docker build` leaves `path` out of the context (.dockerignore's rules, in order;
    a pattern also excludes everything under a directory it matches)."""
    excluded = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for token in re.findall(r"\*\*/|\*\*|\*|\?|\[[^]]*\]|[^*?[]", pattern):
            regex += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(
                token, token if token.startswith("[") else re.escape(token)
            )
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            excluded = not negated
    return excluded


def test_docker_build_context_leaves_out_secrets_virtualenvs_and_local_data():
    for path in (
        ".venv/bin/python",
        "deploy/.env",
        ".env",
        ".git",
        "node_modules/axe-core/axe.js",
        "db.sqlite3",
        "var/media/original_images/photo.jpg",
        "var/static/staticfiles.json",
        "cms/__pycache__/models.cpython-311.pyc",
        "tests/artifacts/report.html",
    ):
        assert dockerignored(path), path
    # ... but keeps what the image needs.
    for path in (
        "manage.py",
        "requirements/production.txt",
        "deploy/gunicorn.conf.py",
        "deploy/.env.example",
        "site/aftercare/settings/production.py",
        "site/aftercare/static/aftercare/site.css",
        "locale/it/LC_MESSAGES/django.mo",
    ):
        assert not dockerignored(path), path


def test_no_unit_puts_start_limits_in_service():
    """systemd reads StartLimitIntervalSec= and StartLimitBurst= in [Unit] only."""
    for path in UNITS + TIMERS:
        unit = read_unit(path)
        if unit.has_section("Service"):
            misplaced = [key for key in unit["Service"] if key.startswith("StartLimit")]
            assert not misplaced, f"{path.name}: {misplaced} in [Service]"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_analyze_finds_nothing_unknown_in_the_units(tmp_path):
    for path in UNITS + TIMERS:
        shutil.copy(path, tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The commands live under /srv/aftercare, which does not exist here: the only complaint allowed.
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert not complaints, complaints


def test_env_example_reads_the_same_in_bash_systemd_and_compose():
    """`set -a; . file` (RUNBOOK.md) accepts every line, and each value is what systemd's
    EnvironmentFile= and compose's env_file make of it: the text, without one pair of quotes."""
    path = DEPLOY / ".env.example"
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", 'set -a; . "$1" || exit 1; set +a; env -0', "bash", str(path)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    in_bash = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    assigned = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, value = line.split("=", 1)
        quote = value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else ""
        value = value[1:-1] if quote else value
        # Unquoted: no character any of the three reads specially. Double quotes: no escapes or
        # expansions (systemd and compose expand some, bash others). Single quotes: no quote inside.
        forbidden = {"": r"[\s\"'$`\\<>;&|#()]", '"': r"[\"$`\\]", "'": r"'"}[quote]
        assert not re.search(forbidden, value), f"{name}: quote this value as the file's header says"
        assigned[name] = value
    for name, value in assigned.items():
        assert in_bash.get(name) == value, name
    assert in_bash["DEFAULT_FROM_EMAIL"] == "After Care Network <noreply@aftercare.example.org>"
    assert in_bash["ES_JAVA_OPTS"] == "-Xms1g -Xmx1g"
    assert set(settings.REQUIRED_IN_PRODUCTION) <= set(assigned)


def test_nginx_limits_every_login_and_replaces_the_clients_forwarded_for():
    """Item 2 of the security review: nginx slows password guessing per address before django-axes locks the
    username, and the X-Forwarded-For the app trusts (NUM_PROXIES=1) is the address nginx saw."""
    site = nginx_directives("aftercare.conf")
    rate = re.search(r"limit_req_zone \$binary_remote_addr zone=aftercare_login:\S+ rate=(\d+)r/m;", site)
    assert rate and int(rate.group(1)) <= 10
    for login in ("/admin/login/", "/workflow/login/", "/api/referrals/auth/token/"):
        assert re.search(
            rf"location = {re.escape(login)} \{{\s*limit_req zone=aftercare_login burst=\d+ nodelay;", site
        )
    proxy = nginx_directives("aftercare-proxy.conf")
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    assert "$proxy_add_x_forwarded_for" not in proxy
    env_example = (DEPLOY / ".env.example").read_text()
    assert re.search(r"^NUM_PROXIES=1$", env_example, re.M)


def test_production_trusts_one_proxy_by_default(tmp_path):
    from tests.deploy.conftest import production_environment

    env = production_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "static", "http://127.0.0.1:9")
    env.pop("NUM_PROXIES", None)
    code = "from django.conf import settings; print(settings.NUM_PROXIES, settings.REST_FRAMEWORK['NUM_PROXIES'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-2:] == ["1", "1"], result.stdout + result.stderr
