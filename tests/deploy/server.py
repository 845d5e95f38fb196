"""Serving the project as production does, for the deployment tests, the browser tests and the
load test: ``manage.py`` in a child process with a given environment, and gunicorn with
deploy/gunicorn.conf.py on the loopback port named by ``GUNICORN_BIND``."""

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(env, *args, timeout=300) -> subprocess.CompletedProcess:
    """Runs ``manage.py *args``; raises with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def wait_for(url, timeout=60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:  # URLError is one: refused, reset, or an error status while starting
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def gunicorn(env, log_path):
    """gunicorn serving until the block ends; yields (process, base URL) once /healthz answers."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://{env['GUNICORN_BIND']}"
        wait_for(f"{base}/healthz")
        yield process, base
    finally:
        process.terminate()
        process.wait(timeout=30)
