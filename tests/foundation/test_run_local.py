"""`make run` end to end: a fresh database, the local site answering, and Ctrl-C stopping everything."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devtools.osmem import free_loopback_port

ROOT = Path(__file__).resolve().parents[2]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_local_serves_the_site_and_a_stop_signal_stops_everything(tmp_path, stop_signal):
    port = free_loopback_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "ELASTICSEARCH_URL")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_local", "--addrport", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        # The site answers within a minute of starting (migrations, page tree, engine, index); the demo
        # content loads afterwards, while the site already answers.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(f"{base}/healthz") == 200:
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        else:
            raise AssertionError("the site did not answer within a minute:\n" + log.read_text())

        assert fetch(f"{base}/readyz") == 200
        assert fetch(f"{base}/it/") == 200
        assert fetch(f"{base}/admin/login/") == 200
        output = log.read_text()
        assert "Local administrator: admin / " in output
        engine_url = output.split("Search engine (osmem-server) answering at ")[1].split()[0]
        assert fetch(f"{engine_url}/_cluster/health") == 200

        if stop_signal == signal.SIGINT:
            # Let the demo content finish: the directory fills up and the index follows it.
            deadline = time.monotonic() + 240
            while "Demo content ready" not in log.read_text():
                assert time.monotonic() < deadline, "the demo content did not load:\n" + log.read_text()
                assert process.poll() is None, log.read_text()
                time.sleep(1)
            with urllib.request.urlopen(f"{base}/api/directory/services/?page_size=1", timeout=10) as response:
                assert json.load(response)["count"] >= 300
            with urllib.request.urlopen(f"{base}/api/search/?q=casa&lang=it", timeout=10) as response:
                assert json.load(response)["total"] > 0
    finally:
        if stop_signal == signal.SIGINT:
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        else:
            process.send_signal(signal.SIGTERM)  # what a process manager does: the main process only
        process.wait(timeout=30)

    time.sleep(0.5)
    for url in (f"{base}/healthz", f"{engine_url}/_cluster/health"):
        try:
            fetch(url)
        except (urllib.error.URLError, OSError):
            continue
        raise AssertionError(f"{url} still answers after the stop signal")
